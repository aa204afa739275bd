// Sizing a run for its time budget (issue 17, src/cli/budget-line.ts, src/train/budget.ts), with a
// test table in place of the measured one: `charnn train CORPUS --time T` alone takes the table's
// size and says so in one line on stderr; any flag the table would set (or --steps, --epochs,
// --init, --resume) turns it off whole; a row of defaults picks nothing and prints nothing; a
// resumed run is the checkpoint's, whatever the table says.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { cliInProcess } from '../helpers/cli.js';

vi.mock('../../src/train/budget-table.js', () => ({
  BUDGET_TABLE: [
    // Small corpora and budgets of up to a second: a small GRU with the cosine schedule.
    {
      upToMs: 1000,
      upToBytes: 10_000,
      pick: { cell: 'gru', hidden: 20, layers: 1, batch: 4, seq: 16, lr: 0.005, schedule: 'cosine', warmup: 5 },
    },
    // Anything else: the defaults (picks nothing).
    {
      upToMs: Infinity,
      upToBytes: Infinity,
      pick: { cell: 'lstm', hidden: 128, layers: 2, batch: 32, seq: 50, lr: 0.01, schedule: 'cosine' },
    },
  ],
}));

const dir = mkdtempSync(join(tmpdir(), 'charnn-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const QUIET = ['--samples', '0', '--no-eval-samples', '--val-frac', '0.1'];

beforeAll(() => {
  const lines = ['the cat sat on the mat.', 'the dog sat on the log.', 'a cat and a dog ate.'];
  writeFileSync(join(dir, 'small.txt'), Array.from({ length: 90 }, (_, i) => lines[i % 3]).join('\n') + '\n'); // 1,950 bytes
  writeFileSync(join(dir, 'big.txt'), Array.from({ length: 600 }, (_, i) => lines[i % 3]).join('\n') + '\n'); // 13,000 bytes
});

const training = (file: string) => loadCheckpoint(join(dir, file)).meta.training;

describe('charnn train --time: the size for the budget', () => {
  it('--time alone: the table picks, and one line says what and why', async () => {
    const r = await cliInProcess(['train', join(dir, 'small.txt'), '--time', '1s', ...QUIET, '-o', join(dir, 'picked.safetensors')], dir);
    expect(r.code, r.err).toBe(0);
    const lines = r.err.split('\n').filter((l) => l.startsWith('size: '));
    expect(lines).toEqual([
      'size: gru 1 x 20, batches of 4 x 16, lr 0.005, cosine schedule, chosen for 1s on 2 KB (from measured runs; --cell, --hidden, --layers, --dropout, --batch, --seq, --lr or --schedule choose instead)',
    ]);
    expect(r.err).toMatch(/^model: gru 1 x 20, .*batches of 4 x 16/m);
    expect(r.err).toMatch(/^schedule: cosine, warm-up 5 steps to lr 0.005/m);
    const t = training('picked.safetensors');
    expect([t.cell, t.hidden, t.layers, t.batch, t.seq, t.lr, t.schedule, t.warmup, t.lrFloor]).toEqual([
      'gru',
      20,
      1,
      4,
      16,
      0.005,
      'cosine',
      5,
      0.1,
    ]);
  });

  it('a flag the table would set, or another limit, turns the picking off whole', async () => {
    for (const [flags, name] of [
      [['--hidden', '24'], 'hidden'],
      [['--lr', '0.003'], 'lr'],
      [['--schedule', 'linear'], 'schedule'],
      [['--dropout', '0.1'], 'dropout'],
      [['--steps', '3'], 'steps'],
    ] as const) {
      const r = await cliInProcess(
        ['train', join(dir, 'small.txt'), '--time', '1s', ...flags, ...QUIET, '-o', join(dir, `${name}.safetensors`)],
        dir,
      );
      expect(r.code, r.err).toBe(0);
      expect(r.err).not.toMatch(/^size: /m);
      const t = training(`${name}.safetensors`);
      expect([t.cell, t.layers, t.batch]).toEqual(['lstm', 2, 32]); // the defaults, not the table's
    }
  });

  it('a row of defaults (here: a corpus over 10,000 bytes, or a longer budget) picks nothing and says nothing', async () => {
    for (const [corpus, time] of [
      ['big.txt', '1s'],
      ['small.txt', '2s'],
    ]) {
      const r = await cliInProcess(
        ['train', join(dir, corpus), '--time', time, '--eval-every', '1000000', ...QUIET, '-o', join(dir, 'plain.safetensors')],
        dir,
      );
      expect(r.code, r.err).toBe(0);
      expect(r.err).not.toMatch(/^size: /m);
      expect(training('plain.safetensors').hidden).toBe(128);
    }
  });

  it('--resume is not picked for: the run goes on as the checkpoint has it', async () => {
    const r = await cliInProcess(['train', '--resume', 'picked.safetensors', '--time', '1s', ...QUIET], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(/^size: /m);
    expect(r.err).toMatch(/resuming .*picked\.safetensors at step \d+/);
    expect(training('picked.safetensors').hidden).toBe(20);
  });
});
