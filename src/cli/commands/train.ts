/**
 * `charnn train [corpus|-]`: turns flags into TrainOptions, runs the training loop with a
 * progress view, an optional JSON-lines log, Ctrl-C handling, and ends with a few samples.
 */
import { availableParallelism } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { CodePointSource } from '../../data/source.js';
import { UsageError } from '../../errors.js';
import { CELLS } from '../../model/config.js';
import { OPTIMIZERS } from '../../train/optimizer.js';
import { TRAIN_DEFAULTS, type TrainOptions } from '../../train/options.js';
import type { CliIO } from '../io.js';
import { corpusSource } from '../input.js';
import { CHECKPOINT_DIR, loadModelFile } from '../model-path.js';
import { DEFAULT_CORPUS } from '../paths.js';
import { checkTrainSize, TRAIN_RANGES as R } from '../../train/check-options.js';
import { choice, duration, integer, ranged } from '../parse.js';
import { formatDuration } from '../format.js';

/** With no corpus and no limit, the quick start trains on the bundled corpus for this long. */
const QUICK_START_MS = 3 * 60_000;
/** The flags as commander hands them over: the options, with limits absent rather than null. */
export type TrainFlags = Omit<TrainOptions, 'epochs' | 'steps' | 'timeMs' | 'evalEvery' | 'out' | 'threads' | 'resume' | 'corpusPath'> & {
  epochs?: number;
  steps?: number;
  time?: number;
  evalEvery?: number;
  threads?: number;
  out?: string;
  resume?: string | true;
  log?: string;
  samples: number;
  /** --no-eval-samples sets it false. */
  evalSamples: boolean;
};

export function registerTrain(program: Command, io: CliIO, setExitCode: (code: number) => void): void {
  const d = TRAIN_DEFAULTS;
  program
    .command('train')
    .description('learn a character language model from a text file (one sentence per line)')
    .argument('[corpus]', `text file to learn from, or - for stdin (default: the bundled corpora/default.txt, for ${formatDuration(QUICK_START_MS / 1000)} unless a limit is given)`)
    .addOption(new Option('--cell <type>', 'recurrent cell').choices(CELLS).default(d.cell))
    .option('--hidden <n>', 'hidden units per layer', ranged(R.hidden), d.hidden)
    .option('--layers <n>', 'stacked layers', ranged(R.layers), d.layers)
    .option('--dropout <p>', 'dropout between layers', ranged(R.dropout), d.dropout)
    .option('--batch <n>', 'parallel streams per batch', ranged(R.batch), d.batch)
    .option('--seq <n>', 'steps of truncated backpropagation through time', ranged(R.seq), d.seq)
    .option('--lr <rate>', 'learning rate', ranged(R.lr), d.lr)
    .option('--optimizer <name>', `optimizer: ${OPTIMIZERS.join(', ')}`, choice(OPTIMIZERS), d.optimizer)
    .option('--clip <norm>', 'clip the global gradient norm to this (0 = off)', ranged(R.clip), d.clip)
    .option('--lr-decay <factor>', 'multiply the learning rate by this every epoch after --lr-decay-after', ranged(R.lrDecay), d.lrDecay)
    .option('--lr-decay-after <epochs>', 'epochs before the learning rate starts to decay', ranged(R.lrDecayAfter), d.lrDecayAfter)
    .option('--epochs <n>', 'stop after this many passes over the training text (default 10 if no limit is given)', ranged(R.epochs))
    .option('--steps <n>', 'stop after this many optimizer steps', ranged(R.steps))
    .option('--time <duration>', 'stop after this much wall time, e.g. 90s, 10m, 1h', duration)
    .option('--val-frac <f>', 'fraction of the corpus (at its end) held out for validation', ranged(R.valFrac), d.valFrac)
    .option('--eval-every <steps>', 'validate and checkpoint every this many steps (default: once per epoch)', ranged(R.evalEvery))
    .option('--min-count <n>', 'characters seen fewer times than this become <UNK>', ranged(R.minCount), d.minCount)
    .option('--seed <n>', 'random seed (weights, dropout, samples)', ranged(R.seed), d.seed)
    .option('--threads <n>', `threads computing gradients, each taking a share of the batch's streams (default: all ${availableParallelism()} cores)`, ranged(R.threads))
    .option('-o, --out <path>', `checkpoint path (default: ${CHECKPOINT_DIR}/<corpus-name>.safetensors)`)
    .option('--log <file>', 'append one JSON object per report to this file')
    .option('--samples <n>', 'samples to print when training ends', integer(0, 100), 3)
    .option('--no-eval-samples', 'do not print a one-line sample (stderr) at each evaluation')
    .option('--resume [checkpoint]', 'continue the run saved in this checkpoint exactly (default: the --out path); only --steps, --epochs, --time, --lr, --eval-every, --threads may change')
    .action(async (corpusArg: string | undefined, flags: TrainFlags, command: Command) => {
      if (flags.resume !== undefined) {
        await resumeTraining(corpusArg, flags, command, io, setExitCode);
        return;
      }
      checkTrainSize(flags); // before the corpus is read: a model that cannot fit is a usage error
      const { source, name } = await loadCorpus(corpusArg, io);
      const noLimit = flags.epochs === undefined && flags.steps === undefined && flags.time === undefined;
      const quickStart = corpusArg === undefined && noLimit;
      // Everything but the limits and the CLI-only flags passes through unchanged.
      const { epochs, steps, time, evalEvery, threads, out, log: _log, samples: _samples, evalSamples: _evalSamples, engine: _engine, resume: _resume, ...same } = flags as TrainFlags & { engine?: string };
      const options: TrainOptions = {
        ...same,
        resume: null,
        corpusPath: corpusArg === '-' ? null : resolve(io.cwd, corpusArg ?? DEFAULT_CORPUS),
        epochs: epochs ?? null,
        steps: steps ?? null,
        timeMs: time ?? (quickStart ? QUICK_START_MS : null),
        evalEvery: evalEvery ?? null,
        threads: threads ?? null,
        out: out ?? join(io.cwd, CHECKPOINT_DIR, `${name}.safetensors`),
      };
      if (quickStart) io.stderr.write(`Training on the bundled corpus for ${formatDuration(QUICK_START_MS / 1000)} (give --time, --steps or --epochs to change that).\n`);
      // Loaded on demand: the progress bar and sampler are only needed when training runs.
      const { runTraining } = await import('./train-run.js');
      await runTraining(source, name, options, flags, io, setExitCode);
    });
}

/**
 * The corpus as a source read in passes by the training loop (a file in chunks, or stdin's
 * bytes), never as one string. A missing or unreadable file is reported here, before training.
 */
async function loadCorpus(arg: string | undefined, io: CliIO): Promise<{ source: CodePointSource; name: string }> {
  if (arg === '-') return { source: await corpusSource('-', io), name: 'stdin' };
  const path = arg ?? DEFAULT_CORPUS;
  const base = basename(path, extname(path)) || 'corpus';
  return { source: await corpusSource(path, io), name: base };
}


/** Flag (commander's camel-case name) -> the TrainOptions field it sets, where they differ. */
const OPTION_OF_FLAG: Record<string, keyof TrainOptions> = { time: 'timeMs' };
/** Flags that are the CLI's own, not training options. */
const CLI_ONLY = new Set(['log', 'samples', 'evalSamples', 'engine', 'resume', 'out']);

/**
 * `charnn train [corpus] --resume [checkpoint]`: the checkpoint (default: the --out path, or the
 * corpus's default checkpoint), its corpus (default: the path recorded in it), and only the flags
 * given on the command line, so that the checkpoint's own options fill in the rest.
 */
async function resumeTraining(corpusArg: string | undefined, flags: TrainFlags, command: Command, io: CliIO, setExitCode: (code: number) => void) {
  const given = typeof flags.resume === 'string' ? flags.resume : flags.out ?? (corpusArg && corpusArg !== '-' ? join(CHECKPOINT_DIR, `${basename(corpusArg, extname(corpusArg)) || 'corpus'}.safetensors`) : undefined);
  if (given === undefined) throw new UsageError('--resume needs the checkpoint to continue: --resume PATH (or give -o PATH, or the corpus)');
  const checkpointPath = resolve(io.cwd, given);
  const { checkpoint } = loadModelFile(checkpointPath, io.cwd);
  const recorded = checkpoint.meta.training.corpusPath;
  const corpusPath = corpusArg ?? (typeof recorded === 'string' ? recorded : undefined);
  if (corpusPath === undefined) {
    throw new UsageError(`${given} does not record where its corpus is (it was read from stdin): give it, as in charnn train CORPUS --resume ${given}`);
  }
  const { source } = await loadCorpus(corpusPath, io);
  const name = typeof checkpoint.meta.training.corpus === 'string' ? checkpoint.meta.training.corpus : basename(corpusPath, extname(corpusPath));
  const overrides: Partial<TrainOptions> = { resume: checkpointPath, out: flags.out ? resolve(io.cwd, flags.out) : checkpointPath };
  if (corpusPath !== '-') overrides.corpusPath = resolve(io.cwd, corpusPath);
  for (const [flag, value] of Object.entries(flags)) {
    if (CLI_ONLY.has(flag) || command.getOptionValueSource(flag) !== 'cli') continue;
    (overrides as Record<string, unknown>)[OPTION_OF_FLAG[flag] ?? flag] = value;
  }
  const { runTraining } = await import('./train-run.js');
  await runTraining(source, name, overrides, flags, io, setExitCode);
}
