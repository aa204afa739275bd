// The budget table's rule (src/train/budget.ts) on test tables, and the real table
// (src/train/budget-table.ts): every row trainable (the size checks, the schedule's rules), the
// last row covering every budget and corpus.
import { describe, expect, it } from 'vitest';
import { checkScheduleRules, checkTrainSize } from '../../src/train/check-options.js';
import { BUDGET_TABLE, type BudgetPick, type BudgetRow } from '../../src/train/budget-table.js';
import { BUDGET_BLOCKERS, budgetRow, pickForBudget, picksDefaults } from '../../src/train/budget.js';
import { TRAIN_DEFAULTS } from '../../src/train/train-options.js';
import { budgetLine, formatBytes } from '../../src/cli/budget-line.js';

const { cell, hidden, layers, batch, seq, lr, schedule } = TRAIN_DEFAULTS;
const DEFAULTS = { cell, hidden, layers, batch, seq, lr, schedule };
const SMALL = { ...DEFAULTS, hidden: 64, batch: 32 };
const BIG = { ...DEFAULTS, hidden: 256, schedule: 'cosine' as const, warmup: 200 };
const TABLE: BudgetRow[] = [
  { upToMs: 60_000, upToBytes: 1e6, pick: SMALL },
  { upToMs: 600_000, upToBytes: Infinity, pick: BIG },
  { upToMs: Infinity, upToBytes: Infinity, pick: DEFAULTS },
];

describe('the budget rule', () => {
  it('the first row whose budget and corpus size hold the run', () => {
    expect(budgetRow(TABLE, 30_000, 5e5)?.pick).toBe(SMALL);
    expect(budgetRow(TABLE, 60_000, 1e6)?.pick).toBe(SMALL); // bounds included
    expect(budgetRow(TABLE, 30_000, 2e6)?.pick).toBe(BIG);
    expect(budgetRow(TABLE, 600_001, 1)?.pick).toBe(DEFAULTS);
    expect(budgetRow([], 1, 1)).toBeNull();
  });

  it('picks only with a time limit and none of the blockers given; a row of defaults picks nothing', () => {
    expect(pickForBudget(TABLE, 30_000, [], 5e5)).toBe(SMALL);
    expect(pickForBudget(TABLE, 30_000, ['timeMs', 'seed', 'out', 'threads', 'evalEvery'], 5e5)).toBe(SMALL);
    expect(pickForBudget(TABLE, null, [], 5e5)).toBeNull();
    for (const key of BUDGET_BLOCKERS) expect(pickForBudget(TABLE, 30_000, [key], 5e5), key).toBeNull();
    expect(pickForBudget(TABLE, 3_600_000, [], 5e5)).toBeNull();
    expect(picksDefaults(DEFAULTS)).toBe(true);
    expect(picksDefaults(SMALL)).toBe(false);
  });

  it('the line names dropout where the row sets it', () => {
    const line = (pick: BudgetPick) => budgetLine(pick, 1_800_000, 1_115_394);
    expect(line({ ...DEFAULTS, cell: 'gru', hidden: 384, dropout: 0.3 })).toMatch(
      /^size: gru 2 x 384, dropout 0\.3, batches of 32 x 50, lr 0\.01, cosine schedule, chosen for 30m00s on 1\.1 MB \(from measured runs; .*--dropout/,
    );
    expect(line({ ...DEFAULTS, cell: 'gru', hidden: 384 })).toMatch(/^size: gru 2 x 384, batches of /);
    expect(line({ ...DEFAULTS, batch: 50, lr: 0.002, schedule: 'char-rnn' })).toMatch(
      /^size: lstm 2 x 128, batches of 50 x 50, lr 0\.002, char-rnn schedule, chosen for 30m00s/,
    );
  });

  it('sizes as the line shows them', () => {
    expect([12, 1950, 640_000, 1_115_394, 2.5e9].map(formatBytes)).toEqual(['12 bytes', '2 KB', '640 KB', '1.1 MB', '2.5 GB']);
  });
});

describe('the table', () => {
  it('every row trains (sizes, schedule options) and the last covers every budget and corpus', () => {
    expect(BUDGET_TABLE.length).toBeGreaterThan(0);
    for (const row of BUDGET_TABLE) {
      const options = { ...TRAIN_DEFAULTS, ...row.pick };
      expect(() => checkTrainSize(options, 'cli')).not.toThrow();
      expect(() => checkScheduleRules(options, 'cli')).not.toThrow();
      expect(row.upToMs).toBeGreaterThan(0);
    }
    const last = BUDGET_TABLE[BUDGET_TABLE.length - 1];
    expect([last.upToMs, last.upToBytes]).toEqual([Infinity, Infinity]);
  });

  it("the measured rows: a 2 x 192 GRU up to 5.5 minutes; past it the defaults under 1 MB, a 2 x 384 GRU up to 2 MB and a 2 x 256 beyond up to 17 minutes, char-rnn's defaults longer", () => {
    const minutes = (m: number) => m * 60_000;
    const TS = 1_115_394; // Tiny Shakespeare
    const BUNDLED = 500_115; // corpora/default.txt
    const DEBIAN = 3_006_142; // Debian's documentation (bench/debian-corpus.sh)
    const gru = (hidden: number) => ({
      cell: 'gru',
      hidden,
      layers: 2,
      batch: TRAIN_DEFAULTS.batch,
      seq: TRAIN_DEFAULTS.seq,
      lr: TRAIN_DEFAULTS.lr,
      schedule: 'cosine',
    });
    for (const bytes of [BUNDLED, TS, DEBIAN, 999_999, 1_000_000]) {
      expect(pickForBudget(BUDGET_TABLE, minutes(3), [], bytes)).toEqual(gru(192));
      expect(pickForBudget(BUDGET_TABLE, minutes(5.5), [], bytes)).toEqual(gru(192));
    }
    for (const m of [10, 30]) expect(pickForBudget(BUDGET_TABLE, minutes(m), [], BUNDLED), `${m} minutes`).toBeNull();
    expect(pickForBudget(BUDGET_TABLE, minutes(5.5) + 1, [], TS)).toEqual(gru(384));
    expect(pickForBudget(BUDGET_TABLE, minutes(10), [], TS)).toEqual(gru(384));
    expect(pickForBudget(BUDGET_TABLE, minutes(17), [], TS)).toEqual(gru(384));
    const charRnn = { cell: 'lstm', hidden: 128, layers: 2, batch: 50, seq: 50, lr: 0.002, schedule: 'char-rnn' };
    for (const bytes of [TS, DEBIAN]) {
      expect(pickForBudget(BUDGET_TABLE, minutes(17) + 1, [], bytes)).toEqual(charRnn);
      expect(pickForBudget(BUDGET_TABLE, minutes(30), [], bytes)).toEqual(charRnn);
    }
    expect(pickForBudget(BUDGET_TABLE, minutes(17), [], DEBIAN)).toEqual(gru(256));
    expect(pickForBudget(BUDGET_TABLE, minutes(10), [], 1_999_999)).toEqual(gru(384));
    expect(pickForBudget(BUDGET_TABLE, minutes(10), [], 2_000_000)).toEqual(gru(256));
    expect(pickForBudget(BUDGET_TABLE, minutes(10), [], DEBIAN)).toEqual(gru(256));
    expect(pickForBudget(BUDGET_TABLE, minutes(10), ['batch'], TS)).toBeNull(); // a flag given: no picking
    expect(pickForBudget(BUDGET_TABLE, minutes(3), ['cell'], BUNDLED)).toBeNull();
  });
});
