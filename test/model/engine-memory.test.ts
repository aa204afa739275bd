// Engine (wasm arena) memory is never garbage-collected, so repeated scoring, evaluation and
// sampling with one model must reuse its buffers instead of allocating new ones per call.
import { describe, expect, it } from 'vitest';
import { evaluate, sample, score, type LoadedModel } from '../../src/index.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';
import { getWasmKernels } from '../../src/tensor/wasm/kernels.js';

function tinyModel(cell: 'lstm' | 'bilstm'): LoadedModel {
  const vocab = Vocab.fromSymbols(['<EOS>', '<UNK>', ' ', 'a', 'b', 'c']);
  const config = { cell, vocabSize: vocab.size, hidden: 8, layers: 2, dropout: 0 };
  const model = new CharLM(config, initParams(config, new Rng(1)));
  return { model, vocab, meta: { model: config, vocab: [...vocab.symbols], training: {}, progress: { step: 0, epoch: 0, bestValNats: null, valNats: null, charsSeen: 0 } } };
}

describe('engine memory', () => {
  it('repeated score / evaluate / sample calls do not grow the arena', () => {
    const arena = getWasmKernels()!.arena;
    const m = tinyModel('bilstm');
    const once = () => {
      score(m, ['abc', 'ba ca'], 'both');
      evaluate(m, 'abc\ncab\n', { reset: 'line', direction: 'both' });
      [...sample(m, { length: 20, seed: 3 })];
      [...sample(m, { length: 20, seed: 3, direction: 'backward', prime: 'ab' })];
    };
    once(); // first use allocates the shared buffers
    const used = arena.used;
    for (let i = 0; i < 50; i++) once();
    expect(arena.used).toBe(used);
  });

  it('interleaved samples of one model are the same as samples taken one at a time', () => {
    const m = tinyModel('lstm');
    const alone = [...sample(m, { length: 30, seed: 5 })].join('');
    const a = sample(m, { length: 30, seed: 5 })[Symbol.iterator]();
    const b = sample(m, { length: 30, seed: 5 })[Symbol.iterator]();
    let x = '', y = '';
    for (let i = 0; i < 30; i++) {
      x += a.next().value;
      y += b.next().value;
    }
    expect(x).toBe(alone);
    expect(y).toBe(alone);
  });
});

describe('library argument checks', () => {
  it('a backward direction on a one-direction model, and bad sampling options, are usage errors', () => {
    const m = tinyModel('lstm');
    expect(() => score(m, ['abc'], 'backward')).toThrow(/needs a bilstm/);
    expect(() => evaluate(m, 'abc', { direction: 'both' })).toThrow(/needs a bilstm/);
    expect(() => sample(m, { direction: 'backward' })).toThrow(/needs a bilstm/);
    expect(() => sample(m, { temperature: -1 })).toThrow(/--temp/);
    expect(() => sample(m, { topP: 1.5 })).toThrow(/--top-p/);
  });
});
