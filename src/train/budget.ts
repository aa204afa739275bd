/**
 * Sizing a run for its time budget (issue 17): given only a time limit, `charnn train` may take
 * the model's size, the batch, the learning rate and the schedule from a table measured for
 * budgets and corpus sizes (budget-table.ts). The rule, simple on purpose: any option the table
 * would set, or one that fixes the model or the run's length otherwise, given by the user means
 * no picking at all (a user's choice is never mixed with the table's); a row equal to the
 * defaults picks nothing.
 */
import type { BudgetPick, BudgetRow } from './budget-table.js';
import { TRAIN_DEFAULTS, type TrainOptions } from './train-options.js';

/** Options that, given, turn the table off: what it sets, the schedule's others, a model to
 *  start from or continue, and limits other than --time. */
export const BUDGET_BLOCKERS = [
  'cell',
  'hidden',
  'layers',
  'batch',
  'seq',
  'lr',
  'schedule',
  'dropout',
  'warmup',
  'lrFloor',
  'lrDecay',
  'lrDecayAfter',
  'init',
  'resume',
  'steps',
  'epochs',
] as const satisfies readonly (keyof TrainOptions)[];

/** The first row for a budget of `timeMs` and a corpus of `bytes`, or null. */
export function budgetRow(table: readonly BudgetRow[], timeMs: number, bytes: number): BudgetRow | null {
  return table.find((row) => timeMs <= row.upToMs && bytes <= row.upToBytes) ?? null;
}

/** True when a pick changes nothing: every option it sets is at its default. */
export function picksDefaults(pick: BudgetPick): boolean {
  return (Object.keys(pick) as (keyof BudgetPick)[]).every((key) => pick[key] === TRAIN_DEFAULTS[key]);
}

/**
 * What the table picks for a run given a time limit and the options in `given` (the names of
 * the options the user set), or null: no time limit, a blocker given, no row, or a row of defaults.
 */
export function pickForBudget(
  table: readonly BudgetRow[],
  timeMs: number | null,
  given: readonly string[],
  bytes: number,
): BudgetPick | null {
  if (timeMs === null || BUDGET_BLOCKERS.some((key) => given.includes(key))) return null;
  const row = budgetRow(table, timeMs, bytes);
  return row && !picksDefaults(row.pick) ? row.pick : null;
}
