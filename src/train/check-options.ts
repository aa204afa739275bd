/**
 * What `train` accepts: the range of every numeric option and the limits on the size of what it
 * builds. The CLI's flag parsers are made from the same table (src/cli/commands/train.ts), and
 * train() checks the options it is given against it, so a library caller gets the CLI's one-line
 * error instead of a crash or an out-of-memory deep inside a run.
 */
import { UsageError } from '../errors.js';
import { CELLS, type CellType } from '../model/config.js';
import { paramSpecs, sizeOf } from '../model/param-set.js';
import { formatCount } from '../util/format-count.js';
import { OPTIMIZERS } from './optimizer.js';
import { TRAIN_DEFAULTS, type TrainOptions } from './options.js';

export interface OptionRange {
  flag: string;
  integer: boolean;
  min: number;
  max: number;
  /** The bound itself is not accepted (dropout < 1, learning rate > 0). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** train() as a library takes values past max too: there the bound only guards the CLI against
   *  typos (--lr 100 is a test of divergence recovery, --hidden is bounded by the size limits). */
  openAbove?: boolean;
  /** train() as a library takes this lower minimum (0 steps: build a model, train nothing). */
  libraryMin?: number;
}

type Extra = Pick<OptionRange, 'minExclusive' | 'maxExclusive' | 'openAbove' | 'libraryMin'>;
const int = (flag: string, min: number, max: number, extra: Extra = {}): OptionRange => ({ flag, integer: true, min, max, ...extra });
const real = (flag: string, min: number, max: number, extra: Extra = {}): OptionRange => ({ flag, integer: false, min, max, ...extra });
const open: Extra = { openAbove: true };

/** --time: at least a second (less trains nothing), at most a year. */
export const DURATION_MIN_MS = 1000;
export const DURATION_MAX_MS = 365 * 24 * 3_600_000;

type NumericOption = { [K in keyof TrainOptions]: TrainOptions[K] extends number | null ? K : never }[keyof TrainOptions];

export const TRAIN_RANGES: Record<NumericOption, OptionRange> = {
  hidden: int('--hidden', 1, 4096, open),
  layers: int('--layers', 1, 16, open),
  dropout: real('--dropout', 0, 1, { maxExclusive: true }),
  batch: int('--batch', 1, 100_000, open),
  seq: int('--seq', 1, 100_000, open),
  lr: real('--lr', 0, 10, { minExclusive: true, openAbove: true }),
  clip: real('--clip', 0, 1e6, open),
  lrDecay: real('--lr-decay', 0, 1, { minExclusive: true }),
  lrDecayAfter: int('--lr-decay-after', 0, 1_000_000, open),
  epochs: int('--epochs', 1, 1_000_000, { openAbove: true, libraryMin: 0 }),
  steps: int('--steps', 1, 1_000_000_000, { openAbove: true, libraryMin: 0 }),
  timeMs: int('--time', DURATION_MIN_MS, DURATION_MAX_MS, { openAbove: true, libraryMin: 0 }),
  valFrac: real('--val-frac', 0, 1, { maxExclusive: true }),
  evalEvery: int('--eval-every', 1, 1_000_000_000, open),
  minCount: int('--min-count', 1, 1_000_000_000, open),
  seed: int('--seed', 0, 2 ** 32 - 1),
  threads: int('--threads', 1, 256),
};

/** True when n is in the range (as the CLI's flags take it). */
export function inRange(n: number, r: OptionRange): boolean {
  if (!Number.isFinite(n) || (r.integer && !Number.isSafeInteger(n))) return false;
  return (r.minExclusive ? n > r.min : n >= r.min) && (r.maxExclusive ? n < r.max : n <= r.max);
}

/** True when train() as a library takes n: the range with openAbove and libraryMin applied. */
export function libraryAccepts(n: unknown, r: OptionRange): boolean {
  if (typeof n !== 'number' || Number.isNaN(n) || (r.integer && !Number.isInteger(n))) return false;
  const atLeastMin = r.libraryMin !== undefined ? n >= r.libraryMin : r.minExclusive ? n > r.min : n >= r.min;
  if (!atLeastMin) return false;
  if (r.openAbove) return true;
  return r.maxExclusive ? n < r.max : n <= r.max;
}

/** Usage errors for options train() cannot run with (null = not set, for the optional ones):
 *  the CLI's ranges, but for the bounds that only guard the command line (see OptionRange). */
export function checkTrainOptions(o: TrainOptions): void {
  for (const [name, range] of Object.entries(TRAIN_RANGES) as [NumericOption, OptionRange][]) {
    const value = o[name];
    if (value === null && TRAIN_DEFAULTS[name] === null) continue; // an optional one, not set
    if (!libraryAccepts(value, range)) {
      const min = range.libraryMin ?? range.min;
      const excluded = [range.minExclusive && range.libraryMin === undefined ? min : null, range.maxExclusive && !range.openAbove ? range.max : null].filter((x) => x !== null);
      const bounds = `from ${min}${range.openAbove ? ' up' : ` to ${range.max}`}${excluded.length > 0 ? ` (${excluded.join(' and ')} excluded)` : ''}`;
      throw new UsageError(`train option ${name} is ${String(value)}: expected ${range.integer ? 'an integer' : 'a number'} ${bounds} (${range.flag})`);
    }
  }
  if (!(CELLS as readonly string[]).includes(o.cell)) throw new UsageError(`train option cell is ${String(o.cell)}: expected one of ${CELLS.join(', ')}`);
  if (!(OPTIMIZERS as readonly string[]).includes(o.optimizer)) throw new UsageError(`train option optimizer is ${String(o.optimizer)}: expected one of ${OPTIMIZERS.join(', ')}`);
  checkTrainSize(o);
}

/**
 * Limits on the size of what `train` builds, which no single option's range can express.
 * Measured on the wasm engine (2 cores): training takes about 80 bytes per parameter (weights,
 * gradients, Adam's moments, the threads' chunks) and about 52 bytes per unit of
 * batch x seq x layers x hidden (each step's activations and their gradients, per direction).
 */
export const MAX_PARAMETERS = 50_000_000; // about 4 GB
export const MAX_ACTIVATIONS = 1 << 26; // batch x seq x layers x hidden (x 2 for a bilstm): about 3.5 GB

/** Parameters of a model without its vocabulary (a lower bound: the corpus adds V x (G + 1) x H + V). */
export function parametersWithoutVocab(cell: CellType, hidden: number, layers: number): number {
  return paramSpecs({ cell, hidden, layers, vocabSize: 0, dropout: 0 }).reduce((n, s) => n + sizeOf(s.shape), 0);
}

/** Usage errors for a model or batch too big to train, naming the flags to lower. */
export function checkTrainSize(o: { cell: CellType; hidden: number; layers: number; batch: number; seq: number }): void {
  const params = parametersWithoutVocab(o.cell, o.hidden, o.layers);
  if (params > MAX_PARAMETERS) {
    throw new UsageError(
      `--cell ${o.cell} --hidden ${o.hidden} --layers ${o.layers} is a model of ${formatCount(params)} parameters; at most ${formatCount(MAX_PARAMETERS)} (about 4 GB to train)`,
      'lower --hidden or --layers',
    );
  }
  const directions = o.cell === 'bilstm' ? 2 : 1;
  const units = o.batch * o.seq * o.layers * o.hidden * directions;
  if (units > MAX_ACTIVATIONS) {
    throw new UsageError(
      `--batch ${o.batch} x --seq ${o.seq} x --layers ${o.layers} x --hidden ${o.hidden}${directions > 1 ? ' x 2 directions' : ''} = ${formatCount(units)} activations per step; at most ${formatCount(MAX_ACTIVATIONS)} (about 3.5 GB)`,
      'lower --batch or --seq',
    );
  }
}
