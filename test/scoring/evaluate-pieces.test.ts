// CorpusEvaluator fed a text in pieces (as `eval -` streams stdin) gives evaluateCorpus's
// figures for the whole text bit for bit: every cell direction and reset mode, pieces of a
// few ids up to the whole text, one thread and two (pieces big enough for worker threads).
import { describe, expect, it } from 'vitest';
import { CorpusPieces, encodeCorpus, type EncodedCorpus } from '../../src/data/corpus.js';
import { Utf8Stream } from '../../src/data/source.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import type { CellType, ModelConfig } from '../../src/model/config.js';
import { CorpusEvaluator, evaluateCorpus, MIN_TOKENS_PER_EXTRA_THREAD, streamNats, type ResetMode } from '../../src/scoring/evaluate.js';
import type { ScoreDirection } from '../../src/scoring/sentence-scorer.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';

const vocab = Vocab.build(
  new Map([
    ['a', 5],
    ['b', 5],
    ['c', 5],
    [' ', 5],
    ['é', 5],
  ]),
  1,
);

function makeText(n: number, maxLen: number, seed: number): string {
  const rng = new Rng(seed);
  const alphabet = ['a', 'b', 'c', ' ', 'é', 'x'];
  const lines = Array.from({ length: n }, () =>
    Array.from({ length: Math.floor(rng.next() * (maxLen + 1)) }, () => alphabet[Math.floor(rng.next() * alphabet.length)]).join(''),
  );
  lines[3] = 'ab'.repeat(400); // longer than a piece and than a time chunk
  return lines.join('\n') + '\n';
}

function model(cell: CellType): CharLM {
  const config: ModelConfig = { cell, vocabSize: vocab.size, hidden: 8, layers: 2, dropout: 0 };
  return new CharLM(config, initParams(config, new Rng(9)));
}

function pieces(text: string, target: number): EncodedCorpus[] {
  const p = new CorpusPieces(vocab, target);
  const stream = new Utf8Stream('text', (cps, n) => p.push(cps, n));
  stream.push(Buffer.from(text, 'utf8'));
  stream.end();
  p.end();
  return p.take();
}

describe('CorpusEvaluator over pieces = evaluateCorpus over the whole text', () => {
  const text = makeText(300, 40, 4);
  const whole = encodeCorpus(text, vocab);

  const cases: [CellType, ScoreDirection, ResetMode][] = [
    ['lstm', 'forward', 'line'],
    ['lstm', 'forward', 'none'],
    ['gru', 'forward', 'none'],
    ['bilstm', 'backward', 'line'],
    ['bilstm', 'both', 'line'],
  ];
  it.each(cases)('%s %s --reset %s, pieces of 50, 1000 and all ids', async (cell, direction, reset) => {
    const m = model(cell);
    const expected = await evaluateCorpus(m, whole, direction, reset, { threads: 1 });
    for (const target of [50, 1000, 1 << 22]) {
      const parts = pieces(text, target);
      if (target === 50) expect(parts.length).toBeGreaterThan(20);
      const e = new CorpusEvaluator(m, direction, reset, { threads: 1 });
      for (const p of parts) await e.add(p);
      expect(await e.result()).toEqual(expected);
    }
  });

  it('the backward model with --reset none needs the whole text: one piece only', async () => {
    const e = new CorpusEvaluator(model('bilstm'), 'backward', 'none', { threads: 1 });
    expect(e.needsWholeText).toBe(true);
    expect(new CorpusEvaluator(model('bilstm'), 'forward', 'none').needsWholeText).toBe(false);
    const [a, b] = pieces(text, 500);
    await e.add(a);
    await expect(e.add(b)).rejects.toThrow(/needs the whole text/);
  });

  it('two threads over pieces of 2 x MIN_TOKENS_PER_EXTRA_THREAD ids: the one-thread figures', async () => {
    const big = makeText(40_000, 30, 6);
    const m = model('lstm');
    const expected = await evaluateCorpus(m, encodeCorpus(big, vocab), 'forward', 'line', { threads: 1 });
    const parts = pieces(big, 2 * MIN_TOKENS_PER_EXTRA_THREAD);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const e = new CorpusEvaluator(m, 'forward', 'line', { threads: 2 });
    for (const p of parts) await e.add(p);
    expect(await e.result()).toEqual(expected);
  });

  it('--reset none over many 65,536-id windows, pieces cut elsewhere: the figures of the whole stream', async () => {
    const big = makeText(14_000, 30, 7);
    const m = model('gru');
    const corpus = encodeCorpus(big, vocab);
    expect(corpus.ids.length).toBeGreaterThan(3 * 65_536);
    const expected = await evaluateCorpus(m, corpus, 'forward', 'none');
    // The windows give exactly one StreamScorer pass over the whole stream (training's validation).
    expect(-expected.logprobLn / expected.tokens).toBe(await streamNats(m, corpus.ids, 'forward'));
    const e = new CorpusEvaluator(m, 'forward', 'none');
    for (const p of pieces(big, 50_001)) await e.add(p);
    expect(await e.result()).toEqual(expected);
  });
});
