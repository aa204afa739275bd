/**
 * Everything `train` can be told: one table (see src/options/option-spec.ts) from which come the
 * library's TrainOptions and their defaults, the checks train() makes, and the flags of
 * `charnn train`. The resolved options are stored in the checkpoint's `training` metadata, in
 * this order.
 */
import { CELLS } from '../model/config.js';
import {
  choice,
  defaultsOf,
  DURATION_MAX_MS,
  DURATION_MIN_MS,
  int,
  onOff,
  optionalInt,
  optionalReal,
  optionalText,
  real,
  texts,
  type CliValuesOf,
  type ValuesOf,
} from '../options/option-spec.js';
import { OPTIMIZERS } from './optimizer.js';
import { DEFAULT_LR_FLOOR, DEFAULT_WARMUP, SCHEDULES } from './schedule.js';

export { DURATION_MAX_MS, DURATION_MIN_MS } from '../options/option-spec.js';

/** Open above for the library: there the bound only guards the command line against typos. */
const open = { openAbove: true };

export const TRAIN_OPTIONS = {
  cell: choice('--cell <type>', 'recurrent cell', 'lstm', CELLS),
  hidden: int('--hidden <n>', 'hidden units per layer', 128, 1, 4096, open),
  layers: int('--layers <n>', 'stacked layers', 2, 1, 16, open),
  dropout: real('--dropout <p>', 'dropout between layers', 0, 0, 1, { maxExclusive: true }),
  // batch, lr and schedule: the defaults that won bench/sweep.mts on every corpus (BENCHMARKS.md,
  // "The best model for the time you have"); char-rnn's were 50, 2e-3 and char-rnn.
  batch: int('--batch <n>', 'parallel streams per batch', 32, 1, 100_000, open),
  seq: int('--seq <n>', 'steps of truncated backpropagation through time', 50, 1, 100_000, open),
  lr: real('--lr <rate>', 'learning rate (the peak of a cosine or linear schedule)', 1e-2, 0, 10, { minExclusive: true, openAbove: true }),
  optimizer: choice('--optimizer <name>', 'optimizer (sgd: with momentum 0.9)', 'adam', OPTIMIZERS),
  clip: real('--clip <norm>', 'clip the global gradient norm to this (0 = off)', 5, 0, 1e6, open),
  // The learning-rate schedule (schedule.ts). Added after checkpoints were first written: a
  // record without these keys is a char-rnn run (their `legacy` values).
  schedule: choice(
    '--schedule <name>',
    'learning-rate schedule: char-rnn (--lr, then x --lr-decay every epoch after --lr-decay-after); cosine or linear (up to --lr over --warmup steps, then down to --lr-floor x --lr exactly as the run ends, by --steps, --epochs or --time)',
    'cosine',
    SCHEDULES,
    { legacy: 'char-rnn' },
  ),
  lrDecay: real(
    '--lr-decay <factor>',
    'char-rnn schedule: multiply the learning rate by this every epoch after --lr-decay-after',
    0.97,
    0,
    1,
    {
      minExclusive: true,
    },
  ),
  lrDecayAfter: int(
    '--lr-decay-after <epochs>',
    'char-rnn schedule: epochs before the learning rate starts to decay',
    10,
    0,
    1_000_000,
    open,
  ),
  warmup: optionalInt(
    '--warmup <steps>',
    `cosine and linear schedules: steps of linear warm-up from 0 to --lr (default ${DEFAULT_WARMUP}; with --init, a tenth of a run of fewer than ${DEFAULT_WARMUP * 10} steps; 0 = none)`,
    0,
    1_000_000_000,
    { openAbove: true, legacy: null },
  ),
  lrFloor: optionalReal(
    '--lr-floor <fraction>',
    `cosine and linear schedules: the learning rate the run ends at, as a fraction of --lr (default ${DEFAULT_LR_FLOOR})`,
    0,
    1,
    { legacy: null },
  ),
  // Limits: the first reached stops the run; with none given, `train` runs DEFAULT_EPOCHS.
  epochs: optionalInt(
    '--epochs <n>',
    'stop after this many passes over the training text (default 10 if no limit is given)',
    1,
    1_000_000,
    { openAbove: true, libraryMin: 0 },
  ),
  steps: optionalInt('--steps <n>', 'stop after this many optimizer steps', 1, 1_000_000_000, { openAbove: true, libraryMin: 0 }),
  timeMs: optionalInt(
    '--time <duration>',
    "stop after this much wall time, e.g. 90s, 10m, 1h: this session's, or with --schedule cosine or linear the run's from its start; alone (no size, lr or schedule flag), sizes the model for it where measured",
    DURATION_MIN_MS,
    DURATION_MAX_MS,
    {
      openAbove: true,
      libraryMin: 0,
      duration: true,
    },
  ),
  valFrac: real('--val-frac <f>', 'fraction of the corpus (at its end) held out for validation', 0.1, 0, 1, { maxExclusive: true }),
  evalEvery: optionalInt(
    '--eval-every <steps>',
    'validate and checkpoint every this many steps (default: once per epoch)',
    1,
    1_000_000_000,
    open,
  ),
  // Characters seen fewer times become <UNK>: singletons give <UNK> its share of probability (Good-Turing).
  minCount: int('--min-count <n>', 'characters seen fewer times than this become <UNK>', 2, 1, 1_000_000_000, open),
  seed: int('--seed <n>', 'random seed (weights, dropout, samples)', 1234, 0, 2 ** 32 - 1),
  threads: optionalInt(
    '--threads <n>',
    "threads computing gradients, each taking a share of the batch's streams (default: all {cores} cores)",
    1,
    256,
  ),
  out: optionalText('-o, --out <path>', 'checkpoint path (default: checkpoints/<corpus-name>.safetensors)'),
  // What the command line does besides training (not options of train()).
  log: optionalText('--log <file>', 'append one JSON object per report to this file', { cliOnly: true }),
  samples: int('--samples <n>', 'samples to print when training ends', 3, 0, 100, { cliOnly: true }),
  evalSamples: onOff('--no-eval-samples', 'do not print a one-line sample (stderr) at each evaluation', true, { cliOnly: true }),
  // Fine-tuning (src/train/init-from.ts) and early stopping (src/train/early-stop.ts).
  init: optionalText(
    '--init <checkpoint>',
    "start from this model's weights, configuration and vocabulary, with a fresh optimizer (fine-tuning on new text)",
    { recordedWhenSet: true, conflicts: ['resume'] },
  ),
  extendVocab: onOff(
    '--extend-vocab',
    "with --init: add the new text's characters to the vocabulary instead of counting them as <UNK>",
    false,
    {
      recordedWhenSet: true,
    },
  ),
  patience: optionalInt('--patience <n>', 'stop after n evaluations without a better validation loss (early stopping)', 1, 1_000_000, {
    recordedWhenSet: true,
  }),
  resume: optionalText(
    '--resume [checkpoint]',
    'continue the run saved in this checkpoint exactly (default: the --out path); only --steps, --epochs, --time, --lr, --eval-every, --threads, --patience may change; --log goes on unless given',
  ),
  /** Where the corpus was read from, kept in the checkpoint so `--resume` can find it again. */
  corpusPath: optionalText('--corpus-path <path>', 'where the corpus was read from', { libraryOnly: true }),
  /** The same for a corpus of several files and folders (corpusPath is then null). */
  corpusPaths: texts('--corpus-paths <path>', 'where the corpus was read from, when from several files and folders', {
    libraryOnly: true,
    recordedWhenSet: true,
  }),
  /** Where the command line appended its --log, kept so that `--resume` goes on logging there. */
  logPath: optionalText('--log-path <path>', 'where the command line appends its log', { libraryOnly: true, recordedWhenSet: true }),
} as const;

export type TrainOptions = ValuesOf<typeof TRAIN_OPTIONS>;
/** What `charnn train` does besides calling train(). */
export type TrainCliOptions = CliValuesOf<typeof TRAIN_OPTIONS>;

export const TRAIN_DEFAULTS: TrainOptions = defaultsOf(TRAIN_OPTIONS);

/** Epochs to run when neither --epochs, --steps nor --time is given. */
export const DEFAULT_EPOCHS = 10;
