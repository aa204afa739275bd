// Non-finite losses or gradients: the step is not applied, the update before it is rolled
// back, the learning rate halves and training goes on (reported through onNotice); if that
// keeps happening, training stops with a message saying what happened and what to try. A
// checkpoint is never written with non-finite weights.
import { describe, expect, it } from 'vitest';
import { CharnnError } from '../../src/errors.js';
import { train } from '../../src/train/loop.js';
import type { TrainOptions } from '../../src/train/options.js';

const TEXT = Array.from({ length: 30 }, () => 'the cat sat on the mat\na dog ran to the park\n').join('');
const SMALL: Partial<TrainOptions> = { hidden: 16, layers: 1, batch: 4, seq: 8, steps: 40, out: null, threads: 1, optimizer: 'sgd', clip: 0 };

describe('divergence', () => {
  it('recovers: a learning rate that blows the weights up is rolled back and halved until it does not', async () => {
    const notices: string[] = [];
    const losses: number[] = [];
    const r = await train(TEXT, 't', { ...SMALL, lr: 1000 }, { onNotice: (m) => notices.push(m), onStep: (s) => losses.push(s.lossNats) });
    expect(notices.length).toBeGreaterThan(0);
    expect(notices[0]).toMatch(/^step \d+: the (loss|gradient norm) became .*; rolled back the last update, skipped that batch and halved the learning rate to 500$/);
    expect(r.steps).toBe(40);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(r.model.params.data.every(Number.isFinite)).toBe(true);
  });

  it('recovers from --lr 100 with Adam: a finite loss that blew up is rolled back too, until the rate is sane', async () => {
    const notices: string[] = [];
    const losses: number[] = [];
    const r = await train(TEXT, 't', { ...SMALL, optimizer: 'adam', clip: 5, lr: 100, steps: 80 }, { onNotice: (m) => notices.push(m), onStep: (s) => losses.push(s.lossNats) });
    expect(notices.some((n) => /the loss became [\d.e+]+ nats \(over 3 x ln V = [\d.]+: the weights blew up\)/.test(n))).toBe(true);
    expect(r.steps).toBe(80);
    // It learned something after all: the last losses are below what knowing nothing scores.
    const lnV = Math.log(r.vocab.size);
    expect(losses.slice(-5).every((l) => l < lnV)).toBe(true);
  });

  it('stops with what happened and what to try when halving does not help', async () => {
    const notices: string[] = [];
    const run = train(TEXT, 't', { ...SMALL, lr: Infinity }, { onNotice: (m) => notices.push(m) });
    await expect(run).rejects.toThrow(CharnnError);
    await expect(train(TEXT, 't', { ...SMALL, lr: Infinity })).rejects.toThrow(/training diverged at step \d+: the (loss|gradient norm) became .* 11 times without a good update in between/);
    expect(notices.length).toBe(10);
    try {
      await train(TEXT, 't', { ...SMALL, lr: Infinity });
    } catch (e) {
      expect((e as CharnnError).hint).toMatch(/lower --lr .* and gradient clipping \(--clip 5\)/);
    }
  });
});
