// Tests for truncated-BPTT batching: the plan (including reduced streams/steps), layout of
// x and y, contiguity of each stream across consecutive batches, and reading a stream reversed.
import { describe, expect, it } from 'vitest';
import { Batcher, planBatches, type BatchPlan } from '../../src/data/batches.js';
import { CharnnError, UsageError } from '../../src/errors.js';

/** ids = 0, 1, 2, ... so every id names its own position. */
function iota(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** All batches of an epoch as [x, y] pairs. */
function epoch(ids: Int32Array, plan: BatchPlan): Array<[Int32Array, Int32Array]> {
  const batcher = new Batcher(ids, plan);
  const out: Array<[Int32Array, Int32Array]> = [];
  for (let j = 0; j < plan.batchesPerEpoch; j++) {
    const x = new Int32Array(plan.steps * plan.streams);
    const y = new Int32Array(plan.steps * plan.streams);
    batcher.fill(j, x, y);
    out.push([x, y]);
  }
  return out;
}

describe('planBatches', () => {
  it('splits n = tokens - 1 pairs into B streams of L and floor(L / T) batches', () => {
    expect(planBatches(1001, 4, 10)).toEqual({ streams: 4, steps: 10, streamLength: 250, batchesPerEpoch: 25, reduced: false });
    expect(planBatches(1000, 4, 10)).toEqual({ streams: 4, steps: 10, streamLength: 249, batchesPerEpoch: 24, reduced: false });
    expect(planBatches(41, 4, 10)).toEqual({ streams: 4, steps: 10, streamLength: 10, batchesPerEpoch: 1, reduced: false });
  });

  it('uses fewer streams when n < B*T', () => {
    expect(planBatches(36, 4, 10)).toEqual({ streams: 3, steps: 10, streamLength: 11, batchesPerEpoch: 1, reduced: true });
    expect(planBatches(12, 4, 10)).toEqual({ streams: 1, steps: 10, streamLength: 11, batchesPerEpoch: 1, reduced: true });
  });

  it('uses one short batch when even n < T', () => {
    expect(planBatches(6, 4, 10)).toEqual({ streams: 1, steps: 5, streamLength: 5, batchesPerEpoch: 1, reduced: true });
    expect(planBatches(2, 64, 128)).toEqual({ streams: 1, steps: 1, streamLength: 1, batchesPerEpoch: 1, reduced: true });
  });

  it('always yields at least one batch', () => {
    for (let tokens = 2; tokens < 200; tokens++) {
      for (const [B, T] of [
        [1, 1],
        [3, 7],
        [16, 32],
        [50, 3],
      ]) {
        const p = planBatches(tokens, B, T);
        expect(p.batchesPerEpoch).toBeGreaterThanOrEqual(1);
        expect(p.streams * p.streamLength).toBeLessThanOrEqual(tokens - 1);
        expect(p.reduced).toBe(tokens - 1 < B * T);
      }
    }
  });

  it('throws "corpus too short" with fewer than 2 tokens', () => {
    for (const tokens of [0, 1]) {
      expect(() => planBatches(tokens, 4, 10)).toThrow(CharnnError);
      expect(() => planBatches(tokens, 4, 10)).toThrow(/corpus too short to train/);
    }
  });

  it('rejects non-positive or fractional B and T', () => {
    expect(() => planBatches(100, 0, 10)).toThrow(UsageError);
    expect(() => planBatches(100, 4, 0)).toThrow(UsageError);
    expect(() => planBatches(100, 2.5, 10)).toThrow(UsageError);
  });
});

describe('Batcher', () => {
  it('fills time-major x and y with stream b starting at b*L, targets shifted by one', () => {
    const ids = iota(1001);
    const plan = planBatches(ids.length, 4, 10);
    const L = plan.streamLength;
    epoch(ids, plan).forEach(([x, y], j) => {
      for (let t = 0; t < plan.steps; t++) {
        for (let b = 0; b < plan.streams; b++) {
          expect(x[t * plan.streams + b]).toBe(b * L + j * plan.steps + t);
          expect(y[t * plan.streams + b]).toBe(x[t * plan.streams + b] + 1);
        }
      }
    });
  });

  it('keeps every stream contiguous across consecutive batches', () => {
    const ids = Int32Array.from({ length: 777 }, (_, i) => (i * 7919) % 97); // not just positions
    const plan = planBatches(ids.length, 5, 13);
    const { streams: B, steps: T, streamLength: L } = plan;
    const batches = epoch(ids, plan);
    for (let b = 0; b < B; b++) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (const [x, y] of batches) {
        for (let t = 0; t < T; t++) {
          xs.push(x[t * B + b]);
          ys.push(y[t * B + b]);
        }
      }
      // Concatenated over the epoch, stream b is one unbroken stretch of the corpus.
      expect(xs).toEqual(Array.from(ids.subarray(b * L, b * L + plan.batchesPerEpoch * T)));
      expect(ys).toEqual(Array.from(ids.subarray(b * L + 1, b * L + plan.batchesPerEpoch * T + 1)));
    }
    // The last target of batch j is the first input of batch j+1, in every stream.
    for (let j = 0; j + 1 < batches.length; j++) {
      for (let b = 0; b < B; b++) expect(batches[j][1][(T - 1) * B + b]).toBe(batches[j + 1][0][b]);
    }
  });

  it('covers a reduced corpus with one short batch', () => {
    const ids = iota(6);
    const plan = planBatches(ids.length, 4, 10);
    const [[x, y]] = epoch(ids, plan);
    expect(Array.from(x)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(y)).toEqual([1, 2, 3, 4, 5]);
  });

  it('works with reduced streams', () => {
    const ids = iota(36);
    const plan = planBatches(ids.length, 4, 10); // B' = 3, L = 11
    const [[x, y]] = epoch(ids, plan);
    expect(Array.from(x.subarray(0, 3))).toEqual([0, 11, 22]);
    expect(Array.from(y.subarray(27, 30))).toEqual([10, 21, 32]);
  });

  it('rejects a batch index outside the epoch and wrongly sized buffers', () => {
    const plan = planBatches(101, 2, 10);
    const batcher = new Batcher(iota(101), plan);
    const buf = () => new Int32Array(20);
    expect(() => batcher.fill(plan.batchesPerEpoch, buf(), buf())).toThrow(CharnnError);
    expect(() => batcher.fill(-1, buf(), buf())).toThrow(CharnnError);
    expect(() => batcher.fill(0, new Int32Array(19), buf())).toThrow(CharnnError);
  });

  it('reversed: the batches of the stream read from its end, without a reversed copy; compact ids alike', () => {
    const ids = Int32Array.from({ length: 1237 }, (_, i) => (i * 7919) % 251);
    const plan = planBatches(ids.length, 6, 11);
    const expected = epoch(ids.slice().reverse(), plan);
    for (const view of [ids, Uint8Array.from(ids), Uint16Array.from(ids)]) {
      const batcher = new Batcher(view, plan, true);
      for (let j = 0; j < plan.batchesPerEpoch; j++) {
        const x = new Int32Array(plan.steps * plan.streams);
        const y = new Int32Array(plan.steps * plan.streams);
        batcher.fill(j, x, y);
        expect(x).toEqual(expected[j][0]);
        expect(y).toEqual(expected[j][1]);
      }
      // Forward over a compact array: the same batches as over Int32Array.
      const fwd = new Batcher(view, plan);
      const x = new Int32Array(plan.steps * plan.streams);
      const y = new Int32Array(plan.steps * plan.streams);
      fwd.fill(3, x, y);
      expect([x, y]).toEqual(epoch(ids, plan)[3]);
    }
    // A subarray view (as the training split is): reversal is relative to the view.
    const part = ids.subarray(100, 900);
    const p2 = planBatches(part.length, 4, 9);
    const x = new Int32Array(36);
    const y = new Int32Array(36);
    new Batcher(part, p2, true).fill(0, x, y);
    expect([x, y]).toEqual(epoch(part.slice().reverse(), p2)[0]);
  });

  it('rejects a plan that does not fit the ids', () => {
    const plan = planBatches(101, 2, 10);
    expect(() => new Batcher(iota(100), plan)).toThrow(CharnnError);
  });
});
