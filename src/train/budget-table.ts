/**
 * Sizes for a time budget: what `charnn train CORPUS --time T` trains when no flag chooses the
 * model, the batch, the learning rate or the schedule (the rule is in budget.ts, applied by the
 * command line). The rows come from the sweep in BENCHMARKS.md ("The best model for the time you
 * have"), run as bench/sweep.mts runs it; a row of the defaults picks nothing and prints nothing.
 *
 * Measured on 2 cores (BENCHMARKS.md): at 3 minutes a 2 x 192 GRU won on all three corpora (Tiny
 * Shakespeare, 1.1 MB: 1.488 and 1.493 nats against 1.574 and 1.602 for the defaults; Debian's
 * documentation, 3.0 MB: 1.092 against 1.249; the bundled corpus, 0.5 MB: 0.516 against 0.595).
 * At 10 minutes the best size depended on how many passes over the corpus the run makes: on Tiny
 * Shakespeare a 2 x 384 GRU (about 4 epochs) won all three runs (1.486, 1.492, 1.496) against a
 * 2 x 256 (about 10 epochs: 1.499, 1.504, 1.511), which overfits; on Debian's documentation, where
 * the 2 x 256 makes under 4 epochs and the 2 x 384 under 2, the 2 x 256 won both (1.101, 1.097
 * against 1.115, 1.109). Both beat the defaults before (1.578, 1.272). At 30 minutes on Tiny
 * Shakespeare the 2 x 384 GRU fell far behind (11 passes: 1.868; with dropout 0.3, 1.725) and char-rnn's
 * defaults did 1.569, the best measured there: longer runs on 1 MB or more get those (on 2 MB or
 * more that is not measured: it follows Tiny Shakespeare's). The cut at 2 MB lies between the two
 * corpora; those at 5.5 and 17 minutes are about the geometric means of 3 and 10, and of 10 and
 * 30 (budgets in between were not measured). Past 5.5 minutes, corpora under 1 MB keep the
 * defaults: at 10 minutes on the bundled corpus they did 0.557, a 2 x 192 GRU 0.569.
 */
import { TRAIN_DEFAULTS, type TrainOptions } from './train-options.js';

/** What a row sets; warmup and lrFloor only with cosine or linear (the defaults otherwise); dropout where given. */
export type BudgetPick = Pick<TrainOptions, 'cell' | 'hidden' | 'layers' | 'batch' | 'seq' | 'lr' | 'schedule'> &
  Partial<Pick<TrainOptions, 'warmup' | 'lrFloor' | 'dropout'>>;

export interface BudgetRow {
  /** The row is for a --time of at most this (ms)... */
  upToMs: number;
  /** ...and a corpus of at most this many bytes. The first row that fits is taken. */
  upToBytes: number;
  pick: BudgetPick;
}

const { cell, hidden, layers, batch, seq, lr, schedule } = TRAIN_DEFAULTS;

/** The cut between the budgets measured at 10 and at 30 minutes (about their geometric mean). */
const SEVENTEEN_MINUTES = 1_020_000;

export const BUDGET_TABLE: readonly BudgetRow[] = [
  // Up to 5.5 minutes, any corpus: a 2 x 192 GRU (won at 3 minutes on all three corpora).
  { upToMs: 330_000, upToBytes: Infinity, pick: { cell: 'gru', hidden: 192, layers, batch, seq, lr, schedule } },
  // Longer, on a corpus under 1 MB: the defaults (won at 10 minutes on the bundled corpus).
  { upToMs: Infinity, upToBytes: 1_000_000 - 1, pick: { cell, hidden, layers, batch, seq, lr, schedule } },
  // Up to 17 minutes on 1 MB to 2 MB: a 2 x 384 GRU (won at 10 minutes on Tiny Shakespeare, 1.1 MB).
  { upToMs: SEVENTEEN_MINUTES, upToBytes: 2_000_000 - 1, pick: { cell: 'gru', hidden: 384, layers, batch, seq, lr, schedule } },
  // Up to 17 minutes on 2 MB or more: a 2 x 256 GRU (won at 10 minutes on Debian's documentation, 3.0 MB).
  { upToMs: SEVENTEEN_MINUTES, upToBytes: Infinity, pick: { cell: 'gru', hidden: 256, layers, batch, seq, lr, schedule } },
  // Longer, on 1 MB or more: char-rnn's defaults (won at 30 minutes on Tiny Shakespeare; the GRUs fell behind).
  { upToMs: Infinity, upToBytes: Infinity, pick: { cell, hidden, layers, batch: 50, seq, lr: 0.002, schedule: 'char-rnn' } },
];
