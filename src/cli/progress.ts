/**
 * Training progress on stderr: a cli-progress bar (loss, val loss, chars/s, ETA) on a terminal,
 * plain periodic lines otherwise (logs, pipes, CI).
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { EvalReport, StepReport } from '../train/loop.js';
import { formatDuration } from './format.js';

export interface ProgressView {
  step(report: StepReport): void;
  eval(report: EvalReport): void;
  /** A message line, shown above the bar on a terminal. */
  note(text: string): void;
  stop(): void;
}

/** plannedSteps may be Infinity (a time limit only): the bar then follows the clock. */
export function createProgressView(stderr: Writable, fancy: boolean, plannedSteps: number, timeMs: number | null): ProgressView {
  return fancy ? barView(stderr, plannedSteps, timeMs) : plainView(stderr, plannedSteps, timeMs);
}

function fraction(report: StepReport, plannedSteps: number, timeMs: number | null): number {
  const bySteps = Number.isFinite(plannedSteps) ? report.step / plannedSteps : 0;
  const byTime = timeMs !== null ? (report.elapsedS * 1000) / timeMs : 0;
  return Math.min(1, Math.max(bySteps, byTime));
}

function eta(report: StepReport, f: number): string {
  return f > 0 ? formatDuration((report.elapsedS * (1 - f)) / f) : '?';
}

function barView(stderr: Writable, plannedSteps: number, timeMs: number | null): ProgressView {
  // A MultiBar of one bar, for its log(): lines printed above the bar while it runs.
  const bars = new cliProgress.MultiBar(
    {
      stream: stderr,
      format: ' {bar} {percentage}% | step {step} | loss {loss} | val {val} | {speed} chars/s | ETA {eta_text}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
    },
    cliProgress.Presets.shades_classic,
  );
  let val = '-';
  let pending = false; // lines logged but not yet drawn
  let stopped = false;
  const bar = bars.create(1000, 0, { step: 0, loss: '-', val, speed: '-', eta_text: '?' });
  return {
    step(r) {
      const f = fraction(r, plannedSteps, timeMs);
      bar.update(Math.round(f * 1000), {
        step: r.step,
        loss: r.lossNats.toFixed(3),
        val,
        speed: Math.round(r.charsPerSec),
        eta_text: eta(r, f),
      });
    },
    eval(r) {
      if (r.valNats !== null) val = r.valNats.toFixed(3);
      bar.update({ val });
    },
    note(text) {
      if (stopped) {
        stderr.write(text + '\n');
        return;
      }
      bars.log(text + '\n');
      pending = true;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (pending) bars.update(); // draw the lines still waiting for the next redraw
      bars.stop();
    },
  };
}

function plainView(stderr: Writable, plannedSteps: number, timeMs: number | null): ProgressView {
  let lastPrint = -Infinity;
  const line = (r: StepReport, extra = '') => {
    const f = fraction(r, plannedSteps, timeMs);
    const total = Number.isFinite(plannedSteps) ? `/${plannedSteps}` : '';
    stderr.write(
      `step ${r.step}${total}  epoch ${r.epoch.toFixed(2)}  loss ${r.lossNats.toFixed(4)} nats${extra}  ${Math.round(r.charsPerSec)} chars/s  elapsed ${formatDuration(r.elapsedS)}  eta ${eta(r, f)}\n`,
    );
  };
  return {
    step(r) {
      // At most one line every 10 seconds, so logs stay readable.
      if (r.elapsedS - lastPrint >= 10) {
        lastPrint = r.elapsedS;
        line(r);
      }
    },
    eval(r) {
      lastPrint = r.elapsedS;
      line(r, r.valNats !== null ? `  val ${r.valNats.toFixed(4)} nats` : '');
    },
    note(text) {
      stderr.write(text + '\n');
    },
    stop() {},
  };
}
