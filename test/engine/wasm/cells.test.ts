// The fused WebAssembly recurrences (asm/cells.ts, run by the wasm engine,
// src/engine/wasm/wasm-engine.ts) against the JS reference time loops of the js engine
// (src/engine/js/{rnn,lstm,gru}-loop.ts), each driven through the cells (src/nn/{rnn,lstm,gru}.ts),
// and the f32 exp / sigmoid / tanh they use (asm/math.ts) against Math.*. Like kernels.test.ts,
// these fail (never skip) when the module is missing.
//
// Legend: T steps, B streams, H hidden, D input width, G gates (rnn 1, lstm 4, gru 3).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineNamed } from '../../../src/engine/default-engine.js';
import type { CpuEngine, Tensor } from '../../../src/engine/engine.js';
import { defaultKernels, kernelsLoadError, type WasmKernels } from '../../../src/engine/wasm/kernels.js';
import type { WasmEngine } from '../../../src/engine/wasm/wasm-engine.js';
import { CELL_KERNELS } from '../../../src/nn/cells.js';
import type { LayerCache, LayerGrads, LayerInput, LayerPass, LayerWeights } from '../../../src/nn/layer.js';
import { Rng } from '../../../src/util/rng.js';
import { JS32 } from '../../helpers/cpu.js';

function kernels(): WasmKernels {
  const k = defaultKernels();
  if (k === null) throw new Error(`wasm kernels unavailable: ${kernelsLoadError()?.message} (npm run build:wasm)`);
  return k;
}

/** The wasm engine, on the kernels above. */
function wasmEngine(): WasmEngine {
  const engine = engineNamed('wasm') as WasmEngine;
  expect(engine.kernels).toBe(kernels());
  return engine;
}

// ---------------------------------------------------------------------------------------------
// exp, sigmoid, tanh

/** The spacing of float32 numbers at |v| (normal range; the smallest denormal step below it). */
function ulp(v: number): number {
  const a = Math.abs(Math.fround(v));
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

const FLT_MIN = 2 ** -126; // smallest normal float32

/** Sweep: a fine grid over [-90, 90], a denser one over [-1, 1], and +-10^e for e in [-45, 2]. */
function sweep(): number[] {
  const xs: number[] = [];
  for (let i = 0; i <= 90000; i++) xs.push(-90 + (180 * i) / 90000);
  for (let i = 0; i <= 40000; i++) xs.push(-1 + (2 * i) / 40000);
  for (let e = -45; e <= 2; e += 0.002) xs.push(10 ** e, -(10 ** e));
  return xs;
}

/** Runs an array kernel of k on xs; returns the float32 results. */
function runArray(k: WasmKernels, f: 'expArray' | 'sigmoidArray' | 'tanhArray', xs: number[], shift = 0): Float32Array {
  const x = k.arena.alloc(xs.length + shift).subarray(shift);
  x.set(xs);
  const out = k.arena.alloc(xs.length + shift).subarray(shift);
  k[f](out, x, xs.length);
  return out;
}

const EXTREMES = [
  0,
  -0,
  1e-8,
  -1e-8,
  1e-40,
  -1e-40,
  0.625,
  -0.625,
  1,
  -1,
  20,
  -20,
  87,
  -87,
  88,
  -88,
  100,
  -100,
  1e30,
  -1e30,
  Infinity,
  -Infinity,
];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('wasm f32 exp, sigmoid, tanh against Math.*', () => {
  const xs = sweep();

  /** Largest error in ulps of the float32 result over the x in xs where the true value
   *  `want(x)` is a normal float32 (and `keep(x)`). */
  function maxUlps(got: Float32Array, want: (x: number) => number, keep: (x: number) => boolean = () => true): number {
    let worst = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = Math.fround(xs[i]);
      const w = want(x);
      if (!keep(x) || Math.abs(w) < FLT_MIN) continue;
      worst = Math.max(worst, Math.abs(got[i] - w) / ulp(w));
    }
    return worst;
  }

  it('exp: within 1 ulp on [-87.3, 88.3], saturating (finite) outside', () => {
    const k = kernels();
    const got = runArray(k, 'expArray', xs);
    // Measured: 0.96 ulp.
    expect(maxUlps(got, Math.exp, (x) => x >= -87.3 && x <= 88.3)).toBeLessThan(1.01);
    const ext = runArray(k, 'expArray', EXTREMES);
    EXTREMES.forEach((x, i) => {
      const g = ext[i];
      expect(Number.isFinite(g), `exp(${x})`).toBe(true);
      if (x < -87.3) expect(g).toBeLessThan(1.3e-38);
      else if (x > 88.3) expect(g).toBeGreaterThan(2e38);
      else expect(Math.abs(g - Math.exp(x)) / ulp(Math.exp(x)), `exp(${x})`).toBeLessThan(1.01);
    });
  });

  it('sigmoid: within 2.5 ulp wherever the result is a normal float, 0 / 1 at the extremes', () => {
    const k = kernels();
    const got = runArray(k, 'sigmoidArray', xs);
    // Measured: 2.15 ulp (around x = -16.7, where 1 + e^-x is large and e^-x's error shows).
    expect(maxUlps(got, sigmoid, (x) => x >= -87)).toBeLessThan(2.5);
    const ext = runArray(k, 'sigmoidArray', EXTREMES);
    EXTREMES.forEach((x, i) => {
      const g = ext[i];
      const w = sigmoid(x);
      expect(g >= 0 && g <= 1, `sigmoid(${x}) = ${g}`).toBe(true);
      expect(Math.abs(g - w), `sigmoid(${x}) = ${g}`).toBeLessThan(Math.max(2.5 * ulp(w), 1e-38));
    });
    expect(ext[EXTREMES.indexOf(0)]).toBe(0.5);
    expect(ext[EXTREMES.indexOf(100)]).toBe(1);
    expect(ext[EXTREMES.indexOf(-100)]).toBeLessThan(1e-38);
  });

  it('tanh: within 1.5 ulp everywhere (relative accuracy near 0), exactly +-1 and +-0 at the ends', () => {
    const k = kernels();
    const got = runArray(k, 'tanhArray', xs);
    // Measured: 1.26 ulp (just above |x| = 0.625, the switch to 1 - 2 / (e^2x + 1)).
    expect(maxUlps(got, Math.tanh)).toBeLessThan(1.5);
    const ext = runArray(k, 'tanhArray', EXTREMES);
    EXTREMES.forEach((x, i) => {
      const w = Math.tanh(x);
      expect(Math.abs(ext[i] - w), `tanh(${x}) = ${ext[i]}`).toBeLessThanOrEqual(1.5 * ulp(w));
    });
    expect(Array.from(runArray(k, 'tanhArray', [20, 50, 100, 1e30, Infinity]))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(runArray(k, 'tanhArray', [-20, -50, -100, -1e30, -Infinity]))).toEqual([-1, -1, -1, -1, -1]);
    const [pz, nz] = runArray(k, 'tanhArray', [0, -0]);
    expect(Object.is(pz, 0) && Object.is(nz, -0)).toBe(true);
    expect(ext[EXTREMES.indexOf(1e-8)]).toBe(Math.fround(1e-8));
  });

  it('NaN in gives NaN out; remainder lanes (n mod 4) and unaligned views are handled', () => {
    const k = kernels();
    for (const f of ['expArray', 'sigmoidArray', 'tanhArray'] as const) {
      expect(Number.isNaN(runArray(k, f, [NaN])[0]), f).toBe(true);
      const vals = [0.3, -2, 5, -0.1, 1.5, 40, -7];
      const whole = runArray(k, f, vals);
      for (let n = 1; n <= vals.length; n++) {
        // n floats starting 4 bytes into an allocation, followed by a sentinel that must survive.
        const x = k.arena.alloc(n + 2).subarray(1);
        x.set(vals.slice(0, n));
        x[n] = 12345.5;
        const out = k.arena.alloc(n + 2).subarray(1);
        out[n] = 12345.5;
        k[f](out, x, n);
        expect(Array.from(out.subarray(0, n)), `${f} n=${n}`).toEqual(Array.from(whole.subarray(0, n)));
        expect(out[n]).toBe(12345.5);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The recurrences

interface Shape {
  T: number;
  B: number;
  H: number;
  D: number;
}

// T = 1 and B = 1 (sampling, scoring), H not a multiple of 4 (remainder lanes), H = 1, and the
// training size (H = 128, B = 50) over a few steps.
const CELL_SHAPES: Shape[] = [
  { T: 1, B: 1, H: 5, D: 7 },
  { T: 1, B: 1, H: 128, D: 65 },
  { T: 9, B: 1, H: 13, D: 6 },
  { T: 4, B: 3, H: 1, D: 3 },
  { T: 3, B: 2, H: 8, D: 5 },
  { T: 5, B: 3, H: 13, D: 13 },
  { T: 7, B: 50, H: 128, D: 128 },
  // B = 25: one row left over by the 4-row tiles of the backward's product; H = 36: four
  // 8-column strips of the packed W_hh and four columns read in place.
  { T: 3, B: 25, H: 36, D: 20 },
];

/** Everything one run of a cell needs, in one engine's tensors. */
interface Setup {
  engine: CpuEngine;
  w: LayerWeights;
  input: LayerInput;
  h0: Tensor;
  c0: Tensor;
  dh: Tensor;
  cache: LayerCache;
  dw: LayerWeights;
  dx: Tensor | null;
  dh0: Tensor;
  dc0: Tensor;
}

/** The same random problem (seeded) in tensors of `engine`. Non-zero biases, h0 and c0. */
function makeSetup(name: 'rnn' | 'lstm' | 'gru', s: Shape, dense: boolean, engine: CpuEngine): Setup {
  const cell = CELL_KERNELS[name];
  const G = cell.gates;
  const { T, B, H, D } = s;
  const rng = new Rng(1000 * T + 100 * B + H + (dense ? 7 : 0));
  const rand = (n: number, scale: number) => {
    const t = engine.zeros(n);
    const x = engine.floatsOf(t);
    for (let i = 0; i < n; i++) x[i] = rng.uniform(-scale, scale);
    return t;
  };
  // Weights scaled so pre-activations are O(1): some gates saturate, most do not.
  const w: LayerWeights = {
    wIh: rand(G * H * D, dense ? 1.5 / Math.sqrt(D) : 1),
    wHh: rand(G * H * H, 1.5 / Math.sqrt(H)),
    bIh: rand(G * H, 0.5),
    bHh: rand(G * H, 0.5),
  };
  const input: LayerInput = dense
    ? { x: rand(T * B * D, 1) }
    : { ids: Int32Array.from({ length: T * B }, () => Math.floor(rng.uniform(0, D))) };
  const grad = (n: number) => engine.zeros(n);
  return {
    engine,
    w,
    input,
    h0: rand(B * H, 0.8),
    c0: rand(B * H, 0.8),
    dh: rand(T * B * H, 1),
    cache: cell.createCache(engine, T * B, B, H),
    dw: { wIh: grad(G * H * D), wHh: grad(G * H * H), bIh: grad(G * H), bHh: grad(G * H) },
    dx: dense ? grad(T * B * D) : null,
    dh0: rand(B * H, 1), // overwritten by backward: garbage here must not leak through
    dc0: rand(B * H, 1),
  };
}

function passOf(s: Shape, st: Setup): LayerPass {
  return { cache: st.cache, input: st.input, w: st.w, h0: st.h0, c0: st.c0, dims: s };
}

function gradsOf(st: Setup): LayerGrads {
  return { dw: st.dw, dx: st.dx, dh: st.dh, dh0: st.dh0, dc0: st.dc0 };
}

function runCell(name: 'rnn' | 'lstm' | 'gru', s: Shape, st: Setup): void {
  const cell = CELL_KERNELS[name];
  const pass = passOf(s, st);
  cell.forward(st.engine, pass);
  cell.backward(st.engine, pass, gradsOf(st));
}

/** A tensor's values, in place. */
const f = (st: Setup, t: Tensor) => st.engine.floatsOf(t);

/**
 * max |got - want| / max(1, max |want|): the error against the tensor's scale, absolute for
 * activations (|.| <= 1) and relative to the largest entry for sums over many rows (weight
 * gradients reach ~25 at H = 128, B = 50, T = 7, where the float32 reference itself is ~1e-5
 * off float64 in absolute terms).
 */
function scaledError(got: ArrayLike<number>, want: ArrayLike<number>, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= worst)) worst = e; // NaN becomes the worst
  }
  return worst / Math.max(1, maxAbs(want, n));
}

function maxAbs(x: ArrayLike<number>, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

const CELL_TOL = 1e-5;
const WASM_CELL_KERNELS = ['lstmForward', 'lstmBackward', 'gruForward', 'gruBackward', 'rnnForward', 'rnnBackward'] as const;

describe('wasm recurrences agree with the JS reference time loops', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Outputs of a run worth comparing, each with the number of floats that are defined. */
  function outputs(name: string, s: Shape, st: Setup): [string, ArrayLike<number>, number][] {
    const { T, B, H } = s;
    const G = CELL_KERNELS[name as 'rnn'].gates;
    const rows = T * B;
    const v = (t: Tensor) => f(st, t);
    const list: [string, ArrayLike<number>, number][] = [
      ['h', v(st.cache.h), rows * H],
      ['gates', v(st.cache.gates), rows * G * H],
      ['dGates', v(st.cache.dGates), rows * G * H],
      ['dW_ih', v(st.dw.wIh), v(st.dw.wIh).length],
      ['dW_hh', v(st.dw.wHh), v(st.dw.wHh).length],
      ['db_ih', v(st.dw.bIh), v(st.dw.bIh).length],
      ['db_hh', v(st.dw.bHh), v(st.dw.bHh).length],
      ['dh0', v(st.dh0), B * H],
      ['dc0', v(st.dc0), B * H],
    ];
    if (st.dx) list.push(['dx', v(st.dx), v(st.dx).length]);
    if (name === 'lstm') list.push(['c', v(st.cache.c), rows * H]);
    if (name !== 'rnn') list.push(['aux', v(st.cache.aux), rows * H]);
    if (name === 'gru') list.push(['dGatesH', v(st.cache.dGatesH), rows * G * H]);
    return list;
  }

  for (const name of ['rnn', 'lstm', 'gru'] as const) {
    for (const s of CELL_SHAPES) {
      for (const dense of s.T === 5 ? [true, false] : [true]) {
        it(`${name} T=${s.T} B=${s.B} H=${s.H}${dense ? '' : ' (ids input)'}: forward and backward`, () => {
          const k = kernels();
          const wasm = wasmEngine();
          const mark = k.arena.mark();
          const spies = WASM_CELL_KERNELS.map((fn) => vi.spyOn(k, fn));
          const calls = () => spies.map((sp) => sp.mock.calls.length);

          const ref = makeSetup(name, s, dense, JS32);
          expect(k.arena.owns(f(ref, ref.h0))).toBe(false);
          runCell(name, s, ref);
          expect(calls().every((c) => c === 0)).toBe(true);

          const got = makeSetup(name, s, dense, wasm);
          expect(k.arena.owns(f(got, got.h0)) && k.arena.owns(f(got, got.cache.gates))).toBe(true);
          runCell(name, s, got);
          // Exactly this cell's forward and backward ran in wasm, once each.
          expect(calls()).toEqual(WASM_CELL_KERNELS.map((fn) => (fn === `${name}Forward` || fn === `${name}Backward` ? 1 : 0)));

          const want = outputs(name, s, ref);
          const errors: Record<string, number> = {};
          outputs(name, s, got).forEach(([label, a, n], i) => {
            const b = want[i][1];
            errors[label] = scaledError(a, b, n);
            // Not vacuous: the reference produced something (dc0 is zero for rnn and gru).
            if (!(label === 'dc0' && name !== 'lstm')) expect(maxAbs(b, n), `${label} is all zero`).toBeGreaterThan(1e-3);
          });
          for (const [label, e] of Object.entries(errors)) expect(e, `${label}: ${JSON.stringify(errors)}`).toBeLessThan(CELL_TOL);
          k.arena.release(mark);
        });
      }
    }
  }

  it('a chunk run with the carried state equals the whole run (state handed over through h0, c0)', () => {
    const k = kernels();
    const engine = wasmEngine();
    const mark = k.arena.mark();
    const v = (t: Tensor) => engine.floatsOf(t);
    for (const name of ['rnn', 'lstm', 'gru'] as const) {
      const cell = CELL_KERNELS[name];
      const s: Shape = { T: 6, B: 3, H: 13, D: 5 };
      const whole = makeSetup(name, s, true, engine);
      cell.forward(engine, passOf(s, whole));
      // The same input in two chunks of 3 steps.
      const half: Shape = { ...s, T: 3 };
      const rowsHalf = 3 * s.B;
      const cache = cell.createCache(engine, rowsHalf, s.B, s.H);
      const h0 = engine.zeros(s.B * s.H),
        c0 = engine.zeros(s.B * s.H);
      v(h0).set(v(whole.h0));
      v(c0).set(v(whole.c0));
      const x = v(whole.input.x!);
      for (let chunk = 0; chunk < 2; chunk++) {
        const xc = engine.zeros(rowsHalf * s.D);
        v(xc).set(x.subarray(chunk * rowsHalf * s.D, (chunk + 1) * rowsHalf * s.D));
        cell.forward(engine, { cache, input: { x: xc }, w: whole.w, h0, c0, dims: half });
        const part = v(whole.cache.h).subarray(chunk * rowsHalf * s.H, (chunk + 1) * rowsHalf * s.H);
        expect(Array.from(v(cache.h).subarray(0, rowsHalf * s.H)), name).toEqual(Array.from(part));
        const last = (rowsHalf - s.B) * s.H;
        v(h0).set(v(cache.h).subarray(last, last + s.B * s.H));
        if (cell.hasCellState) v(c0).set(v(cache.c).subarray(last, last + s.B * s.H));
      }
    }
    k.arena.release(mark);
  });

  // There is no fallback any more (the wasm engine used to run the JS loop when a buffer was not
  // in its arena): a model lives wholly in one engine. What replaces it: the wasm engine refuses
  // such a buffer before touching memory, and the js engine gives the reference on any buffers.
  it('the wasm engine refuses a buffer not in its arena (nothing written); the js engine runs the reference on any buffers', () => {
    const k = kernels();
    const wasm = wasmEngine();
    const mark = k.arena.mark();
    const spies = WASM_CELL_KERNELS.map((fn) => vi.spyOn(k, fn));
    const ordinary = (st: Setup, t: Tensor) => Float32Array.from(f(st, t)) as unknown as Tensor;
    for (const name of ['rnn', 'lstm', 'gru'] as const) {
      const cell = CELL_KERNELS[name];
      const s: Shape = { T: 3, B: 2, H: 6, D: 4 };
      const ref = makeSetup(name, s, true, JS32);
      runCell(name, s, ref);

      // Forward with an ordinary h0: refused, the cache's outputs untouched (still zero).
      const mixed = makeSetup(name, s, true, wasm);
      const arenaH0 = mixed.h0;
      mixed.h0 = ordinary(mixed, mixed.h0);
      expect(() => cell.forward(wasm, passOf(s, mixed)), name).toThrow(RangeError);
      expect(
        f(mixed, mixed.cache.h).every((x) => x === 0),
        name,
      ).toBe(true);
      // Backward with an ordinary dh (after a forward that went through): refused, the weight
      // gradients untouched (zero) and dh0's garbage not overwritten.
      mixed.h0 = arenaH0;
      cell.forward(wasm, passOf(s, mixed));
      expect(scaledError(f(mixed, mixed.cache.h), f(ref, ref.cache.h), 3 * 2 * 6)).toBeLessThan(CELL_TOL);
      const dh0Before = Array.from(f(mixed, mixed.dh0));
      mixed.dh = ordinary(mixed, mixed.dh);
      expect(() => cell.backward(wasm, passOf(s, mixed), gradsOf(mixed)), name).toThrow(RangeError);
      expect(Array.from(f(mixed, mixed.dh0)), name).toEqual(dh0Before);
      for (const g of [mixed.dw.wIh, mixed.dw.wHh, mixed.dw.bIh, mixed.dw.bHh])
        expect(
          f(mixed, g).every((x) => x === 0),
          name,
        ).toBe(true);

      // The js engine on the same problem with arena and ordinary buffers mixed (arena arrays
      // everywhere, an ordinary h0 and dh): the reference, bit for bit, without the wasm kernels.
      const onJs = makeSetup(name, s, true, wasm);
      const jsView: Setup = { ...onJs, engine: JS32, h0: ordinary(onJs, onJs.h0), dh: ordinary(onJs, onJs.dh) };
      const before = spies.map((sp) => sp.mock.calls.length);
      runCell(name, s, jsView);
      expect(spies.map((sp) => sp.mock.calls.length)).toEqual(before);
      for (const [a, b] of [
        [jsView.cache.h, ref.cache.h],
        [jsView.dh0, ref.dh0],
        [jsView.dc0, ref.dc0],
        [jsView.dw.wHh, ref.dw.wHh],
        [jsView.dw.wIh, ref.dw.wIh],
        [jsView.dx!, ref.dx!],
      ] as const) {
        expect(Array.from(f(jsView, a)), name).toEqual(Array.from(f(ref, b)));
      }
    }
    k.arena.release(mark);
  });
});

describe('wasm recurrence wrappers refuse what would touch memory outside the arrays', () => {
  it('reject arrays outside the arena, arrays too short, and bad dimensions', () => {
    const k = kernels();
    const mark = k.arena.mark();
    const [T, B, H] = [2, 3, 5];
    const a = (n: number) => k.arena.alloc(n);
    const rows = T * B;
    // lstmForward(gates, h, c, aux, h0, c0, wHh, T, B, H)
    const lstm = () => [a(rows * 4 * H), a(rows * H), a(rows * H), a(rows * H), a(B * H), a(B * H), a(4 * H * H)];
    const ok = lstm();
    expect(() => k.lstmForward(ok[0], ok[1], ok[2], ok[3], ok[4], ok[5], ok[6], T, B, H)).not.toThrow();
    for (let i = 0; i < ok.length; i++) {
      const bad = lstm();
      bad[i] = bad[i].subarray(1); // one float short
      expect(() => k.lstmForward(bad[0], bad[1], bad[2], bad[3], bad[4], bad[5], bad[6], T, B, H), `argument ${i}`).toThrow(RangeError);
      bad[i] = new Float32Array(bad[i].length + 1); // long enough, not in the arena
      expect(() => k.lstmForward(bad[0], bad[1], bad[2], bad[3], bad[4], bad[5], bad[6], T, B, H), `argument ${i}`).toThrow(RangeError);
    }
    expect(() => k.lstmForward(ok[0], ok[1], ok[2], ok[3], ok[4], ok[5], ok[6], T + 1, B, H)).toThrow(RangeError);
    expect(() => k.lstmForward(ok[0], ok[1], ok[2], ok[3], ok[4], ok[5], ok[6], T, B, 1.5)).toThrow(RangeError);
    // One short buffer per other kernel.
    const g3 = a(rows * 3 * H),
      hs = a(rows * H),
      bh = a(B * H),
      w3 = a(3 * H * H),
      b3 = a(3 * H);
    expect(() => k.gruForward(g3, hs, hs, a(B * 3 * H - 1), bh, w3, b3, T, B, H)).toThrow(RangeError);
    expect(() => k.gruForward(g3, hs, hs, a(B * 3 * H), bh, w3, b3.subarray(1), T, B, H)).toThrow(RangeError);
    expect(() => k.gruBackward(g3, g3, bh, bh, hs, g3, hs, hs, bh, w3.subarray(1), a(3 * H * H), T, B, H)).toThrow(RangeError);
    expect(() =>
      k.lstmBackward(a(rows * 4 * H), bh, bh, bh, bh.subarray(1), hs, a(rows * 4 * H), hs, hs, bh, a(4 * H * H), a(4 * H * H), T, B, H),
    ).toThrow(RangeError);
    expect(() => k.rnnForward(hs, hs, bh, a(H * H - 1), T, B, H)).toThrow(RangeError);
    expect(() => k.rnnBackward(hs, bh, bh, hs.subarray(1), hs, a(H * H), a(H * H), T, B, H)).toThrow(RangeError);
    expect(() => k.tanhArray(hs, hs, hs.length + 1)).toThrow(RangeError);
    expect(() => k.expArray(hs, new Float32Array(hs.length), hs.length)).toThrow(RangeError);
    k.arena.release(mark);
  });
});
