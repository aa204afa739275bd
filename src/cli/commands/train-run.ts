/**
 * The running half of `charnn train`: progress view, JSON-lines log, Ctrl-C handling, the
 * summary, and a few samples at the end.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { CharnnError } from '../../errors.js';
import { chalkStderr } from 'chalk';
import ora from 'ora';
import type { CodePointSource } from '../../data/source.js';
import { sampleText } from '../../generation/sample.js';
import { train, type EvalReport, type StepReport } from '../../train/loop.js';
import type { TrainCliOptions, TrainOptions } from '../../train/train-options.js';
import { Rng } from '../../util/rng.js';
import type { CliIO } from '../io.js';
import { jsonLine } from '../json.js';
import { createProgressView, type ProgressView } from '../progress.js';
import { EvalSampler } from '../../train/eval-sampler.js';
import { LossHistory, lossChart } from '../train-chart.js';
import { formatCount, natsSummary } from '../format.js';

const LOG_EVERY = 10;

/** `options` are what train() takes: all of them for a new run, only the explicit ones (and
 *  resume, out, corpusPath) when resuming, where the rest come from the checkpoint. */
export async function runTraining(
  source: CodePointSource,
  name: string,
  options: Partial<TrainOptions>,
  flags: TrainCliOptions,
  io: CliIO,
  setExitCode: (code: number) => void,
) {
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
  const bold = io.fancy ? chalkStderr.bold : (s: string) => s;
  const dim = io.fancy ? chalkStderr.dim : (s: string) => s;
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
          io.stderr.write(
            `${name}: ${formatCount(info.trainTokens)} training and ${formatCount(info.valTokens)} validation tokens, vocabulary ${info.vocabSize}` +
              (info.unk > 0 ? ` (${formatCount(info.unk)} rare characters as <UNK>)` : '') +
              `\nmodel: ${info.options.cell} ${info.options.layers} x ${info.options.hidden}, ${formatCount(info.parameters)} parameters; batches of ${info.plan.streams} x ${info.plan.steps}, ${info.plan.batchesPerEpoch} per epoch, ${info.threads} thread${info.threads === 1 ? '' : 's'}\n`,
          );
          resolved = info.options;
          view = createProgressView(io.stderr, io.fancy, info.plannedSteps, info.options.timeMs);
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
    if (io.fancy) io.stderr.write(lossChart(history, (io.stderr as { columns?: number }).columns ?? 80));
    const val = result.valNats !== null ? `, validation ${natsSummary(result.valNats)}` : '';
    io.stderr.write(
      bold(`Trained ${result.steps} steps (${result.epoch.toFixed(2)} epochs), loss ${result.lossNats.toFixed(4)} nats${val}`) + '\n',
    );
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
