// The webgpu engine's operations (src/engine/webgpu/, WGSL in wgsl/) against the js reference
// engine in float32, one by one, on awkward shapes (1, sizes that are not multiples of the
// 16-wide tiles or the 64-thread workgroups, views at odd offsets), in both forms of the
// products. Tolerances: the GPU adds products in another order and computes the loss and the
// optimizer steps in f32 where the reference uses f64, so results agree to float32 rounding
// (a few units in the 7th digit), stated per check; the dropout masks, gathers, scatters,
// copies and fills agree bit for bit.
import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../../src/engine/engine.js';
import type { ProductForm } from '../../../src/engine/webgpu/dispatcher.js';
import type { WebGpuEngine } from '../../../src/engine/webgpu/webgpu-engine.js';
import { Rng } from '../../../src/util/rng.js';
import { JS32 } from '../../helpers/cpu.js';
import { gpuOrSkip } from '../../helpers/webgpu.js';

const rng = new Rng(20261203);
const random = (n: number, scale = 1) => Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));

/** The same values in a tensor of each engine. */
function both(gpu: WebGpuEngine, values: Float32Array): [Tensor, Tensor] {
  const a = gpu.zeros(values.length);
  gpu.write(a, values);
  const b = JS32.zeros(values.length);
  JS32.write(b, values);
  return [a, b];
}

async function host(engine: Engine, t: Tensor): Promise<Float32Array> {
  const out = new Float32Array(engine.size(t));
  await engine.read(t, out);
  return out;
}

/** max |gpu - js| / max(1, max |js|), over the whole tensors. */
async function error(gpu: WebGpuEngine, a: Tensor, b: Tensor): Promise<number> {
  const [x, y] = [await host(gpu, a), await host(JS32, b)];
  expect(x.length).toBe(y.length);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < x.length; i++) {
    const e = Math.abs(x[i] - y[i]);
    if (!(e <= worst)) worst = e;
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return worst / scale;
}

async function same(gpu: WebGpuEngine, a: Tensor, b: Tensor): Promise<void> {
  expect(Array.from(await host(gpu, a))).toEqual(Array.from(await host(JS32, b)));
}

const PRODUCT_SHAPES = [
  [1, 1, 1],
  [1, 7, 3],
  [5, 1, 9],
  [16, 16, 16],
  [17, 33, 5],
  [3, 64, 129],
  [40, 20, 31],
];

for (const form of ['direct', 'tiled'] as ProductForm[]) {
  describe(`webgpu products (${form}) against the reference`, () => {
    it('matmulNT, matmulNN, matmulTN accumulate into C, at view offsets, within 2e-6 of its scale', async (ctx) => {
      const gpu = await gpuOrSkip(ctx, form);
      for (const [M, N, K] of PRODUCT_SHAPES) {
        for (const kind of ['NT', 'NN', 'TN'] as const) {
          // Operands are views 3 elements into their buffers, C starts with values (accumulation).
          const [C, c] = both(gpu, random(M * N + 3));
          const [A, a] = both(gpu, random(M * K + 3));
          const [W, w] = both(gpu, random(N * K + 3));
          const v = (e: Engine, t: Tensor, n: number) => e.view(t, 3, n);
          const run = (e: Engine, x: Tensor, y: Tensor, z: Tensor) => {
            const args = [v(e, x, M * N), v(e, y, M * K), v(e, z, N * K), M, N, K] as const;
            if (kind === 'NT') e.matmulNT(...args);
            else if (kind === 'NN') e.matmulNN(...args);
            else e.matmulTN(...args);
          };
          run(gpu, C, A, W);
          run(JS32, c, a, w);
          expect(await error(gpu, C, c), `${kind} ${M}x${N}x${K}`).toBeLessThan(2e-6);
        }
      }
    });

    it('refuse operands shorter than the dimensions say', async (ctx) => {
      const gpu = await gpuOrSkip(ctx, form);
      const t = (n: number) => gpu.zeros(n);
      expect(() => gpu.matmulNT(t(6), t(6), t(8), 2, 3, 4)).toThrow(/matmulNT: a tensor of 6 where 8 are needed/);
      expect(() => gpu.matmulNN(t(5), t(8), t(12), 2, 3, 4)).toThrow(RangeError);
      expect(() => gpu.matmulTN(t(6), t(8), t(11), 2, 3, 4)).toThrow(RangeError);
    });
  });
}

describe('webgpu memory, bias, gather and scatter against the reference', () => {
  it('write and read at offsets; views; fill ranges; copies (overlapping ones too) are exact', async (ctx) => {
    const gpu = await gpuOrSkip(ctx);
    const values = random(101);
    const [x, y] = both(gpu, values);
    gpu.write(x, [1.5, 2.5, -3], 7);
    JS32.write(y, [1.5, 2.5, -3], 7);
    await same(gpu, x, y);
    const part = new Float32Array(9);
    await gpu.read(x, part, 5);
    expect(Array.from(part)).toEqual(Array.from(JS32.floatsOf(y).subarray(5, 14)));
    const few = new Float32Array(4);
    await gpu.read(gpu.view(x, 10, 50), few, 2, 3);
    expect(Array.from(few.subarray(0, 3))).toEqual(Array.from(JS32.floatsOf(y).subarray(12, 15)));
    expect(gpu.size(gpu.view(x, 10, 50))).toBe(50);
    expect(() => gpu.view(x, 90, 12)).toThrow(RangeError);
    expect(() => gpu.write(x, new Float32Array(5), 98)).toThrow(RangeError);
    await expect(gpu.read(x, new Float32Array(3), 100)).rejects.toThrow(RangeError);
    for (const e of [gpu, JS32] as Engine[]) {
      const t = e === gpu ? x : y;
      e.fill(t, 0.25, 3, 70);
      e.fill(e.view(t, 80, 20), -2);
      e.copy(t, t, 30, 50, 2); // within one buffer, overlapping
      e.copy(t, t, 30, 2, 20); // the other direction
      const other = e.zeros(40);
      e.copy(other, t, 33, 4, 61);
      e.copy(t, other, 10, 90, 5);
    }
    await same(gpu, x, y);
  });

  it('addBiasRows and sumRows (1e-6), gatherColumns and scatterColumns with repeated ids (exact)', async (ctx) => {
    const gpu = await gpuOrSkip(ctx);
    for (const [M, N] of [
      [1, 1],
      [7, 13],
      [130, 65],
    ]) {
      const [C, c] = both(gpu, random(M * N));
      const [b, bj] = both(gpu, random(N));
      gpu.addBiasRows(C, b, M, N);
      JS32.addBiasRows(c, bj, M, N);
      expect(await error(gpu, C, c)).toBe(0);
      gpu.sumRows(b, C, M, N);
      JS32.sumRows(bj, c, M, N);
      expect(await error(gpu, b, bj), `sumRows ${M}x${N}`).toBeLessThan(1e-6);
    }
    const [R, GH, V] = [37, 12, 5];
    const ids = Int32Array.from({ length: R }, (_, i) => (i * 7) % V); // every column, repeated
    const [out, o] = both(gpu, random(R * GH));
    const [W, w] = both(gpu, random(GH * V));
    gpu.gatherColumns(out, W, ids, R, GH, V);
    JS32.gatherColumns(o, w, ids, R, GH, V);
    await same(gpu, out, o);
    gpu.scatterColumns(W, out, ids, R, GH, V);
    JS32.scatterColumns(w, o, ids, R, GH, V);
    await same(gpu, W, w);
    expect(() => gpu.gatherColumns(out, W, Int32Array.of(0, 5), 2, GH, V)).toThrow(/id 5 outside \[0, 5\)/);
    expect(() => gpu.scatterColumns(W, out, ids, R + 1, GH, V)).toThrow(RangeError);
  });

  it('a dispatch reading and writing one buffer through two views is computed as if they were apart', async (ctx) => {
    // WebGPU refuses a buffer bound read-only and writable in one dispatch; the engine copies the
    // read operand aside (dispatcher.ts).
    const gpu = await gpuOrSkip(ctx);
    const [x, y] = both(gpu, random(64));
    gpu.addInto(gpu.view(x, 0, 30), gpu.view(x, 30, 30), 30);
    JS32.addInto(JS32.view(y, 0, 30), JS32.view(y, 30, 30), 30);
    gpu.matmulNT(gpu.view(x, 0, 4), gpu.view(x, 40, 6), gpu.view(x, 50, 6), 2, 2, 3);
    JS32.matmulNT(JS32.view(y, 0, 4), JS32.view(y, 40, 6), JS32.view(y, 50, 6), 2, 2, 3);
    expect(await error(gpu, x, y)).toBeLessThan(1e-6);
  });
});

describe('webgpu loss, dropout and optimizer steps against the reference', () => {
  it('softmaxCrossEntropy: the loss within 1e-6 relative, the gradient within 2 ulps of 1, with or without it', async (ctx) => {
    const gpu = await gpuOrSkip(ctx);
    for (const [N, V, scale] of [
      [1, 1, 1],
      [3, 2, 0.5],
      [50, 65, 1 / 50],
      [7, 300, 1],
    ]) {
      // Logits up to +-30: exp overflows without the max shift.
      const [L, l] = both(gpu, random(N * V, 30));
      const [dL, dl] = both(gpu, random(N * V));
      const targets = Int32Array.from({ length: N }, () => Math.floor(rng.uniform(0, V)));
      const got = await gpu.softmaxCrossEntropy(L, targets, N, V, dL, scale);
      const want = await JS32.softmaxCrossEntropy(l, targets, N, V, dl, scale);
      expect(Math.abs(got - want) / Math.max(1, Math.abs(want)), `${N}x${V}`).toBeLessThan(1e-6);
      expect(await error(gpu, dL, dl), `${N}x${V}`).toBeLessThan(2.4e-7);
      const lossOnly = await gpu.softmaxCrossEntropy(L, targets, N, V, null, scale);
      expect(lossOnly).toBe(got);
    }
    const L = gpu.zeros(6);
    await expect(gpu.softmaxCrossEntropy(L, Int32Array.of(0, 3), 2, 3, null, 1)).rejects.toThrow(/id 3 outside/);
    expect(await gpu.softmaxCrossEntropy(L, new Int32Array(0), 0, 3, null, 1)).toBe(0);
  });

  it('dropoutMask gives the reference mask bit for bit (p = 0, 0.3, 0.5, 0.999), and the masks apply', async (ctx) => {
    // applyMask is exact (one product of two floats); applyMaskAccumulate rounds the product
    // before the sum where JavaScript adds it exactly, one unit in the last place apart at most.
    const gpu = await gpuOrSkip(ctx);
    for (const p of [0, 0.3, 0.5, 0.999]) {
      const spec = { p, seed: 0xdeadbeef, gap: 2, firstStream: 3, totalStreams: 11, T: 5, B: 4, H: 9 };
      const n = spec.T * spec.B * spec.H;
      const [m, mj] = both(gpu, random(n));
      gpu.dropoutMask(m, spec);
      JS32.dropoutMask(mj, spec);
      await same(gpu, m, mj);
      const [x, xj] = both(gpu, random(n));
      const [out, oj] = both(gpu, random(n));
      gpu.applyMask(out, x, m, n);
      JS32.applyMask(oj, xj, mj, n);
      await same(gpu, out, oj);
      gpu.applyMaskAccumulate(x, out, m, n - 1);
      JS32.applyMaskAccumulate(xj, oj, mj, n - 1);
      expect(await error(gpu, x, xj)).toBeLessThan(3e-7);
    }
  });

  it('adam, rmsprop, sgd (first step and after), addInto, scale: within 1e-6 of the values over 20 steps', async (ctx) => {
    const gpu = await gpuOrSkip(ctx);
    const n = 1000;
    const zeros = () => both(gpu, new Float32Array(n));
    const adam = { p: both(gpu, random(n)), m: zeros(), v: zeros() };
    const rms = { p: both(gpu, random(n)), v: zeros() };
    const sgd = { p: both(gpu, random(n)), u: zeros() };
    for (let step = 1; step <= 20; step++) {
      const g = both(gpu, random(n));
      const extra = both(gpu, random(n));
      const stepSize = 0.002 / (1 - 0.9 ** step);
      const sqrtC2 = Math.sqrt(1 - 0.999 ** step);
      for (const k of [0, 1]) {
        const e: Engine = k === 0 ? gpu : JS32;
        e.addInto(g[k], extra[k], n - 3);
        e.scale(g[k], 0.75);
        e.adamUpdate(adam.p[k], g[k], adam.m[k], adam.v[k], stepSize, sqrtC2);
        e.rmspropUpdate(rms.p[k], g[k], rms.v[k], 0.001);
        e.sgdUpdate(sgd.p[k], g[k], sgd.u[k], 0.01, step === 1);
      }
    }
    for (const [name, [a, b]] of Object.entries({
      'adam p': adam.p,
      'adam m': adam.m,
      'adam v': adam.v,
      'rmsprop p': rms.p,
      'rmsprop v': rms.v,
      'sgd p': sgd.p,
      'sgd u': sgd.u,
    }))
      expect(await error(gpu, a, b), name).toBeLessThan(1e-6);
  });

  it('sumSquares: within 1e-6 relative, for lengths around its 1024-element chunks; 0 for nothing', async (ctx) => {
    const gpu = await gpuOrSkip(ctx);
    for (const n of [1, 1023, 1024, 1025, 5000]) {
      const [x, xj] = both(gpu, random(n));
      const got = await gpu.sumSquares(x);
      const want = await JS32.sumSquares(xj);
      expect(Math.abs(got - want) / want, `n=${n}`).toBeLessThan(1e-6);
    }
    expect(await gpu.sumSquares(gpu.zeros(0))).toBe(0);
  });
});
