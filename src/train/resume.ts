/**
 * Exact resume: what a checkpoint must hold besides the weights so that a run stopped at step k
 * and resumed gives bit for bit the losses and parameters of the run that never stopped, and the
 * rules for flags on resume.
 *
 * Saved (as the checkpoint's training state, see io/checkpoint.ts):
 *   json     step, optimizer name and update count, the dropout generator's state, the number
 *            of training tokens and the batch plan (B, T) as a check that the corpus is the same
 *   tensors  optimizer.<i>  the optimizer's moment buffers (P each)
 *            carried        every stream's carried hidden state (threads/shards.ts layout)
 * Everything else follows from the step: the epoch, the batch within it (data position) and the
 * learning-rate schedule; but where the schedule follows the clock (cosine or linear with --time)
 * the json also holds train_ms, the run's training time so far, and such a run cannot be the
 * same bits when split (its steps fall at other times).
 */
import { CharnnError, UsageError } from '../errors.js';
import type { LoadedTrainState, TrainState } from '../io/checkpoint.js';
import type { Optimizer } from './optimizer.js';
import { absentMeans, flagName } from '../options/option-spec.js';
import { readEarlyStop, type EarlyStopState } from './early-stop.js';
import { TRAIN_DEFAULTS, TRAIN_OPTIONS, type TrainOptions } from './train-options.js';

/** Options that may differ from the checkpoint's when resuming; every other one must match. */
export const CHANGEABLE_ON_RESUME = [
  'steps',
  'timeMs',
  'epochs',
  'lr',
  'evalEvery',
  'threads',
  'patience',
  'out',
  'resume',
  'corpusPath',
  'corpusPaths',
  'logPath',
] as const;
/** Of those, where the run reads and writes, not how it trains: changed without a report. */
const PLACES: readonly string[] = ['out', 'resume', 'corpusPath', 'corpusPaths', 'logPath'];

/** The flag each option is given with, for messages. */
export function flagOf(key: keyof TrainOptions): string {
  return flagName(TRAIN_OPTIONS[key]);
}

export interface ResumePoint {
  step: number;
  optimizerSteps: number;
  moments: Float32Array[];
  dropoutRng: number[];
  carried: Float32Array;
  trainTokens: number;
  streams: number;
  stepsPerBatch: number;
  /** The learning-rate factor left by skipped non-finite steps (1 normally). */
  lrScale: number;
  /** Early stopping's count (early-stop.ts), when patience is on. */
  earlyStopping: EarlyStopState | null;
  /** The run's training time so far (ms, every session), kept only where the learning rate
   *  follows the clock (cosine or linear with --time: schedule.ts); null otherwise, so that other
   *  checkpoints stay the same bits run after run. A checkpoint without it: null (0 ms). */
  trainMs: number | null;
}

export function trainStateOf(point: ResumePoint, optimizer: Optimizer): TrainState {
  return {
    json: {
      version: 1,
      step: point.step,
      optimizer: { name: optimizer.name, steps: point.optimizerSteps },
      dropout_rng: point.dropoutRng,
      train_tokens: point.trainTokens,
      streams: point.streams,
      steps_per_batch: point.stepsPerBatch,
      lr_scale: point.lrScale,
      ...(point.earlyStopping
        ? { early_stopping: { since_best: point.earlyStopping.sinceBest, best_step: point.earlyStopping.bestStep } }
        : {}),
      ...(point.trainMs !== null ? { train_ms: point.trainMs } : {}),
    },
    tensors: [
      ...point.moments.map((m, i) => ({ name: `optimizer.${i}`, shape: [m.length], data: m })),
      { name: 'carried', shape: [point.carried.length], data: point.carried },
    ],
  };
}

/** Reads and checks a checkpoint's training state against the sizes this run expects. */
export function readResumePoint(
  path: string,
  state: LoadedTrainState,
  expect: { moments: number; params: number; carried: number },
): ResumePoint {
  const fail = (what: string): never => {
    throw new CharnnError(`${path}: cannot resume: ${what}`);
  };
  const j = state.json;
  const count = (key: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(`training state ${key} ${JSON.stringify(v)} is not a count`);
    return v as number;
  };
  const milliseconds = (v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`training state train_ms ${JSON.stringify(v)} is not a duration`);
    return v as number;
  };
  const scale = (v: unknown): number => {
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) fail(`training state lr_scale ${JSON.stringify(v)} is not in (0, 1]`);
    return v as number;
  };
  const optimizer = j.optimizer as Record<string, unknown> | undefined;
  if (typeof optimizer !== 'object' || optimizer === null) return fail('training state has no optimizer');
  const rng = j.dropout_rng;
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32))
    fail('training state dropout_rng is not four uint32');
  const tensor = (name: string, size: number): Float32Array => {
    const t = state.tensors.get(name);
    if (!t) return fail(`training state tensor ${name} is missing`);
    if (t.data.length !== size) fail(`training state tensor ${name} has ${t.data.length} values, expected ${size}`);
    return t.data;
  };
  return {
    step: count('step', j.step),
    optimizerSteps: count('optimizer.steps', optimizer.steps),
    moments: Array.from({ length: expect.moments }, (_, i) => tensor(`optimizer.${i}`, expect.params)),
    dropoutRng: rng as number[],
    carried: tensor('carried', expect.carried),
    trainTokens: count('train_tokens', j.train_tokens),
    streams: count('streams', j.streams),
    stepsPerBatch: count('steps_per_batch', j.steps_per_batch),
    lrScale: scale(j.lr_scale),
    earlyStopping: readEarlyStop(path, j.early_stopping),
    trainMs: j.train_ms === undefined ? null : milliseconds(j.train_ms),
  };
}

/**
 * The options of a resumed run: the checkpoint's, with the changeable ones taken from
 * `overrides` (what the caller gave explicitly). An override of any other option that differs
 * from the checkpoint's is a UsageError naming it. Returns the changes made, for the report.
 */
export function resumedOptions(
  stored: Record<string, unknown>,
  overrides: Partial<TrainOptions>,
): { options: TrainOptions; changed: string[] } {
  const options = { ...TRAIN_DEFAULTS } as Record<string, unknown>;
  for (const key of Object.keys(TRAIN_DEFAULTS) as (keyof TrainOptions)[]) {
    if (Object.prototype.hasOwnProperty.call(stored, key)) options[key] = stored[key];
    else {
      // An option the checkpoint does not record: what such a record means (the run before the
      // option existed), which need not be today's default.
      const absent = absentMeans(TRAIN_OPTIONS[key]);
      if (absent) options[key] = absent.value;
    }
  }
  const changed: string[] = [];
  const conflicts: string[] = [];
  for (const [key, value] of Object.entries(overrides) as [keyof TrainOptions, unknown][]) {
    if (value === undefined) continue;
    const before = options[key];
    if (same(before, value)) continue;
    if ((CHANGEABLE_ON_RESUME as readonly string[]).includes(key)) {
      options[key] = value;
      if (!PLACES.includes(key)) changed.push(`${flagOf(key)} ${show(value)} (was ${show(before)})`);
    } else conflicts.push(`${flagOf(key)} ${show(value)} (the checkpoint has ${show(before)})`);
  }
  if (conflicts.length > 0) {
    throw new UsageError(
      `cannot resume with ${conflicts.join(', ')}: only ${CHANGEABLE_ON_RESUME.filter((k) => !PLACES.includes(k))
        .map((k) => flagOf(k))
        .join(', ')} may change`,
    );
  }
  return { options: options as unknown as TrainOptions, changed };
}

function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

function show(v: unknown): string {
  return v === null ? 'none' : String(v);
}
