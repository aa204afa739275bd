// The WebAssembly engine against the plain TypeScript reference on whole training runs: the
// same losses within float32 tolerance, and identical greedy samples, for every cell.
import { afterEach, describe, expect, it } from 'vitest';
import { engineNamed, getEngine, setEngine } from '../../src/engine/default-engine.js';
import type { WasmEngine } from '../../src/engine/wasm/wasm-engine.js';
import { sampleText } from '../../src/generation/sample.js';
import { train } from '../../src/train/loop.js';
import { Rng } from '../../src/util/rng.js';
import { floatsOf } from '../helpers/cpu.js';
import { CHAR_RNN } from '../helpers/char-rnn.js';

const TEXT = Array.from({ length: 120 }, (_, i) => ['the cat sat on the mat', 'a dog ran far away', 'we sing, they dance!'][i % 3]).join(
  '\n',
);

async function run(engine: 'js' | 'wasm', cell: 'rnn' | 'lstm' | 'gru' | 'bilstm') {
  setEngine(engine);
  const losses: number[] = [];
  const result = await train(
    TEXT,
    't',
    { ...CHAR_RNN, cell, hidden: 24, layers: 2, batch: 8, seq: 20, steps: 25, evalEvery: 25, dropout: 0.1, lr: 1e-2, out: null, seed: 5 },
    {
      onStep: (r) => losses.push(r.lossNats),
    },
  );
  let greedy = '';
  for await (const ch of sampleText(result.model, result.vocab, {
    temperature: 0,
    topK: 0,
    topP: 1,
    prime: 'the ',
    length: 60,
    direction: 'forward',
    rng: new Rng(1),
  }))
    greedy += ch;
  const model = result.model;
  const inArena = (engineNamed('wasm') as WasmEngine).kernels.arena.owns(floatsOf(model, model.params.data));
  return { losses, val: result.valNats!, greedy, engine: model.engine.name, inArena };
}

afterEach(() => setEngine('wasm'));

describe('wasm engine vs the JS reference', () => {
  it('the wasm engine is the default and loaded', () => {
    expect(getEngine()).toBe('wasm');
  });

  for (const cell of ['rnn', 'lstm', 'gru', 'bilstm'] as const) {
    it(`${cell}: same losses (float32 tolerance) and the same greedy sample`, async () => {
      const js = await run('js', cell);
      const wasm = await run('wasm', cell);
      // Each run trained its model on the engine asked for (the wasm one's weights in its arena).
      expect(js.engine).toBe('js');
      expect(js.inArena).toBe(false);
      expect(wasm.engine).toBe('wasm');
      expect(wasm.inArena).toBe(true);
      expect(wasm.losses).toHaveLength(25);
      for (let i = 0; i < 25; i++) expect(Math.abs(wasm.losses[i] - js.losses[i])).toBeLessThan(1e-4);
      expect(Math.abs(wasm.val - js.val)).toBeLessThan(1e-4);
      expect(wasm.losses[24]).toBeLessThan(wasm.losses[0] - 0.25); // it learned something: the comparison is not vacuous
      expect(wasm.greedy).toBe(js.greedy);
    });
  }
});
