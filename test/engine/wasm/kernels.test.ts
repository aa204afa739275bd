// The WebAssembly SIMD kernels (src/engine/wasm/kernels.ts) against the JS reference
// (src/engine/js/), the arena they work in (src/engine/wasm/arena.ts), and the engines above
// them: the wasm engine (src/engine/wasm/wasm-engine.ts) runs its products in those kernels on
// tensors in its arena and refuses arrays outside it, the js engine runs the reference on any
// arrays, and setEngine (src/engine/default-engine.ts) chooses which one new models get. The
// wasm module is part of the product: if it is missing or does not load, these tests fail (they
// never skip).
//
// Legend: C (M x N) += op(A) . op(W), K summed; NT: A (M x K), W (N x K); NN: A (M x K),
// W (K x N); TN: A (K x M), X (K x N).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultEngine, engineNamed, getEngine, setEngine } from '../../../src/engine/default-engine.js';
import type { Engine, Tensor } from '../../../src/engine/engine.js';
import type { Floats } from '../../../src/engine/floats.js';
import * as ref from '../../../src/engine/js/matmul.js';
import * as refGather from '../../../src/engine/js/gather.js';
import * as refSoftmax from '../../../src/engine/js/softmax-cross-entropy.js';
import * as refAdam from '../../../src/engine/js/optimizer-steps.js';
import { WasmArena } from '../../../src/engine/wasm/arena.js';
import {
  defaultKernels,
  kernelsLoadError,
  kernelsVariant,
  loadKernels,
  type KernelVariant,
  type WasmKernels,
} from '../../../src/engine/wasm/kernels.js';
import { WasmEngine } from '../../../src/engine/wasm/wasm-engine.js';
import { CharnnError } from '../../../src/errors.js';
import { Rng } from '../../../src/util/rng.js';
import { floatsOf, JS32, JS64 } from '../../helpers/cpu.js';

const rng = new Rng(7);

/** The kernels, or a failure saying why they did not load. */
function kernels(): WasmKernels {
  const k = defaultKernels();
  if (k === null) throw new Error(`wasm kernels unavailable: ${kernelsLoadError()?.message} (npm run build:wasm)`);
  return k;
}

function randomize<T extends Floats>(x: T): T {
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

/** A random arena array of n floats; `shift` floats into a larger allocation, so the view
 *  need not be 16-byte aligned (shift = 1: a 4-byte offset). */
function arenaRandom(k: WasmKernels, n: number, shift = 0): Float32Array {
  return randomize(k.arena.alloc(n + shift).subarray(shift));
}

const GUARD = 8;
const SENTINEL = 12345.5;

/** C inside an arena allocation with GUARD sentinel floats on both sides, to catch writes
 *  outside C in the remainder paths. */
function guardedC(k: WasmKernels, n: number, shift: number): { whole: Float32Array; C: Float32Array } {
  const whole = k.arena.alloc(n + 2 * GUARD + shift).fill(SENTINEL);
  const C = randomize(whole.subarray(GUARD + shift, GUARD + shift + n));
  return { whole, C };
}

function guardsIntact(whole: Float32Array, n: number, shift: number): boolean {
  for (let i = 0; i < GUARD + shift; i++) if (whole[i] !== SENTINEL) return false;
  for (let i = GUARD + shift + n; i < whole.length; i++) if (whole[i] !== SENTINEL) return false;
  return true;
}

/**
 * Largest error of `got` against `want`, relative to what float32 rounding can be blamed for:
 * scale[i] = |C0[i]| + sum_k |a||b|, the same product over absolute values. A summation of K
 * terms in float32 errs by at most ~K * 6e-8 of that, typically ~sqrt(K) * 6e-8.
 */
function relError(got: Float32Array, want: Float32Array, scale: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (scale[i] + 1e-30));
  return worst;
}

const abs64 = (x: Float32Array) => Float64Array.from(x, Math.abs);
const TOL = 1e-5;

// (M, N, K): ones, odd sizes, sizes around the tile widths (2x4 NT; 4x8, 1x24 and 1x8 NN/TN,
// then 4-wide and scalar columns; 16-wide sums), NT's W blocks (N above 32 KiB / (4K) rows),
// NN/TN's K blocks (K above 256, split evenly), large K.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 1, 7],
  [1, 9, 1],
  [5, 1, 1],
  [2, 3, 5],
  [3, 5, 7],
  [4, 4, 4],
  [5, 4, 3],
  [4, 8, 4],
  [7, 9, 13],
  [8, 16, 16],
  [9, 17, 33],
  [3, 12, 6],
  [6, 7, 2],
  [13, 31, 67],
  [11, 65, 128],
  [33, 65, 129],
  [50, 130, 128],
  [17, 70, 500],
  [12, 23, 97],
  [10, 21, 193],
  [6, 9, 2500],
  [65, 13, 2500],
  [2, 6, 1031],
  // NN/TN pack X in panels of at most 256 rows x 512 columns (two column panels at N = 520 and
  // 1030) and visit C in blocks of rows whose A' slice is about 256 KiB (436 rows at K = 300,
  // so two blocks at M = 700, the last one partial).
  [300, 520, 70],
  [700, 24, 300],
  [29, 1030, 40],
  // M = 25 as in a thread's share of a 2 x 512 LSTM's batch: six 4-row tiles and one row left
  // over (24-column tiles, then 8), a 4-column and a scalar column, two K blocks.
  [25, 109, 600],
];

describe('wasm kernels load', () => {
  it('are available (built by npm run build:wasm into dist/wasm/kernels.wasm)', () => {
    expect(kernelsLoadError()).toBeNull();
    expect(defaultKernels()).not.toBeNull();
    // The wasm engine is built on them (it would throw if they had not loaded).
    expect(engineNamed('wasm').name).toBe('wasm');
  });

  it('use the fused multiply-add build (relaxed SIMD) on this Node, unless CHARNN_WASM=simd', () => {
    expect(kernelsVariant()).toBe(process.env.CHARNN_WASM === 'simd' ? 'simd' : 'fma');
  });

  it('load from the built package too (dist/node.js installs the Node platform, whose dist/platform/node/node-platform.js finds dist/wasm)', async () => {
    await import(new URL('../../../dist/node.js', import.meta.url).href);
    const url = new URL('../../../dist/engine/wasm/kernels.js', import.meta.url).href;
    const built = (await import(url)) as { defaultKernels(): WasmKernels | null; kernelsLoadError(): Error | null };
    expect(built.kernelsLoadError()).toBeNull();
    expect(built.defaultKernels()).not.toBeNull();
  });
});

const variants = new Map<KernelVariant, WasmKernels>();
/** Each build on its own arena, loaded once. */
function variant(v: KernelVariant): WasmKernels {
  if (!variants.has(v)) variants.set(v, loadKernels(v));
  return variants.get(v)!;
}

describe('the two wasm builds', () => {
  it('round differently: the fma build really fuses the multiply-adds', () => {
    const [M, N, K] = [8, 16, 256];
    const out = (['fma', 'simd'] as const).map((v) => {
      const k = variant(v);
      const A = k.arena.alloc(M * K),
        W = k.arena.alloc(N * K),
        C = k.arena.alloc(M * N);
      const r = new Rng(3);
      for (let i = 0; i < A.length; i++) A[i] = r.uniform(-1, 1);
      for (let i = 0; i < W.length; i++) W[i] = r.uniform(-1, 1);
      k.matmulNT(C, A, W, M, N, K);
      return Array.from(C);
    });
    expect(out[0]).not.toEqual(out[1]);
    for (let i = 0; i < out[0].length; i++) expect(Math.abs(out[0][i] - out[1][i])).toBeLessThan(1e-4);
  });
});

describe.each(['fma', 'simd'] as const)('wasm matmul kernels (%s build) agree with the JS reference', (v) => {
  for (const [M, N, K] of SHAPES) {
    for (const shift of [0, 1]) {
      it(`M=${M} N=${N} K=${K}${shift ? ', unaligned views' : ''}`, () => {
        const k = variant(v);
        const mark = k.arena.mark();
        const cases = [
          { name: 'NT', run: k.matmulNT, ref: ref.matmulNT, a: M * K, b: N * K },
          { name: 'NN', run: k.matmulNN, ref: ref.matmulNN, a: M * K, b: K * N },
          { name: 'TN', run: k.matmulTN, ref: ref.matmulTN, a: K * M, b: K * N },
        ] as const;
        for (const c of cases) {
          const A = arenaRandom(k, c.a, shift),
            B = arenaRandom(k, c.b, shift);
          const { whole, C } = guardedC(k, M * N, shift);
          const want = C.slice();
          const scale = abs64(C);
          c.ref(want, A, B, M, N, K);
          c.ref(scale, abs64(A), abs64(B), M, N, K);
          c.run(C, A, B, M, N, K);
          expect(relError(C, want, scale), c.name).toBeLessThan(TOL);
          expect(guardsIntact(whole, M * N, shift), `${c.name} wrote outside C`).toBe(true);
        }
        k.arena.release(mark);
      });
    }
  }

  it('accumulate: a second call adds the product again', () => {
    const k = variant(v);
    const [M, N, K] = [7, 13, 37];
    for (const run of [k.matmulNT, k.matmulNN, k.matmulTN]) {
      const A = arenaRandom(k, M * K),
        W = arenaRandom(k, N * K);
      const C = k.arena.alloc(M * N);
      run(C, A, W, M, N, K);
      const once = C.slice();
      run(C, A, W, M, N, K);
      for (let i = 0; i < C.length; i++) expect(C[i]).toBeCloseTo(2 * once[i], 5);
    }
  });
});

describe('wasm bias kernels agree with the JS reference', () => {
  for (const [M, N] of [
    [1, 1],
    [3, 5],
    [4, 16],
    [7, 17],
    [50, 512],
    [9, 65],
    [2, 35],
  ]) {
    for (const shift of [0, 1]) {
      it(`M=${M} N=${N}${shift ? ', unaligned views' : ''}`, () => {
        const k = kernels();
        const mark = k.arena.mark();
        // addBiasRows: C (M x N) += bias (N)
        {
          const bias = arenaRandom(k, N, shift);
          const { whole, C } = guardedC(k, M * N, shift);
          const want = C.slice();
          ref.addBiasRows(want, bias, M, N);
          k.addBiasRows(C, bias, M, N);
          expect(Array.from(C)).toEqual(Array.from(want)); // one add per element: exact
          expect(guardsIntact(whole, M * N, shift)).toBe(true);
        }
        // sumRows: dBias (N) += column sums of dC (M x N), rows added in the same order: exact
        {
          const dC = arenaRandom(k, M * N, shift);
          const { whole, C: dBias } = guardedC(k, N, shift);
          const want = dBias.slice();
          ref.sumRows(want, dC, M, N);
          k.sumRows(dBias, dC, M, N);
          expect(Array.from(dBias)).toEqual(Array.from(want));
          expect(guardsIntact(whole, N, shift)).toBe(true);
        }
        k.arena.release(mark);
      });
    }
  }
});

describe('wasm kernel wrappers refuse what would touch memory outside the arrays', () => {
  it('reject arrays outside the arena, arrays too short, and bad dimensions', () => {
    const k = kernels();
    const A = k.arena.alloc(6),
      W = k.arena.alloc(6),
      C = k.arena.alloc(4);
    expect(() => k.matmulNT(C, A, W, 2, 2, 3)).not.toThrow();
    expect(() => k.matmulNT(new Float32Array(4), A, W, 2, 2, 3)).toThrow(RangeError);
    expect(() => k.matmulNT(C, A, W, 2, 2, 4)).toThrow(RangeError);
    expect(() => k.matmulNN(C, A, W, 3, 2, 2)).toThrow(RangeError);
    expect(() => k.matmulTN(C, A, W, 2, 2.5, 2)).toThrow(RangeError);
    expect(() => k.addBiasRows(C, A, 2, -1)).toThrow(RangeError);
    expect(() => k.sumRows(C, A, 7, 1)).toThrow(RangeError);
  });
});

describe('WasmArena', () => {
  it('hands out zeroed, 16-byte aligned, non-overlapping views', () => {
    const arena = new WasmArena({ initialPages: 1 });
    const views = [3, 1, 8, 5, 0, 17].map((n) => arena.alloc(n));
    let end = 0;
    for (const v of views) {
      expect(v.byteOffset % 16).toBe(0);
      expect(v.byteOffset).toBeGreaterThanOrEqual(end);
      expect(v.every((x) => x === 0)).toBe(true);
      end = v.byteOffset + v.byteLength;
      v.fill(1);
    }
    expect(() => arena.alloc(-1)).toThrow(RangeError);
    expect(() => arena.alloc(1.5)).toThrow(RangeError);
  });

  it('keeps views made before growth valid, and owns() them before and after', () => {
    const arena = new WasmArena({ initialPages: 1 });
    const before = arena.alloc(100);
    before.fill(3);
    const bufferBefore = arena.buffer;
    expect(arena.owns(before)).toBe(true);

    const big = arena.alloc(3 * 16384); // 3 pages: forces growth
    // Growth made a new SharedArrayBuffer object (that is why owns() keeps a set) ...
    expect(arena.buffer).not.toBe(bufferBefore);
    expect(arena.memory.buffer.byteLength).toBeGreaterThanOrEqual(big.byteOffset + big.byteLength);
    // ... but the old one still maps the same bytes: the old view reads and writes them.
    expect(before.length).toBe(100);
    expect(before.every((x) => x === 3)).toBe(true);
    const alias = new Float32Array(arena.memory.buffer, before.byteOffset, 100);
    expect(alias[99]).toBe(3);
    before[99] = 7;
    expect(alias[99]).toBe(7);
    expect(arena.owns(before)).toBe(true);
    expect(arena.owns(before.subarray(10, 20))).toBe(true);
    expect(arena.owns(big)).toBe(true);
    expect(arena.owns(alias)).toBe(true);

    expect(arena.owns(new Float32Array(100))).toBe(false);
    expect(arena.owns(new WasmArena({ initialPages: 1 }).alloc(4))).toBe(false);
  });

  it('owns() views made directly on memory.buffer after a growth it did not do', () => {
    const arena = new WasmArena({ initialPages: 1 });
    arena.memory.grow(1);
    const direct = new Float32Array(arena.memory.buffer, 65536, 4);
    expect(arena.owns(direct)).toBe(true);
  });

  it('kernels work across growth (inputs from before, output from after)', () => {
    const k = kernels();
    const [M, N, K] = [5, 6, 7];
    const A = arenaRandom(k, M * K),
      W = arenaRandom(k, N * K);
    const oldBuffer = k.arena.buffer;
    k.arena.alloc(k.arena.buffer.byteLength / 4); // more than is left: grows the memory
    expect(k.arena.buffer).not.toBe(oldBuffer);
    const C = arenaRandom(k, M * N);
    const want = C.slice();
    ref.matmulNT(want, A, W, M, N, K);
    k.matmulNT(C, A, W, M, N, K);
    for (let i = 0; i < C.length; i++) expect(C[i]).toBeCloseTo(want[i], 5);
  });

  it('release() frees back to a mark, and reused bytes come back zeroed', () => {
    const arena = new WasmArena({ initialPages: 1 });
    arena.alloc(5);
    const mark = arena.mark();
    arena.alloc(40).fill(9);
    arena.release(mark);
    expect(arena.used).toBe(mark);
    const again = arena.alloc(40);
    expect(again.every((x) => x === 0)).toBe(true);
    expect(() => arena.release(arena.used + 16)).toThrow(RangeError);
  });

  it('fails with a CharnnError past its maximum', () => {
    const arena = new WasmArena({ initialPages: 1, maximumPages: 2 });
    expect(() => arena.alloc(3 * 16384)).toThrow(CharnnError);
    expect(arena.alloc(16384).length).toBe(16384); // still usable
  });
});

describe('engines: the wasm engine runs its tensors through the kernels, the js engine the reference', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    setEngine('wasm');
  });

  /** Spies on every wasm kernel; returns how many wasm calls were made. */
  function spyWasm(k: WasmKernels): () => number {
    const spies = (['matmulNT', 'matmulNN', 'matmulTN', 'addBiasRows', 'sumRows'] as const).map((name) => vi.spyOn(k, name));
    return () => spies.reduce((s, spy) => s + spy.mock.calls.length, 0);
  }

  /** A CPU engine's tensor is its typed array: these hand arrays made anywhere to an engine. */
  const tensor = (x: Floats): Tensor => x as unknown as Tensor;

  /** Calls all five products of `engine`, outputs from `makeOut` and inputs from `makeIn`;
   *  returns the outputs and what the JS reference gives on the same inputs. */
  function runAll(engine: Engine, makeOut: (n: number) => Floats, makeIn: (n: number) => Floats = makeOut) {
    const [M, N, K] = [5, 7, 9];
    const out = (n: number) => randomize(makeOut(n));
    const inp = (n: number) => randomize(makeIn(n));
    const A = inp(M * K),
      W = inp(N * K),
      At = inp(K * M),
      X = inp(K * N),
      bias = inp(N),
      dC = inp(M * N);
    const got = [out(M * N), out(M * N), out(M * N), out(M * N), out(N)];
    const want = got.map((x) => x.slice());
    engine.matmulNT(tensor(got[0]), tensor(A), tensor(W), M, N, K);
    engine.matmulNN(tensor(got[1]), tensor(A), tensor(W), M, N, K);
    engine.matmulTN(tensor(got[2]), tensor(At), tensor(X), M, N, K);
    engine.addBiasRows(tensor(got[3]), tensor(bias), M, N);
    engine.sumRows(tensor(got[4]), tensor(dC), M, N);
    ref.matmulNT(want[0], A, W, M, N, K);
    ref.matmulNN(want[1], A, W, M, N, K);
    ref.matmulTN(want[2], At, X, M, N, K);
    ref.addBiasRows(want[3], bias, M, N);
    ref.sumRows(want[4], dC, M, N);
    return { got, want };
  }

  it('wasm is the default engine, and runs its own tensors (arena Float32Arrays) through the kernels', () => {
    expect(getEngine()).toBe('wasm');
    const k = kernels();
    const engine = defaultEngine() as WasmEngine;
    expect(engine).toBeInstanceOf(WasmEngine);
    expect(engine.kernels).toBe(k);
    const wasmCalls = spyWasm(k);
    const x = engine.floatsOf(engine.zeros(10));
    expect(k.arena.owns(x)).toBe(true);
    const { got, want } = runAll(engine, (n) => engine.floatsOf(engine.zeros(n)));
    expect(wasmCalls()).toBe(5);
    for (let i = 0; i < got.length; i++) {
      for (let j = 0; j < got[i].length; j++) expect(got[i][j]).toBeCloseTo(want[i][j], 4);
    }
  });

  it('the js engine, in float32 and float64, gives the reference bit for bit on ordinary arrays, without the wasm kernels', () => {
    // What the wasm engine's fallback to JS used to do for Float64Array and ordinary arrays, the
    // js engine does now (a model lives wholly in one engine).
    const k = kernels();
    const wasmCalls = spyWasm(k);
    for (const engine of [JS64, JS32]) {
      const { got, want } = runAll(engine, (n) => engine.floatsOf(engine.zeros(n)));
      expect(got[0]).toBeInstanceOf(engine === JS64 ? Float64Array : Float32Array);
      expect(k.arena.owns(got[0])).toBe(false);
      for (let i = 0; i < got.length; i++) expect(Array.from(got[i])).toEqual(Array.from(want[i]));
    }
    expect(wasmCalls()).toBe(0);
  });

  it("the wasm engine refuses Float64Array, ordinary Float32Array, another arena's arrays, and any mix: a RangeError, nothing written", () => {
    // It used to fall back to JS for these; now a model lives wholly in one engine, and an array
    // that is not the engine's own is a bug the kernels refuse before touching any memory.
    const engine = engineNamed('wasm') as WasmEngine;
    const k = engine.kernels;
    const mark = k.arena.mark();
    const arena = (n: number) => k.arena.alloc(n);
    const f32 = (n: number) => new Float32Array(n);
    const f64 = (n: number) => new Float64Array(n);
    const foreign = new WasmArena({ initialPages: 1 });
    const otherArena = (n: number) => foreign.alloc(n);
    const [M, N, K] = [5, 7, 9];
    const mixes: [(n: number) => Floats, (n: number) => Floats][] = [
      [f64, f64],
      [f32, f32],
      [arena, f32],
      [f32, arena],
      [arena, f64],
      [otherArena, arena],
      [arena, otherArena],
    ];
    for (const [makeOut, makeIn] of mixes) {
      const out = (n: number) => randomize(makeOut(n));
      const inp = (n: number) => randomize(makeIn(n));
      const A = inp(M * K),
        W = inp(N * K),
        At = inp(K * M),
        X = inp(K * N),
        bias = inp(N),
        dC = inp(M * N);
      const got = [out(M * N), out(M * N), out(M * N), out(M * N), out(N)];
      const before = got.map((x) => Array.from(x));
      expect(() => engine.matmulNT(tensor(got[0]), tensor(A), tensor(W), M, N, K)).toThrow(RangeError);
      expect(() => engine.matmulNN(tensor(got[1]), tensor(A), tensor(W), M, N, K)).toThrow(RangeError);
      expect(() => engine.matmulTN(tensor(got[2]), tensor(At), tensor(X), M, N, K)).toThrow(RangeError);
      expect(() => engine.addBiasRows(tensor(got[3]), tensor(bias), M, N)).toThrow(RangeError);
      expect(() => engine.sumRows(tensor(got[4]), tensor(dC), M, N)).toThrow(RangeError);
      for (let i = 0; i < got.length; i++) expect(Array.from(got[i])).toEqual(before[i]);
    }
    k.arena.release(mark);
  });

  it("setEngine('js') gives new work the js engine, which runs the reference even on arena arrays and allocates ordinary arrays", () => {
    const k = kernels();
    const wasmCalls = spyWasm(k);
    const arenaMade = (n: number) => k.arena.alloc(n);
    setEngine('js');
    expect(getEngine()).toBe('js');
    const js = defaultEngine();
    expect(js).toBe(engineNamed('js'));
    expect(js.precision).toBe('float32');
    const made = floatsOf(js, js.zeros(4));
    expect(made).toBeInstanceOf(Float32Array);
    expect(k.arena.owns(made)).toBe(false);
    const { got, want } = runAll(js, arenaMade);
    for (let i = 0; i < got.length; i++) expect(Array.from(got[i])).toEqual(Array.from(want[i]));
    expect(wasmCalls()).toBe(0);

    setEngine('wasm');
    expect(getEngine()).toBe('wasm');
    runAll(defaultEngine(), arenaMade);
    expect(wasmCalls()).toBe(5);
  });
});

describe('wasm column gather/scatter and softmax cross-entropy agree with the JS reference', () => {
  // R rows (T*B), GH outputs per row, V columns of W (the vocabulary).
  const cases: [number, number, number][] = [
    [1, 5, 3],
    [3, 7, 5],
    [50, 512, 65],
    [2500, 16, 65],
    [17, 33, 1],
    [20_000, 9, 11],
  ];
  for (const [R, GH, V] of cases) {
    it(`R=${R} GH=${GH} V=${V}`, () => {
      const k = kernels();
      const mark = k.arena.mark();
      const ids = Int32Array.from({ length: R }, () => Math.floor(rng.next() * V));
      // gather: out (R x GH) += W[:, ids[r]]; one add per element: exact.
      const W = arenaRandom(k, GH * V);
      const out = arenaRandom(k, R * GH);
      const want = out.slice();
      refGather.gatherColumns(want, W, ids, R, GH, V);
      k.gatherColumns(out, W, ids, R, GH, V);
      expect(Array.from(out)).toEqual(Array.from(want));
      // scatter: dW[:, ids[r]] += dOut[r], rows added in the same order: exact.
      const dW = arenaRandom(k, GH * V);
      const dWant = dW.slice();
      refGather.scatterColumns(dWant, out, ids, R, GH, V);
      k.scatterColumns(dW, out, ids, R, GH, V);
      expect(Array.from(dW)).toEqual(Array.from(dWant));
      // softmax cross-entropy: f32 exp against float64 Math.exp, so close, not equal.
      const logits = arenaRandom(k, R * V);
      for (let i = 0; i < logits.length; i++) logits[i] *= 8;
      const targets = Int32Array.from({ length: R }, () => Math.floor(rng.next() * V));
      const dLogits = k.arena.alloc(R * V),
        dRef = new Float32Array(R * V);
      const lossRef = refSoftmax.softmaxCrossEntropy(logits, targets, R, V, dRef, 0.01);
      const loss = k.softmaxCrossEntropy(logits, targets, R, V, dLogits, 0.01);
      expect(Math.abs(loss - lossRef)).toBeLessThan(1e-6 * Math.max(1, Math.abs(lossRef)));
      for (let i = 0; i < dRef.length; i++) expect(Math.abs(dLogits[i] - dRef[i])).toBeLessThan(1e-8);
      expect(k.softmaxCrossEntropy(logits, targets, R, V, null, 1)).toBe(loss);
      k.arena.release(mark);
    });
  }

  it('refuse ids outside the vocabulary (they would address memory outside W)', () => {
    const k = kernels();
    const W = k.arena.alloc(4 * 3),
      out = k.arena.alloc(2 * 4);
    expect(() => k.gatherColumns(out, W, Int32Array.of(0, 3), 2, 4, 3)).toThrow(/id 3 at 1 is outside 0..2/);
    expect(() => k.scatterColumns(W, out, Int32Array.of(-1, 0), 2, 4, 3)).toThrow(/id -1/);
    expect(() => k.softmaxCrossEntropy(out, Int32Array.of(0, 4), 2, 4, null, 1)).toThrow(/id 4/);
    expect(() => k.gatherColumns(out, W, Int32Array.of(0), 2, 4, 3)).toThrow(/1 ids, needs 2/);
  });
});

describe.each(['fma', 'simd'] as const)(
  'wasm Adam update, gradient sum and clipping (%s build) equal the JS reference bit for bit',
  (v) => {
    // n: fewer than one vector, around the 4-float vectors, and a long run with a tail.
    for (const n of [1, 3, 4, 5, 8, 17, 1003]) {
      it(`n=${n}, five steps`, () => {
        const k = variant(v);
        const mark = k.arena.mark();
        const r = new Rng(n);
        // Gradients over many magnitudes, zeros included; parameters and moments start non-zero.
        const grad = () =>
          Float32Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : r.uniform(-1, 1) * 10 ** Math.floor(r.uniform(-8, 2))));
        const start = () => Float32Array.from({ length: n }, () => r.uniform(-1, 1));
        const p0 = start(),
          m0 = start().map((x) => x * 1e-3),
          v0 = start().map((x) => x * x * 1e-4);
        const [p, m, vv, g] = [k.arena.alloc(n), k.arena.alloc(n), k.arena.alloc(n), k.arena.alloc(n)];
        p.set(p0);
        m.set(m0);
        vv.set(v0);
        const [pr, mr, vr] = [p0.slice(), m0.slice(), v0.slice()];
        for (let t = 1; t <= 5; t++) {
          const gt = grad();
          g.set(gt);
          const stepSize = 2e-3 / (1 - 0.9 ** t),
            sqrtC2 = Math.sqrt(1 - 0.999 ** t);
          k.adamUpdate(p, g, m, vv, stepSize, sqrtC2);
          refAdam.adamUpdate(pr, gt, mr, vr, stepSize, sqrtC2);
        }
        expect(Array.from(p)).toEqual(Array.from(pr));
        expect(Array.from(m)).toEqual(Array.from(mr));
        expect(Array.from(vv)).toEqual(Array.from(vr));
        expect(Array.from(p)).not.toEqual(Array.from(p0)); // it did update
        k.arena.release(mark);
      });
    }

    it('the gradient-shard sum (addArrays) equals dst[i] += src[i] bit for bit', () => {
      const k = variant(v);
      const mark = k.arena.mark();
      const r = new Rng(9);
      for (const n of [1, 3, 4, 7, 1001]) {
        // Magnitudes from subnormal to large, both signs, so roundings of every kind occur.
        const val = () => r.uniform(-1, 1) * 2 ** Math.floor(r.uniform(-140, 20));
        const dst = k.arena.alloc(n),
          src = k.arena.alloc(n);
        for (let i = 0; i < n; i++) {
          dst[i] = val();
          src[i] = val();
        }
        const want = dst.slice();
        refAdam.addInto(want, src, n);
        k.addArrays(dst, src, n);
        expect(Array.from(dst)).toEqual(Array.from(want));
      }
      k.arena.release(mark);
    });

    it("clipping's sum of squares and scaling equal the JS loops bit for bit", () => {
      const k = variant(v);
      const mark = k.arena.mark();
      const r = new Rng(11);
      for (const n of [1, 3, 4, 7, 1001]) {
        const x = k.arena.alloc(n);
        for (let i = 0; i < n; i++) x[i] = r.uniform(-1, 1) * 2 ** Math.floor(r.uniform(-140, 20));
        expect(k.sumSquares(x)).toBe(refAdam.sumSquares(x.slice()));
        const want = x.slice();
        refAdam.scaleInPlace(want, 0.3711);
        k.scaleArray(x, 0.3711);
        expect(Array.from(x)).toEqual(Array.from(want));
      }
      k.arena.release(mark);
    });

    it('refuses arrays outside the arena or too short', () => {
      const k = variant(v);
      const mark = k.arena.mark();
      const a = () => k.arena.alloc(8);
      expect(() => k.sumSquares(new Float32Array(8))).toThrow(RangeError);
      expect(() => k.scaleArray(new Float32Array(8), 2)).toThrow(RangeError);
      expect(() => k.addArrays(a(), new Float32Array(8), 8)).toThrow(RangeError);
      expect(() => k.addArrays(a(), a(), 9)).toThrow(RangeError);
      expect(() => k.adamUpdate(a(), a(), a(), a(), 1e-3, 1)).not.toThrow();
      expect(() => k.adamUpdate(new Float32Array(8), a(), a(), a(), 1e-3, 1)).toThrow(RangeError);
      expect(() => k.adamUpdate(a(), a(), a().subarray(1), a(), 1e-3, 1)).toThrow(RangeError);
      expect(() => k.adamUpdate(a(), new Float32Array(8), a(), a(), 1e-3, 1)).toThrow(RangeError);
      k.arena.release(mark);
    });
  },
);
