/**
 * `charnn train [corpus|-]`: the flags of train's option table (src/train/train-options.ts)
 * turned into TrainOptions, then the training loop with a progress view, an optional JSON-lines
 * log, Ctrl-C handling, and a few samples at the end (train-run.ts).
 */
import { basename, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CodePointSource } from '../../data/source.js';
import { UsageError } from '../../errors.js';
import { checkTrainSize } from '../../train/check-options.js';
import { TRAIN_OPTIONS, type TrainCliOptions, type TrainOptions } from '../../train/train-options.js';
import { addFlags, cliOptionsFromFlags, givenOnCommandLine, optionsFromFlags } from '../flags.js';
import { formatDuration } from '../format.js';
import type { CliIO } from '../io.js';
import { corpusSource } from '../input.js';
import { CHECKPOINT_DIR, loadModelFile } from '../model-path.js';
import { DEFAULT_CORPUS } from '../paths.js';

/** With no corpus and no limit, the quick start trains on the bundled corpus for this long. */
const QUICK_START_MS = 3 * 60_000;

type Flags = Record<string, unknown> & { resume?: string | true };

export function registerTrain(program: Command, io: CliIO, setExitCode: (code: number) => void): void {
  const command = program
    .command('train')
    .description('learn a character language model from a text file (one sentence per line)')
    .argument(
      '[corpus]',
      `text file to learn from, or - for stdin (default: the bundled corpora/default.txt, for ${formatDuration(QUICK_START_MS / 1000)} unless a limit is given)`,
    );
  addFlags(command, TRAIN_OPTIONS).action(async (corpusArg: string | undefined, flags: Flags, action: Command) => {
    const cli = cliOptionsFromFlags(TRAIN_OPTIONS, flags);
    if (flags.resume !== undefined) {
      await resumeTraining(corpusArg, flags, action, cli, io, setExitCode);
      return;
    }
    const given = optionsFromFlags(TRAIN_OPTIONS, flags) as TrainOptions;
    checkTrainSize(given, 'cli'); // before the corpus is read: a model that cannot fit is a usage error
    const { source, name } = await loadCorpus(corpusArg, io);
    const quickStart = corpusArg === undefined && given.epochs === null && given.steps === null && given.timeMs === null;
    const options: TrainOptions = {
      ...given,
      resume: null,
      corpusPath: corpusArg === '-' ? null : resolve(io.cwd, corpusArg ?? DEFAULT_CORPUS),
      timeMs: given.timeMs ?? (quickStart ? QUICK_START_MS : null),
      logPath: cli.log !== null ? resolve(io.cwd, cli.log) : null,
      out: given.out ?? join(io.cwd, CHECKPOINT_DIR, `${name}.safetensors`),
    };
    if (quickStart)
      io.stderr.write(
        `Training on the bundled corpus for ${formatDuration(QUICK_START_MS / 1000)} (give --time, --steps or --epochs to change that).\n`,
      );
    // Loaded on demand: the progress bar and sampler are only needed when training runs.
    const { runTraining } = await import('./train-run.js');
    await runTraining(source, name, options, cli, io, setExitCode);
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

/** Options given on the command line that are not the run's settings but where it goes. */
const NOT_SETTINGS: readonly (keyof TrainOptions)[] = ['resume', 'out'];

/**
 * `charnn train [corpus] --resume [checkpoint]`: the checkpoint (default: the --out path, or the
 * corpus's default checkpoint), its corpus (default: the path recorded in it), and only the flags
 * given on the command line, so that the checkpoint's own options fill in the rest.
 */
async function resumeTraining(
  corpusArg: string | undefined,
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
        (corpusArg && corpusArg !== '-'
          ? join(CHECKPOINT_DIR, `${basename(corpusArg, extname(corpusArg)) || 'corpus'}.safetensors`)
          : undefined));
  if (given === undefined)
    throw new UsageError('--resume needs the checkpoint to continue: --resume PATH (or give -o PATH, or the corpus)');
  const checkpointPath = resolve(io.cwd, given);
  const { checkpoint } = loadModelFile(checkpointPath, io);
  const recorded = checkpoint.meta.training.corpusPath;
  const corpusPath = corpusArg ?? (typeof recorded === 'string' ? recorded : undefined);
  if (corpusPath === undefined) {
    throw new UsageError(
      `${given} does not record where its corpus is (it was read from stdin): give it, as in charnn train CORPUS --resume ${given}`,
    );
  }
  const { source } = await loadCorpus(corpusPath, io);
  const name =
    typeof checkpoint.meta.training.corpus === 'string' ? checkpoint.meta.training.corpus : basename(corpusPath, extname(corpusPath));
  const overrides: Partial<TrainOptions> = { resume: checkpointPath, out: out ? resolve(io.cwd, out) : checkpointPath };
  // The run's --log goes on unless another is given, as its other settings do.
  const recordedLog = checkpoint.meta.training.logPath;
  if (cli.log === null && typeof recordedLog === 'string') cli.log = recordedLog;
  if (cli.log !== null) overrides.logPath = resolve(io.cwd, cli.log);
  if (corpusPath !== '-') overrides.corpusPath = resolve(io.cwd, corpusPath);
  const values = optionsFromFlags(TRAIN_OPTIONS, flags) as Record<string, unknown>;
  for (const key of Object.keys(values) as (keyof TrainOptions)[]) {
    if (NOT_SETTINGS.includes(key) || !givenOnCommandLine(command, TRAIN_OPTIONS, key)) continue;
    (overrides as Record<string, unknown>)[key] = values[key];
  }
  const { runTraining } = await import('./train-run.js');
  await runTraining(source, name, overrides, cli, io, setExitCode);
}
