/**
 * The running half of `charnn train`: progress view, JSON-lines log, Ctrl-C handling, the
 * summary, and a few samples at the end.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { CharnnError } from '../../errors.js';
import ora from 'ora';
import type { CorpusInput } from '../input.js';

/** The corpus of a run: its source, what it was read from, and the name of the run. */
export type TrainingCorpus = CorpusInput & { name: string };
import { sampleText } from '../../generation/sample.js';
import { bestPathOf, train, type EvalReport, type StepReport } from '../../train/loop.js';
import type { TrainCliOptions, TrainOptions } from '../../train/train-options.js';
import { Rng } from '../../util/rng.js';
import { coloursOf, type CliIO } from '../io.js';
import { jsonLine } from '../json.js';
import { createProgressView, type ProgressView } from '../progress.js';
import { EvalSampler } from '../../train/eval-sampler.js';
import { LossHistory, lossChart } from '../train-chart.js';
import { formatCount, formatCountOf, formatDuration, natsSummary, plural } from '../format.js';

const LOG_EVERY = 10;

/** `options` are what train() takes: all of them for a new run, only the explicit ones (and
 *  resume, out, corpusPath) when resuming, where the rest come from the checkpoint. */
export async function runTraining(
  corpus: TrainingCorpus,
  options: Partial<TrainOptions>,
  flags: TrainCliOptions,
  io: CliIO,
  setExitCode: (code: number) => void,
) {
  const { source, name } = corpus;
  if (options.out) checkWritableDir(dirname(options.out), 'checkpoint');
  const log = flags.log ? openLog(flags.log) : null;
  const writeLog = (r: StepReport, valNats?: number | null) => {
    if (log === null) return;
    const entry: Record<string, number> = { step: r.step, epoch: r.epoch, loss_nats: r.lossNats };
    if (valNats !== undefined && valNats !== null) entry.val_nats = valNats;
    Object.assign(entry, { chars_per_s: r.charsPerSec, elapsed_s: r.elapsedS, lr: r.lr });
    writeSync(log, jsonLine(entry) + '\n');
  };

  // Ctrl-C / SIGTERM: stop at the next step boundary and save; a second Ctrl-C quits at once.
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130);
    io.stderr.write('\nStopping after this step and saving a checkpoint (Ctrl-C again to quit now)...\n');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let view: ProgressView | null = null;
  let resolved: TrainOptions | null = null; // the run's options, as train() resolved them
  // Reading the vocabulary and encoding a big corpus takes a moment before the first step.
  const spinner = io.fancy ? ora({ text: `Preparing ${name}...`, stream: io.stderr }).start() : null;
  const { bold, dim } = coloursOf(io, 'stderr');
  const history = new LossHistory();
  const sampler = flags.evalSamples ? new EvalSampler() : null;
  try {
    const result = await train(
      source,
      name,
      options,
      {
        onNotice: (message) => (view ? view.note(`note: ${message}`) : io.stderr.write(`note: ${message}\n`)),
        onStart: (info) => {
          spinner?.stop();
          // From several files: how many, and that the validation text is the end of each.
          const read = corpus.several ? `${formatCount(info.files)} files, ${formatCount(info.lines)} lines: ` : '';
          const each = corpus.several && info.valTokens > 0 ? ' (the end of each file)' : '';
          io.stderr.write(
            `${name}: ${read}${formatCount(info.trainTokens)} training and ${formatCount(info.valTokens)} validation tokens${each}, vocabulary ${info.vocabSize}` +
              (info.unk > 0 ? ` (${formatCountOf(info.unk, info.options.init ? 'unknown character' : 'rare character')} as <UNK>)` : '') +
              `\nmodel: ${info.options.cell} ${info.options.layers} x ${info.options.hidden}, ${formatCount(info.parameters)} parameters; batches of ${info.plan.streams} x ${info.plan.steps}, ${info.plan.batchesPerEpoch} per epoch, ${formatCountOf(info.threads, 'thread')}\n`,
          );
          if (info.options.schedule !== 'char-rnn') io.stderr.write(scheduleLine(info.options, info.plannedSteps) + '\n');
          resolved = info.options;
          view = createProgressView(io.stderr, io.fancy, info.plannedSteps, info.sessionTimeMs);
        },
        onStep: (r) => {
          view?.step(r);
          history.step(r);
          if (r.step % LOG_EVERY === 0) writeLog(r);
        },
        onEval: async (r: EvalReport) => {
          view?.eval(r);
          history.eval(r);
          writeLog(r, r.valNats);
          if (sampler && r.checkpoint) {
            // A sample is a look at the run, not part of it: one that fails says so and training goes on.
            let text: string;
            try {
              text = await sampler.sample(r.checkpoint, resolved?.seed ?? 0, r.step);
            } catch (e) {
              text = `(none: ${e instanceof Error ? e.message : String(e)})`;
            }
            view?.note(dim(`sample at step ${r.step}: `) + text);
          }
        },
      },
      abort.signal,
    );
    (view as ProgressView | null)?.stop();
    if (io.fancy) io.stderr.write(lossChart(history, (io.stderr as { columns?: number }).columns ?? 80, coloursOf(io, 'stderr')));
    const val = result.valNats !== null ? `, validation ${natsSummary(result.valNats)}` : '';
    io.stderr.write(
      bold(
        `Trained ${result.steps} ${plural('step', result.steps)} (${result.epoch.toFixed(2)} epochs), loss ${result.lossNats.toFixed(4)} nats${val}`,
      ) + '\n',
    );
    if (result.stoppedBy === 'patience' && result.early) {
      const best =
        result.bestValNats !== null ? `; the best, ${result.bestValNats.toFixed(4)} nats, was at step ${result.early.bestStep}` : '';
      const out = (resolved as TrainOptions | null)?.out; // set in onStart (TS cannot see that)
      const where = out ? ` (${bestPathOf(out)})` : '';
      io.stderr.write(`Stopped early: no better validation loss in ${result.early.sinceBest} evaluations (--patience)${best}${where}\n`);
    }
    if (result.checkpoint)
      io.stderr.write(`Saved ${result.checkpoint}` + (result.bestCheckpoint ? ` (best: ${result.bestCheckpoint})` : '') + '\n');
    if (result.stoppedBy === 'abort') {
      setExitCode(130);
      return;
    }
    if (flags.samples > 0) {
      io.stderr.write(`Samples (temperature 0.8):\n`);
      const rng = new Rng((resolved as TrainOptions | null)?.seed ?? 0); // set in onStart (TS cannot see that)
      for (let i = 0; i < flags.samples; i++) {
        let line = '';
        for await (const ch of sampleText(result.model, result.vocab, {
          temperature: 0.8,
          topK: 0,
          topP: 1,
          prime: '',
          length: 400,
          direction: 'forward',
          rng,
        })) {
          if (ch === '\n') {
            if (line.length > 0) break;
            continue;
          }
          line += ch;
        }
        io.stdout.write(line + '\n');
      }
    }
  } finally {
    spinner?.stop();
    (view as ProgressView | null)?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (log !== null) closeSync(log);
  }
}

/** What a cosine or linear schedule does: `schedule: cosine, warm-up 100 steps to lr 0.002, then down to 0.0002 by step 5,000`. */
function scheduleLine(o: TrainOptions, plannedSteps: number): string {
  const ends = [
    Number.isFinite(plannedSteps) ? `step ${formatCount(plannedSteps)}` : null,
    o.timeMs !== null ? `${formatDuration(o.timeMs / 1000)} of training` : null,
  ].filter((x) => x !== null);
  const warmup = o.warmup ? `warm-up ${formatCountOf(o.warmup, 'step')} to lr ${o.lr}, then` : `lr ${o.lr}`;
  const floor = Number((o.lr * (o.lrFloor ?? 0)).toPrecision(6));
  return `schedule: ${o.schedule}, ${warmup} down to ${floor} by ${ends.join(' or ')}${ends.length > 1 ? ', whichever comes first' : ''}`;
}

/** Fail before training, not at the first checkpoint an epoch later. */
function checkWritableDir(dir: string, what: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new CharnnError(
      `cannot write the ${what} to ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'choose another path with -o',
    );
  }
}

function openLog(path: string): number {
  try {
    return openSync(path, 'a');
  } catch (e) {
    throw new CharnnError(`cannot open the log file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
