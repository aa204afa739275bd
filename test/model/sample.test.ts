// The sampler: <UNK> is never drawn whatever its probability; temperature 0 and top-k 1 are
// greedy; top-k and top-p keep exactly the most likely symbols; draws follow the distribution;
// the same seed gives the same text; <EOS> is a newline; the backward model reads the prime reversed.
import { describe, expect, it } from 'vitest';
import { CharLM, initParams } from '../../src/model/charlm.js';
import { drawSymbol, sampleText } from '../../src/model/sample.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';

const V = 6; // <EOS>, <UNK>, a, b, c, d
const UNK = 1;

function draw(logits: number[], options: { temperature: number; topK?: number; topP?: number }, rng = new Rng(1)) {
  return drawSymbol(Float32Array.from(logits), V, { topK: 0, topP: 1, ...options, rng }, new Float64Array(V), new Int32Array(V));
}

function histogram(logits: number[], options: { temperature: number; topK?: number; topP?: number }, n = 20000) {
  const rng = new Rng(9);
  const counts = new Array(V).fill(0);
  for (let i = 0; i < n; i++) counts[draw(logits, options, rng)]++;
  return counts.map((c) => c / n);
}

describe('drawSymbol', () => {
  const unkHeavy = [0, 10, 1, 2, 0.5, -1]; // <UNK> would win by far

  it('never draws <UNK>, greedy or sampled, with or without top-k / top-p', () => {
    expect(draw(unkHeavy, { temperature: 0 })).toBe(3);
    for (const options of [{ temperature: 1 }, { temperature: 5 }, { temperature: 1, topK: 1 }, { temperature: 1, topK: 2 }, { temperature: 1, topP: 0.3 }]) {
      expect(histogram(unkHeavy, options, 3000)[UNK]).toBe(0);
    }
  });

  it('temperature 0, top-k 1 and top-p 0 all pick the most likely symbol', () => {
    const logits = [0.1, -1, 0.3, 2.5, 2.4, 0];
    expect(draw(logits, { temperature: 0 })).toBe(3);
    expect(histogram(logits, { temperature: 1, topK: 1 }, 500)[3]).toBe(1);
    expect(histogram(logits, { temperature: 1, topP: 0 }, 500)[3]).toBe(1);
  });

  it('draws follow softmax(logits / T) with <UNK> removed', () => {
    const logits = [0, 3, Math.log(2), Math.log(3), Math.log(4), -Infinity];
    const freq = histogram(logits, { temperature: 1 });
    // p over {EOS, a, b, c} = 1, 2, 3, 4 (/10)
    [0.1, 0, 0.2, 0.3, 0.4, 0].forEach((p, i) => expect(Math.abs(freq[i] - p)).toBeLessThan(0.015));
    const hot = histogram(logits, { temperature: 2 }); // p ~ sqrt(1, 2, 3, 4)
    const z = 1 + Math.SQRT2 + Math.sqrt(3) + 2;
    expect(Math.abs(hot[4] - 2 / z)).toBeLessThan(0.015);
  });

  it('top-k keeps the k most likely, renormalised', () => {
    const logits = [0, -5, Math.log(2), Math.log(3), Math.log(4), Math.log(0.5)];
    const freq = histogram(logits, { temperature: 1, topK: 2 }); // keeps c (4) and b (3)
    expect(freq[0] + freq[2] + freq[5]).toBe(0);
    expect(Math.abs(freq[4] - 4 / 7)).toBeLessThan(0.015);
  });

  it('top-p keeps the smallest most-likely set reaching p', () => {
    const logits = [Math.log(0.1), -50, Math.log(0.2), Math.log(0.3), Math.log(0.4), -50];
    const freq = histogram(logits, { temperature: 1, topP: 0.65 }); // 0.4 + 0.3 >= 0.65
    expect(freq[0] + freq[2]).toBe(0);
    expect(Math.abs(freq[4] - 0.4 / 0.7)).toBeLessThan(0.015);
  });
});

describe('sampleText', () => {
  const vocab = Vocab.fromSymbols(['<EOS>', '<UNK>', 'a', 'b', 'c', 'd']);
  const config = { cell: 'bilstm' as const, vocabSize: V, hidden: 8, layers: 1, dropout: 0 };
  const model = new CharLM(config, initParams(config, new Rng(3)));
  const opts = (seed: number, extra = {}) => ({ temperature: 1, topK: 0, topP: 1, prime: 'ab', length: 200, direction: 'forward' as const, rng: new Rng(seed), ...extra });

  it('the same seed gives the same text, another seed another text', () => {
    const a = [...sampleText(model, vocab, opts(1))].join('');
    expect([...sampleText(model, vocab, opts(1))].join('')).toBe(a);
    expect([...sampleText(model, vocab, opts(2))].join('')).not.toBe(a);
  });

  it('yields exactly length symbols, <EOS> as a newline, never <UNK>', () => {
    const out = [...sampleText(model, vocab, opts(4))];
    expect(out).toHaveLength(200);
    for (const ch of out) expect(['\n', 'a', 'b', 'c', 'd']).toContain(ch);
    expect(out).toContain('\n');
  });

  it('the backward model generates from the reversed prime: the result differs from forward', () => {
    const forward = [...sampleText(model, vocab, opts(5, { temperature: 0, length: 30 }))].join('');
    const backward = [...sampleText(model, vocab, opts(5, { temperature: 0, length: 30, direction: 'backward' }))].join('');
    expect(backward).not.toBe(forward);
  });
});
