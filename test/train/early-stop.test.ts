// Early stopping (issue 15, item 3): with patience N, training stops after N evaluations in a row
// without a better validation loss, says why (the result's stoppedBy and early; a line on stderr),
// and keeps the best checkpoint; the count is part of an exact resume. The corpus makes the
// validation loss rise: the validation text (its end) is in letters the training text hardly has.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EarlyStop } from '../../src/train/early-stop.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { train, type TrainOptions } from '../../src/node.js';
import { cliIn, expectCleanError } from '../helpers/cli.js';
import { CHAR_RNN } from '../helpers/char-rnn.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-early-'));
const at = (f: string) => join(dir, f);
const TEXT =
  [...Array.from({ length: 90 }, () => 'the cat sat on the mat.'), ...Array.from({ length: 10 }, () => 'QQQQ XXXX ZZZZ JJJJ.')].join('\n') +
  '\n';
const RUN: Partial<TrainOptions> = { ...CHAR_RNN, hidden: 16, batch: 4, seq: 16, lr: 0.01, threads: 1, evalEvery: 5, steps: 200, seed: 2 };

describe('EarlyStop', () => {
  it('counts evaluations since the best; exhausted at patience', () => {
    const e = new EarlyStop(2);
    e.observe(true, 5);
    e.observe(false, 10);
    expect(e.exhausted).toBe(false);
    e.observe(true, 15);
    e.observe(false, 20);
    e.observe(false, 25);
    expect([e.exhausted, e.sinceBest, e.bestStep]).toEqual([true, 2, 15]);
  });
});

describe('train with patience', () => {
  it('stops after that many evaluations without a better validation loss; the best checkpoint is the best', async () => {
    const evals: { step: number; val: number | null }[] = [];
    const r = await train(
      TEXT,
      'es',
      { ...RUN, patience: 3, out: at('es.safetensors') },
      { onEval: (e) => evals.push({ step: e.step, val: e.valNats }) },
    );
    expect(r.stoppedBy).toBe('patience');
    expect(r.steps).toBeLessThan(200);
    expect(r.early).toEqual({ sinceBest: 3, bestStep: expect.any(Number) });
    const best = evals.reduce((a, b) => (b.val! < a.val! ? b : a));
    expect(r.early!.bestStep).toBe(best.step);
    expect(r.bestValNats).toBe(best.val);
    // The last three evaluations were all worse than the best, and there were no more.
    expect(evals.slice(-3).every((e) => e.val! >= best.val!)).toBe(true);
    expect(evals.at(-1)!.step).toBe(best.step + 3 * 5);
    const saved = loadCheckpoint(at('es.best.safetensors')).meta.progress;
    expect([saved.step, saved.valNats]).toEqual([best.step, best.val]);
  });

  it('resumes exactly: stopped by a step limit and resumed, it stops where the run that never stopped did', async () => {
    const straight = await train(TEXT, 'es', { ...RUN, patience: 3, out: at('a.safetensors') });
    await train(TEXT, 'es', { ...RUN, patience: 3, steps: straight.steps - 10, out: at('b.safetensors') });
    const resumed = await train(TEXT, 'es', { resume: at('b.safetensors'), steps: 200 });
    expect([resumed.stoppedBy, resumed.steps, resumed.early]).toEqual(['patience', straight.steps, straight.early]);
    expect(Array.from(loadCheckpoint(at('b.safetensors')).params.data)).toEqual(
      Array.from(loadCheckpoint(at('a.safetensors')).params.data),
    );
    // Resumed once more, a run that has stopped early stops at once; a higher patience lets it go on.
    expect((await train(TEXT, 'es', { resume: at('b.safetensors'), steps: 200 })).steps).toBe(straight.steps);
    expect((await train(TEXT, 'es', { resume: at('b.safetensors'), steps: 200, patience: 4 })).steps).toBeGreaterThan(straight.steps);
  });

  it('needs validation text: valFrac 0 is a usage error (named as the caller names it)', async () => {
    await expect(train(TEXT, 'es', { ...RUN, patience: 2, valFrac: 0 })).rejects.toThrow(
      /^patience needs validation text to stop on, but valFrac is 0$/,
    );
    writeFileSync(at('es.txt'), TEXT);
    expectCleanError(
      await cliIn(dir, ['train', at('es.txt'), '--patience', '2', '--val-frac', '0']),
      2,
      /^charnn: --patience needs validation text to stop on, but --val-frac is 0$/m,
    );
  });

  it('charnn train --patience: the reason on stderr, naming the best checkpoint', async () => {
    writeFileSync(at('es.txt'), TEXT);
    const args = [
      '--hidden',
      '16',
      '--batch',
      '4',
      '--seq',
      '16',
      '--lr',
      '0.01',
      '--threads',
      '1',
      '--eval-every',
      '5',
      '--seed',
      '2',
      '--samples',
      '0',
    ];
    const r = await cliIn(dir, ['train', at('es.txt'), ...args, '--steps', '200', '--patience', '3', '-o', at('cli.safetensors')]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /^Stopped early: no better validation loss in 3 evaluations \(--patience\); the best, \d+\.\d{4} nats, was at step \d+ \(.*cli\.best\.safetensors\)$/m,
    );
    expect(r.err).toMatch(/^Saved .*cli\.safetensors \(best: .*cli\.best\.safetensors\)$/m);
  });
});
