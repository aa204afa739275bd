/**
 * Sizes for a time budget: what `charnn train CORPUS --time T` trains when no flag chooses the
 * model, the batch, the learning rate or the schedule (the rule is in budget.ts, applied by the
 * command line). The rows are to come from bench/sweep.mts, as BENCHMARKS.md records it ("Sizes
 * for a time budget"): for each budget and corpus size, the configuration whose median
 * validation loss was the lowest.
 *
 * Until that sweep is run, the one row below is today's defaults for every budget and corpus,
 * and a row equal to the defaults picks nothing and prints nothing: filling in measured rows is
 * the only change needed to turn the choice on.
 */
import { TRAIN_DEFAULTS, type TrainOptions } from './train-options.js';

/** What a row sets; warmup and lrFloor only with cosine or linear (the defaults otherwise). */
export type BudgetPick = Pick<TrainOptions, 'cell' | 'hidden' | 'layers' | 'batch' | 'seq' | 'lr' | 'schedule'> &
  Partial<Pick<TrainOptions, 'warmup' | 'lrFloor'>>;

export interface BudgetRow {
  /** The row is for a --time of at most this (ms)... */
  upToMs: number;
  /** ...and a corpus of at most this many bytes. The first row that fits is taken. */
  upToBytes: number;
  pick: BudgetPick;
}

const { cell, hidden, layers, batch, seq, lr, schedule } = TRAIN_DEFAULTS;

export const BUDGET_TABLE: readonly BudgetRow[] = [
  // Not measured: the defaults, for any budget and corpus (so nothing is picked yet).
  { upToMs: Infinity, upToBytes: Infinity, pick: { cell, hidden, layers, batch, seq, lr, schedule } },
];
