// Training on several threads: the batch's streams are cut into chunks that the threads take
// one at a time (planChunks, gatherShard), dropout masks do not depend on the split, and a
// threaded run gives the one-thread run's losses and parameters up to float rounding (the
// chunks' gradients are summed in another order) for every cell, with dropout on and across an
// epoch boundary (the shared carried state is reset). Uneven chunks, a thread slowed down, and
// the js engine are covered too. (Dropout masks: src/engine/js/dropout-mask.ts.)
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setEngine } from '../../src/engine/default-engine.js';
import { fillDropoutMask } from '../../src/engine/js/dropout-mask.js';
import { train } from '../../src/train/loop.js';
import type { TrainOptions } from '../../src/train/train-options.js';
import { ChunkRunner } from '../../src/train/threads/chunk-runner.js';
import { resolveThreads } from '../../src/train/threads/count.js';
import { readErrorText, writeErrorText } from '../../src/train/threads/protocol.js';
import { gatherShard, planChunks } from '../../src/train/threads/shards.js';

describe('shards', () => {
  const sizes = (B: number, threads: number, min: number) => planChunks(B, threads, min).map((c) => c.count);

  it('cut B streams into chunks, biggest first, in rounds of equal ones per thread', () => {
    expect(sizes(50, 2, 4)).toEqual([13, 13, 6, 6, 4, 4, 2, 2]);
    expect(sizes(50, 2, 8)).toEqual([13, 13, 8, 8, 4, 4]);
    expect(sizes(5, 3, 4)).toEqual([2, 2, 1]);
    expect(sizes(2, 8, 4)).toEqual([1, 1]);
    expect(sizes(7, 1, 4)).toEqual([4, 3]);
    for (const [B, threads, min] of [
      [50, 2, 4],
      [64, 3, 4],
      [1000, 2, 8],
      [9, 4, 4],
      [1, 2, 4],
    ]) {
      const chunks = planChunks(B, threads, min);
      let next = 0;
      for (const c of chunks) {
        expect(c.first).toBe(next); // in order, no gap, none empty
        expect(c.count).toBeGreaterThan(0);
        next += c.count;
      }
      expect(next).toBe(B);
      // Every thread gets the same streams when they take chunks in turn at the same speed.
      const perThread = new Array(threads).fill(0);
      chunks.forEach((c, i) => (perThread[i % threads] += c.count));
      expect(Math.max(...perThread) - Math.min(...perThread)).toBeLessThanOrEqual(1);
    }
  });

  it("gatherShard takes the shard's columns of a time-major batch", () => {
    const T = 3,
      B = 5;
    const batch = Int32Array.from({ length: T * B }, (_, i) => i); // value = t*B + b
    const out = new Int32Array(T * 2);
    gatherShard(out, batch, T, B, { first: 2, count: 2 });
    expect(Array.from(out)).toEqual([2, 3, 7, 8, 12, 13]);
  });

  it('resolveThreads: the request, capped by the streams; null means every core', () => {
    expect(resolveThreads(4, 2)).toBe(2);
    expect(resolveThreads(1, 50)).toBe(1);
    expect(resolveThreads(null, 1)).toBe(1);
    expect(resolveThreads(null, 10_000)).toBeGreaterThanOrEqual(1);
  });

  it('a worker error message survives the shared buffer (and is cut to fit)', () => {
    const buf = new Uint8Array(new SharedArrayBuffer(16));
    writeErrorText(buf, 'bad ✓');
    expect(readErrorText(buf)).toBe('bad ✓');
    writeErrorText(buf, 'x'.repeat(100));
    expect(readErrorText(buf)).toBe('x'.repeat(15));
  });
});

describe('dropout masks', () => {
  const T = 4,
    B = 6,
    H = 10,
    p = 0.3;
  const whole = new Float32Array(T * B * H);
  fillDropoutMask(whole, { p, seed: 99, gap: 1, firstStream: 0, totalStreams: B, T, B, H });

  it('are the same whether the streams are masked together or in shards', () => {
    for (const { first, count } of planChunks(B, 4, 1)) {
      const part = new Float32Array(T * count * H);
      fillDropoutMask(part, { p, seed: 99, gap: 1, firstStream: first, totalStreams: B, T, B: count, H });
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < count; b++) {
          const mine = part.subarray((t * count + b) * H, (t * count + b + 1) * H);
          const ref = whole.subarray((t * B + first + b) * H, (t * B + first + b + 1) * H);
          expect(Array.from(mine)).toEqual(Array.from(ref));
        }
      }
    }
  });

  it('drop about a fraction p, keep the rest scaled by 1/(1-p), and change with the seed and the gap', () => {
    const big = new Float32Array(50 * 50 * 128);
    fillDropoutMask(big, { p, seed: 5, gap: 0, firstStream: 0, totalStreams: 50, T: 50, B: 50, H: 128 });
    const dropped = big.filter((m) => m === 0).length / big.length;
    expect(Math.abs(dropped - p)).toBeLessThan(0.005);
    expect(big.every((m) => m === 0 || Math.abs(m - 1 / (1 - p)) < 1e-6)).toBe(true);
    const otherSeed = new Float32Array(T * B * H);
    fillDropoutMask(otherSeed, { p, seed: 100, gap: 1, firstStream: 0, totalStreams: B, T, B, H });
    const otherGap = new Float32Array(T * B * H);
    fillDropoutMask(otherGap, { p, seed: 99, gap: 0, firstStream: 0, totalStreams: B, T, B, H });
    expect(Array.from(otherSeed)).not.toEqual(Array.from(whole));
    expect(Array.from(otherGap)).not.toEqual(Array.from(whole));
  });
});

const LINES = ['the cat sat on the mat', 'a dog ran to the park', 'we sing and we dance', 'it rains in the spring'];
const TEXT = Array.from({ length: 8 }, () => LINES.join('\n') + '\n').join('');

async function losses(options: Partial<TrainOptions>) {
  const steps: number[] = [];
  let threads = 0;
  const result = await train(
    TEXT,
    'tiny',
    { hidden: 12, layers: 2, batch: 6, seq: 8, lr: 1e-2, out: null, seed: 3, evalEvery: 1000, ...options },
    {
      onStart: (s) => (threads = s.threads),
      onStep: (r) => steps.push(r.lossNats),
    },
  );
  return { steps, params: (await result.model.hostWeights()).data, result, threads };
}

/** Threaded against one-thread training (the chunks' float32 gradients summed in another
 *  order), measured over every case below: losses differ by at most 1.5e-8 nats, weights by at
 *  most 1.1e-6 (2.8e-6 with uneven chunks); on the js engine losses by 3.8e-10. Allowed: about
 *  4 to 7 times that. */
const LOSS_TOL = 1e-7;
const PARAM_TOL = 1e-5;
const JS_LOSS_TOL = 2e-9;

describe('threaded training equals one-thread training up to rounding', () => {
  afterEach(() => setEngine('wasm'));

  for (const cell of ['rnn', 'lstm', 'gru', 'bilstm'] as const) {
    it(`${cell}, dropout 0.25, across an epoch boundary: 2 and 3 threads`, async () => {
      const opts: Partial<TrainOptions> = { cell, dropout: 0.25, steps: 14 };
      const one = await losses({ ...opts, threads: 1 });
      const perEpoch = Math.round(14 / one.result.epoch);
      expect(perEpoch).toBeLessThan(14); // the run crosses at least one epoch boundary
      for (const threads of [2, 3]) {
        const many = await losses({ ...opts, threads });
        expect(many.steps.length).toBe(14);
        for (let i = 0; i < 14; i++) expect(Math.abs(many.steps[i] - one.steps[i])).toBeLessThan(LOSS_TOL);
        let maxDiff = 0;
        for (let i = 0; i < one.params.length; i++) maxDiff = Math.max(maxDiff, Math.abs(many.params[i] - one.params[i]));
        expect(maxDiff).toBeLessThan(PARAM_TOL);
        expect(many.threads).toBe(threads);
      }
    });
  }

  it('uneven chunks (batch 7 on 2 threads: 4 and 3 streams) give the one-thread run up to rounding', async () => {
    expect(planChunks(7, 2, 4).map((c) => c.count)).toEqual([4, 3]);
    const opts: Partial<TrainOptions> = { cell: 'gru', batch: 7, dropout: 0.25, steps: 6 };
    const one = await losses({ ...opts, threads: 1 });
    const two = await losses({ ...opts, threads: 2 });
    expect(two.threads).toBe(2);
    for (let i = 0; i < 6; i++) expect(Math.abs(two.steps[i] - one.steps[i])).toBeLessThan(LOSS_TOL);
    let maxDiff = 0;
    for (let i = 0; i < one.params.length; i++) maxDiff = Math.max(maxDiff, Math.abs(two.params[i] - one.params[i]));
    expect(maxDiff).toBeLessThan(PARAM_TOL);
  });

  it('two threaded runs with the same seed and thread count are bit-identical', async () => {
    const a = await losses({ steps: 6, threads: 2, dropout: 0.2 });
    const b = await losses({ steps: 6, threads: 2, dropout: 0.2 });
    expect(b.steps).toEqual(a.steps);
    expect(Array.from(b.params)).toEqual(Array.from(a.params));
  });

  it('the js engine runs in the workers too, with the same results', async () => {
    setEngine('js');
    const one = await losses({ steps: 5, threads: 1 });
    const two = await losses({ steps: 5, threads: 2 });
    for (let i = 0; i < 5; i++) expect(Math.abs(two.steps[i] - one.steps[i])).toBeLessThan(JS_LOSS_TOL);
  });

  it('a slowed thread takes fewer chunks, and the run is bit for bit the same', async () => {
    // The main thread, which takes chunks beside its worker, slowed by 30 ms before each chunk
    // (the workers run the built ChunkRunner, not this module's).
    const opts: Partial<TrainOptions> = { cell: 'lstm', batch: 32, steps: 4, threads: 2, dropout: 0.2 };
    const chunks = planChunks(32, 2, 4).length;
    expect(chunks).toBe(6);
    const run = ChunkRunner.prototype.run;
    const counted = async (delayMs: number) => {
      let taken = 0;
      const nap = new Int32Array(new SharedArrayBuffer(4));
      const spy = vi.spyOn(ChunkRunner.prototype, 'run').mockImplementation(function (this: ChunkRunner, ...args) {
        taken++;
        if (delayMs > 0) Atomics.wait(nap, 0, 0, delayMs);
        return run.apply(this, args);
      });
      try {
        return { ...(await losses(opts)), taken };
      } finally {
        spy.mockRestore();
      }
    };
    const even = await counted(0);
    const slowed = await counted(30);
    expect(slowed.threads).toBe(2);
    // Measured: slowed, this thread takes 3 or 4 of the 4 steps' 24 chunks (about one a step,
    // before its worker wakes); unslowed, 16 to 19. Fewer than its even share:
    expect(slowed.taken).toBeLessThan((4 * chunks) / 2);
    // Chunks are summed in chunk order whoever computed them: the same bits.
    expect(slowed.steps).toEqual(even.steps);
    expect(Array.from(slowed.params)).toEqual(Array.from(even.params));
  });

  it('reports the threads it used', async () => {
    let threads = 0;
    await train(
      TEXT,
      'tiny',
      { hidden: 8, layers: 1, batch: 3, seq: 8, steps: 1, out: null, threads: 8 },
      { onStart: (s) => (threads = s.threads) },
    );
    expect(threads).toBe(3);
  });
});
