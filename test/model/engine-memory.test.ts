// Engine (wasm arena) memory is never garbage-collected, so repeated scoring, evaluation and
// sampling with one model must reuse its buffers (made once per model and direction:
// src/model/per-model.ts) instead of allocating new ones per call.
import { describe, expect, it } from 'vitest';
import { evaluate, fill, sample, score, type LoadedModel } from '../../src/index.js';
import { engineNamed } from '../../src/engine/default-engine.js';
import { WasmEngine } from '../../src/engine/wasm/wasm-engine.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';

function tinyModel(cell: 'lstm' | 'bilstm'): LoadedModel {
  const vocab = Vocab.fromSymbols(['<EOS>', '<UNK>', ' ', 'a', 'b', 'c']);
  const config = { cell, vocabSize: vocab.size, hidden: 8, layers: 2, dropout: 0 };
  const model = new CharLM(config, initParams(config, new Rng(1)));
  return {
    model,
    vocab,
    meta: {
      model: config,
      vocab: [...vocab.symbols],
      training: {},
      progress: { step: 0, epoch: 0, bestValNats: null, valNats: null, charsSeen: 0 },
    },
  };
}

async function collect(chars: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const ch of chars) out.push(ch);
  return out;
}

describe('engine memory', () => {
  it('repeated score / evaluate / sample / fill calls do not grow the arena', async () => {
    const m = tinyModel('bilstm');
    // The model is on the default engine, wasm: its tensors are in this thread's arena.
    expect(m.model.engine).toBe(engineNamed('wasm'));
    expect(m.model.engine).toBeInstanceOf(WasmEngine);
    const arena = (m.model.engine as WasmEngine).kernels.arena;
    const once = async () => {
      await score(m, ['abc', 'ba ca'], 'both');
      await evaluate(m, 'abc\ncab\n', { reset: 'line', direction: 'both' });
      await collect(sample(m, { length: 20, seed: 3 }));
      await collect(sample(m, { length: 20, seed: 3, direction: 'backward', prime: 'ab' }));
      await collect(sample(m, { length: 20, beam: 3, prime: 'a' }));
      await fill(m, 'a_c *b', { maxGap: 3, beam: 4 });
    };
    await once(); // first use allocates the shared buffers
    const used = arena.used;
    for (let i = 0; i < 50; i++) await once();
    expect(arena.used).toBe(used);
  });

  it('interleaved samples of one model are the same as samples taken one at a time', async () => {
    const m = tinyModel('lstm');
    const alone = (await collect(sample(m, { length: 30, seed: 5 }))).join('');
    const a = sample(m, { length: 30, seed: 5 });
    const b = sample(m, { length: 30, seed: 5 });
    let x = '',
      y = '';
    for (let i = 0; i < 30; i++) {
      x += (await a.next()).value;
      y += (await b.next()).value;
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
    expect(() => sample(m, { temperature: -1 })).toThrow(/^sample option temperature is -1/);
    expect(() => sample(m, { topP: 1.5 })).toThrow(/^sample option topP is 1\.5/);
  });
});
