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

/** The bar's fields, in the order shown, and the widest value of each (the step's digits aside). */
const FIELDS = {
  step: 'step {step}',
  loss: 'loss {loss}',
  val: 'val {val}',
  speed: '{speed} chars/s',
  eta: 'ETA {eta_text}',
} as const;
type Field = keyof typeof FIELDS;
const WIDEST: Record<Field, number> = {
  step: 'step '.length,
  loss: 'loss 0.869'.length,
  val: 'val 0.882'.length,
  speed: '123456 chars/s'.length,
  eta: 'ETA 100h00m'.length,
};
/** What goes first when the terminal is too narrow for everything: the least useful. */
const DROP_ORDER: (Field | 'bar')[] = ['step', 'bar', 'speed', 'val', 'eta', 'loss'];
const BAR = 24;
const NARROW_BAR = 10;

/**
 * The bar's format for a terminal `columns` wide: everything when it fits; else, in turn, a
 * shorter bar, fields separated by a space instead of ' | ', and fields dropped, least useful
 * first (the step, the bar itself (the percentage stays), chars/s, validation loss, the ETA), so
 * that the line is never cut off at the terminal's edge mid-field. The last column is left free
 * (a line that fills it wraps on some terminals).
 */
export function barLayout(columns: number, stepDigits: number): { format: string; barsize: number } {
  const shown = new Set<Field | 'bar'>(['bar', ...(Object.keys(FIELDS) as Field[])]);
  let sep = ' | ';
  let bar = BAR;
  const fields = () => (Object.keys(FIELDS) as Field[]).filter((f) => shown.has(f));
  const width = () =>
    (shown.has('bar') ? 1 + bar : 0) +
    ' 100%'.length +
    fields().reduce((n, f) => n + sep.length + WIDEST[f] + (f === 'step' ? stepDigits : 0), 0);
  const room = columns - 1;
  if (width() > room) bar = Math.max(NARROW_BAR, bar - (width() - room));
  if (width() > room) sep = ' ';
  for (const f of DROP_ORDER) {
    if (width() <= room) break;
    shown.delete(f);
  }
  const text = fields()
    .map((f) => sep + FIELDS[f])
    .join('');
  return { format: `${shown.has('bar') ? ' {bar}' : ''} {percentage}%${text}`, barsize: bar };
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
  const columns = (stderr as { columns?: number }).columns ?? 80;
  const layout = barLayout(columns, Number.isFinite(plannedSteps) ? String(plannedSteps).length : 7);
  // A MultiBar of one bar, for its log(): lines printed above the bar while it runs.
  const bars = new cliProgress.MultiBar(
    {
      stream: stderr,
      format: layout.format,
      barsize: layout.barsize,
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
