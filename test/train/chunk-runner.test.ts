// The chunks of a threaded training step (chunk-runner.ts) give the same losses, gradients and
// carried state bit for bit whichever thread's runner computes them and in whatever order: that
// is what lets threads take chunks as they come (a slowed thread takes fewer) and still makes
// a run repeatable. Two runners with their own model copies stand for two threads here (on the
// default engine, wasm; threads share memory, so chunk runners run on the CPU engines only).
import { describe, expect, it } from 'vitest';
import { defaultEngine } from '../../src/engine/default-engine.js';
import { isCpuEngine } from '../../src/engine/engine.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import type { CellType, ModelConfig } from '../../src/model/config.js';
import { ChunkRunner, type SharedStep } from '../../src/train/threads/chunk-runner.js';
import { carriedStateSize, planChunks } from '../../src/train/threads/shards.js';
import { Rng } from '../../src/util/rng.js';

const [T, B, V] = [6, 11, 7];

function setupFor(cell: CellType) {
  const config: ModelConfig = { cell, vocabSize: V, hidden: 12, layers: 2, dropout: 0.2 };
  const params = initParams(config, new Rng(3));
  const chunks = planChunks(B, 2, 2);
  const D = cell === 'bilstm' ? 2 : 1;
  const P = params.data.length;
  const shared: SharedStep = {
    batch: new Int32Array(D * 2 * T * B),
    carried: new Float32Array(carriedStateSize(D, 2, B, 12)),
    chunkLoss: new Float64Array(chunks.length),
    chunkGrads: chunks.map(() => new Float32Array(P)),
  };
  const rng = new Rng(9);
  for (let i = 0; i < shared.batch.length; i++) shared.batch[i] = Math.floor(rng.next() * V);
  const engine = defaultEngine();
  expect(engine.name).toBe('wasm');
  if (!isCpuEngine(engine)) throw new Error(`the ${engine.name} engine cannot run chunks`);
  // Two "threads", each with its own copy of the model (CharLM copies the weights in).
  const runners = [0, 1].map(() => new ChunkRunner(new CharLM(config, params, engine), engine, T, B, chunks, shared));
  return { chunks, shared, runners };
}

/** Runs two steps (the carried state flows from the first to the second), chunk c on runner
 *  who(c, step), in the given order; returns everything the step leaves behind. */
async function runSteps(cell: CellType, order: number[], who: (c: number, step: number) => number) {
  const { shared, runners } = setupFor(cell);
  const out: number[][] = [];
  for (let step = 0; step < 2; step++) {
    for (const c of order) await runners[who(c, step)].run(c, T, { p: 0.2, seed: 40 + step });
    out.push(Array.from(shared.chunkLoss), ...shared.chunkGrads.map((g) => Array.from(g)), Array.from(shared.carried));
  }
  return out;
}

describe('chunk runner', () => {
  for (const cell of ['lstm', 'gru', 'bilstm'] as const) {
    it(`${cell}: the same bits whoever runs which chunk, in any order`, async () => {
      const n = setupFor(cell).chunks.length;
      expect(n).toBeGreaterThan(3);
      const inOrder = Array.from({ length: n }, (_, c) => c);
      const reference = await runSteps(cell, inOrder, () => 0);
      expect(reference[0].every((l) => Number.isFinite(l) && l > 0)).toBe(true);
      const shuffled = [...inOrder].reverse();
      expect(await runSteps(cell, shuffled, (c, step) => (c + step) % 2)).toEqual(reference);
      expect(await runSteps(cell, inOrder, (c) => (c < 2 ? 1 : 0))).toEqual(reference);
    });
  }
});
