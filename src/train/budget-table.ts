/**
 * Sizes for a time budget: what `charnn train CORPUS --time T` trains when no flag chooses the
 * model, the batch, the learning rate or the schedule (the rule is in budget.ts, applied by the
 * command line). The rows come from the sweep in BENCHMARKS.md ("The best model for the time you
 * have"), run as bench/sweep.mts runs it; a row of the defaults picks nothing and prints nothing.
 *
 * Measured on 2 cores (BENCHMARKS.md): at 3 minutes a 2 x 192 GRU won on all three corpora (Tiny
 * Shakespeare, 1.1 MB: 1.488 and 1.493 nats against 1.574 and 1.602 for the defaults; Debian's
 * documentation, 3.0 MB: 1.092 against 1.249; the bundled corpus, 0.5 MB: 0.516 against 0.595);
 * at 10 minutes a 2 x 256 GRU won on the two corpora of 1 MB or more (Tiny Shakespeare 1.499, 1.504
 * and 1.511 against 1.544 for a 2 x 192 LSTM and 1.578 for the defaults before; Debian 1.101 against
 * 1.272 for the defaults before). Budgets in between were not measured: the cut is at 5.5
 * minutes, about the geometric mean of 3 and 10. Past it, corpora under 1 MB keep the defaults,
 * which won at 10 minutes on the bundled corpus against the defaults before (no GRU was measured
 * there at 10 minutes; a bigger model also overfits a small corpus sooner).
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
  // Up to 5.5 minutes, any corpus: a 2 x 192 GRU (won at 3 minutes on all three corpora).
  { upToMs: 330_000, upToBytes: Infinity, pick: { cell: 'gru', hidden: 192, layers, batch, seq, lr, schedule } },
  // Longer, on a corpus under 1 MB: the defaults.
  { upToMs: Infinity, upToBytes: 1_000_000 - 1, pick: { cell, hidden, layers, batch, seq, lr, schedule } },
  // Longer, on 1 MB or more: a 2 x 256 GRU (won at 10 minutes on both such corpora).
  { upToMs: Infinity, upToBytes: Infinity, pick: { cell: 'gru', hidden: 256, layers, batch, seq, lr, schedule } },
];
