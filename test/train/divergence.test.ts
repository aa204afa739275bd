// Non-finite losses or gradients: the step is not applied, the update before it is rolled
// back, the learning rate halves and training goes on (reported through onNotice); if that
// keeps happening, training stops with a message saying what happened and what to try. A
// checkpoint is never written with non-finite weights.
import { describe, expect, it } from 'vitest';
import { splitLines } from '../../src/data/corpus.js';
import { CharnnError } from '../../src/errors.js';
import { train } from '../../src/train/loop.js';
import type { TrainOptions } from '../../src/train/train-options.js';
import { CHAR_RNN } from '../helpers/char-rnn.js';

const TEXT = Array.from({ length: 30 }, () => 'the cat sat on the mat\na dog ran to the park\n').join('');

/** Nats per symbol of the text's characters and line ends given the `order` (0 or 1) symbols
 *  before each: what a model that knows only those counts of this very text scores on it. */
function ngramEntropy(text: string, order: 0 | 1): number {
  const symbols = ['<EOS>']; // what the model reads before the first line
  for (const line of splitLines(text)) symbols.push(...line, '<EOS>');
  const joint = new Map<string, number>();
  const context = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (let i = 1; i < symbols.length; i++) {
    const before = symbols.slice(i - order, i).join('\u0000');
    add(context, before);
    add(joint, `${before}\u0001${symbols[i]}`);
  }
  const n = symbols.length - 1;
  let h = 0;
  for (const [k, c] of joint) h -= (c / n) * Math.log(c / context.get(k.split('\u0001')[0])!);
  return h;
}
const SMALL: Partial<TrainOptions> = {
  ...CHAR_RNN,
  hidden: 16,
  layers: 1,
  batch: 4,
  seq: 8,
  steps: 40,
  out: null,
  threads: 1,
  optimizer: 'sgd',
  clip: 0,
};

describe('divergence', () => {
  it('recovers: a learning rate that blows the weights up is rolled back and halved until it does not', async () => {
    const notices: string[] = [];
    const losses: number[] = [];
    const r = await train(TEXT, 't', { ...SMALL, lr: 1000 }, { onNotice: (m) => notices.push(m), onStep: (s) => losses.push(s.lossNats) });
    expect(notices.length).toBeGreaterThan(0);
    expect(notices[0]).toMatch(
      /^step \d+: the (loss|gradient norm) became .*; rolled back the last update, skipped that batch and halved the learning rate to 500$/,
    );
    expect(r.steps).toBe(40);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect((await r.model.hostWeights()).data.every(Number.isFinite)).toBe(true);
  });

  it('recovers from --lr 100 with Adam: a finite loss that blew up is rolled back too, until the rate is sane', async () => {
    const notices: string[] = [];
    const losses: number[] = [];
    const r = await train(
      TEXT,
      't',
      { ...SMALL, optimizer: 'adam', clip: 5, lr: 100, steps: 80 },
      { onNotice: (m) => notices.push(m), onStep: (s) => losses.push(s.lossNats) },
    );
    expect(notices.some((n) => /the loss became [\d.e+]+ nats \(over 3 x ln V = [\d.]+: the weights blew up\)/.test(n))).toBe(true);
    expect(r.steps).toBe(80);
    // It learned something after all, more than character frequencies (a unigram model scores
    // their entropy, 2.44 nats here, where knowing nothing scores ln V = 2.83) and more than
    // pairs (a bigram model: 0.94 nats). Measured, the last 5 losses are 0.18 to 0.30 nats.
    const [unigram, bigram] = [ngramEntropy(TEXT, 0), ngramEntropy(TEXT, 1)];
    expect(unigram).toBeLessThan(Math.log(r.vocab.size));
    expect(bigram).toBeLessThan(unigram);
    expect(Math.max(...losses.slice(-5))).toBeLessThan(bigram);
  });

  it('stops with what happened and what to try when halving does not help', async () => {
    const notices: string[] = [];
    const run = train(TEXT, 't', { ...SMALL, lr: Infinity }, { onNotice: (m) => notices.push(m) });
    await expect(run).rejects.toThrow(CharnnError);
    await expect(train(TEXT, 't', { ...SMALL, lr: Infinity })).rejects.toThrow(
      /training diverged at step \d+: the (loss|gradient norm) became .* 11 times without a good update in between/,
    );
    expect(notices.length).toBe(10);
    await expect(train(TEXT, 't', { ...SMALL, lr: Infinity })).rejects.toMatchObject({
      hint: expect.stringMatching(/lower --lr .* and gradient clipping \(--clip 5\)/),
    });
  });
});
