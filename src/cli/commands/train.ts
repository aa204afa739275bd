/**
 * `charnn train [corpus|-]`: the flags of train's option table (src/train/train-options.ts)
 * turned into TrainOptions, then the training loop with a progress view, an optional JSON-lines
 * log, Ctrl-C handling, and a few samples at the end (train-run.ts).
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { checkScheduleRules, checkTrainRules, checkTrainSize } from '../../train/check-options.js';
import { initOptions } from '../../train/init-from.js';
import { TRAIN_OPTIONS, type TrainCliOptions, type TrainOptions } from '../../train/train-options.js';
import { addFlags, cliOptionsFromFlags, givenOnCommandLine, optionsFromFlags } from '../flags.js';
import { formatDuration } from '../format.js';
import type { CliIO } from '../io.js';
import { corpusFrom } from '../input.js';
import type { TrainingCorpus } from './train-run.js';
import { corpusName } from '../../platform/node/corpus-files.js';
import { CHECKPOINT_DIR, loadModelFile } from '../model-path.js';
import { DEFAULT_CORPUS } from '../paths.js';
import { sizeForBudget } from '../budget-line.js';

/** With no corpus and no limit, the quick start trains on the bundled corpus for this long. */
const QUICK_START_MS = 3 * 60_000;

type Flags = Record<string, unknown> & { resume?: string | true };

export function registerTrain(program: Command, io: CliIO, setExitCode: (code: number) => void): void {
  const command = program
    .command('train')
    .description('learn a character language model from text files and folders (one sentence per line)')
    .argument(
      '[corpus...]',
      `text files or folders (their text files) to learn from, or - for stdin (default: the bundled corpora/default.txt, for ${formatDuration(QUICK_START_MS / 1000)} unless a limit is given)`,
    );
  addFlags(command, TRAIN_OPTIONS).action(async (corpusArgs: string[], flags: Flags, action: Command) => {
    const cli = cliOptionsFromFlags(TRAIN_OPTIONS, flags);
    if (flags.resume !== undefined) {
      await resumeTraining(corpusArgs, flags, action, cli, io, setExitCode);
      return;
    }
    const given = optionsFromFlags(TRAIN_OPTIONS, flags) as TrainOptions;
    checkTrainRules(given, 'cli');
    checkScheduleRules(given, 'cli');
    if (given.init !== null)
      fromModel(given, action, io); // the model's own architecture unless given
    else checkTrainSize(given, 'cli'); // before the corpus is read: a model that cannot fit is a usage error
    const args = corpusArgs.length > 0 ? corpusArgs : [DEFAULT_CORPUS];
    const corpus = await loadCorpus(args, io);
    // Only a time limit given: the size measured best for it, if the budget table has one.
    const sized = sizeForBudget(action, given, corpus.bytes);
    if (sized !== null) {
      checkTrainSize(given, 'cli');
      io.stderr.write(sized + '\n');
    }
    const quickStart = corpusArgs.length === 0 && given.epochs === null && given.steps === null && given.timeMs === null;
    const paths = args.includes('-') ? null : args.map((a) => resolve(io.cwd, a));
    const options: TrainOptions = {
      ...given,
      resume: null,
      init: given.init !== null ? resolve(io.cwd, given.init) : null,
      corpusPath: paths?.length === 1 ? paths[0] : null,
      corpusPaths: paths !== null && paths.length > 1 ? paths : [],
      timeMs: given.timeMs ?? (quickStart ? QUICK_START_MS : null),
      logPath: cli.log !== null ? resolve(io.cwd, cli.log) : null,
      out: given.out ?? join(io.cwd, CHECKPOINT_DIR, `${corpus.name}.safetensors`),
    };
    if (quickStart)
      io.stderr.write(
        `Training on the bundled corpus for ${formatDuration(QUICK_START_MS / 1000)} (give --time, --steps or --epochs to change that).\n`,
      );
    // Loaded on demand: the progress bar and sampler are only needed when training runs.
    const { runTraining } = await import('./train-run.js');
    await runTraining(corpus, options, cli, io, setExitCode);
  });
}

/** Flags that change a model's architecture: with --init, the model's own. */
const ARCHITECTURE: readonly (keyof TrainOptions)[] = ['cell', 'hidden', 'layers'];

/**
 * With --init, the architecture (and dropout, unless given) is the model's: only the flags
 * given on the command line are passed on, and one that differs from the model's is refused
 * here, naming the flag (train() would name the library's option).
 */
function fromModel(given: TrainOptions, command: Command, io: CliIO): void {
  const options = given as Partial<TrainOptions>;
  for (const key of [...ARCHITECTURE, 'dropout'] as const) if (!givenOnCommandLine(command, TRAIN_OPTIONS, key)) delete options[key];
  const { checkpoint } = loadModelFile(given.init!, io);
  checkTrainSize(initOptions(checkpoint.meta.model, given.init!, options, 'cli') as TrainOptions, 'cli');
}

/**
 * The corpus as a source read in passes by the training loop (files in chunks, or stdin's
 * bytes), never as one string. A missing or unreadable file is reported here, before training;
 * files skipped in folders are named.
 */
async function loadCorpus(args: readonly string[], io: CliIO): Promise<TrainingCorpus> {
  const input = await corpusFrom(args, io);
  for (const s of input.skipped) io.stderr.write(`note: skipped ${s.path}: ${s.why}\n`);
  return { ...input, name: args.length === 1 && args[0] === '-' ? 'stdin' : corpusName(args) };
}

/** Options given on the command line that are not the run's settings but where it goes. */
const NOT_SETTINGS: readonly (keyof TrainOptions)[] = ['resume', 'out'];

/**
 * `charnn train [corpus] --resume [checkpoint]`: the checkpoint (default: the --out path, or the
 * corpus's default checkpoint), its corpus (default: the path recorded in it), and only the flags
 * given on the command line, so that the checkpoint's own options fill in the rest.
 */
async function resumeTraining(
  corpusArgs: string[],
  flags: Flags,
  command: Command,
  cli: TrainCliOptions,
  io: CliIO,
  setExitCode: (code: number) => void,
) {
  const out = typeof flags.out === 'string' ? flags.out : undefined;
  const given =
    typeof flags.resume === 'string'
      ? flags.resume
      : (out ??
        (corpusArgs.length > 0 && !corpusArgs.includes('-') ? join(CHECKPOINT_DIR, `${corpusName(corpusArgs)}.safetensors`) : undefined));
  if (given === undefined)
    throw new UsageError('--resume needs the checkpoint to continue: --resume PATH (or give -o PATH, or the corpus)');
  const checkpointPath = resolve(io.cwd, given);
  const { checkpoint } = loadModelFile(checkpointPath, io);
  const recorded = recordedCorpus(checkpoint.meta.training);
  const corpusPaths = corpusArgs.length > 0 ? corpusArgs : recorded;
  if (corpusPaths === undefined) {
    throw new UsageError(
      `${given} does not record where its corpus is (it was read from stdin): give it, as in charnn train CORPUS --resume ${given}`,
    );
  }
  const corpus = await loadCorpus(corpusPaths, io);
  if (typeof checkpoint.meta.training.corpus === 'string') corpus.name = checkpoint.meta.training.corpus;
  const overrides: Partial<TrainOptions> = { resume: checkpointPath, out: out ? resolve(io.cwd, out) : checkpointPath };
  // The run's --log goes on unless another is given, as its other settings do.
  const recordedLog = checkpoint.meta.training.logPath;
  if (cli.log === null && typeof recordedLog === 'string') cli.log = recordedLog;
  if (cli.log !== null) overrides.logPath = resolve(io.cwd, cli.log);
  if (!corpusPaths.includes('-')) {
    const paths = corpusPaths.map((p) => resolve(io.cwd, p));
    if (paths.length === 1) overrides.corpusPath = paths[0];
    else overrides.corpusPaths = paths;
  }
  const values = optionsFromFlags(TRAIN_OPTIONS, flags) as Record<string, unknown>;
  for (const key of Object.keys(values) as (keyof TrainOptions)[]) {
    if (NOT_SETTINGS.includes(key) || !givenOnCommandLine(command, TRAIN_OPTIONS, key)) continue;
    (overrides as Record<string, unknown>)[key] = values[key];
  }
  const { runTraining } = await import('./train-run.js');
  await runTraining(corpus, overrides, cli, io, setExitCode);
}

/** Where a checkpoint's corpus was read from (one path, or several), if recorded. */
function recordedCorpus(training: Record<string, unknown>): string[] | undefined {
  const several = training.corpusPaths;
  if (Array.isArray(several) && several.length > 0 && several.every((p) => typeof p === 'string')) return several;
  return typeof training.corpusPath === 'string' ? [training.corpusPath] : undefined;
}
