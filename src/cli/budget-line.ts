/**
 * `charnn train CORPUS --time T` with nothing else that sizes the run: the size the budget table
 * picks (src/train/budget.ts, budget-table.ts), applied to the options, and the one line on
 * stderr that says so.
 */
import type { Command } from 'commander';
import { BUDGET_TABLE, type BudgetPick, type BudgetRow } from '../train/budget-table.js';
import { pickForBudget } from '../train/budget.js';
import { TRAIN_OPTIONS, type TrainOptions } from '../train/train-options.js';
import { givenOnCommandLine } from './flags.js';
import { formatCount, formatDuration } from './format.js';

/** Applies the table's pick to `options` and returns the line to print, or null when it picks nothing. */
export function sizeForBudget(
  command: Command,
  options: TrainOptions,
  corpusBytes: number,
  table: readonly BudgetRow[] = BUDGET_TABLE,
): string | null {
  const given = Object.keys(TRAIN_OPTIONS).filter((key) => givenOnCommandLine(command, TRAIN_OPTIONS, key));
  const pick = pickForBudget(table, options.timeMs, given, corpusBytes);
  if (pick === null) return null;
  Object.assign(options, pick);
  return budgetLine(pick, options.timeMs!, corpusBytes);
}

/** `size: gru 2 x 384, dropout 0.3, batches of 32 x 50, lr 0.01, cosine schedule, chosen for 30m00s on 1.1 MB (...)` */
export function budgetLine(pick: BudgetPick, timeMs: number, bytes: number): string {
  const dropout = pick.dropout ? `, dropout ${pick.dropout}` : '';
  return (
    `size: ${pick.cell} ${pick.layers} x ${pick.hidden}${dropout}, batches of ${pick.batch} x ${pick.seq}, lr ${pick.lr}, ${pick.schedule} schedule, ` +
    `chosen for ${formatDuration(timeMs / 1000)} on ${formatBytes(bytes)} (from measured runs; --cell, --hidden, --layers, --dropout, --batch, --seq, --lr or --schedule choose instead)`
  );
}

/** 1.1 MB, 640 KB, 12 bytes (decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${formatCount(bytes)} bytes`;
}
