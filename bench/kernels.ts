/**
 * Throughput of the matrix kernels, JS reference (src/engine/js/matmul.ts on ordinary
 * Float32Arrays) vs WebAssembly SIMD (src/engine/wasm/kernels.ts on arena arrays), at the shapes
 * training uses (B = 50 streams, T = 50 steps, H = 128, 4 gates, V = 65). Single-threaded.
 *
 *     npx tsx bench/kernels.ts [FILTER] [--wasm-only]
 *
 * FILTER: only the rows whose shape names contain it (e.g. 2x512); --wasm-only skips the slow
 * JS reference (its columns show '-').
 *
 * Legend: C (M x N) += op(A) . op(W) with K summed, so a product is 2*M*N*K flops; the bias
 * kernels count M*N adds. Each figure is the median of several timed runs after a warm-up.
 *
 * A second table times one recurrent layer's forward + backward through the Cell API (input
 * projection, time loop, weight gradients): the 'js' engine (the reference time loops) against
 * 'wasm' (the whole time loop in one WebAssembly call, asm/cells.ts). T steps, B streams,
 * H hidden, D input width.
 */
import * as ref from '../src/engine/js/matmul.js';
import { engineNamed } from '../src/engine/default-engine.js';
import type { EngineName } from '../src/engine/engine.js';
import { layerRun } from './lib/layer.js';
import type { CellName } from '../src/nn/cell.js';
import { defaultKernels, kernelsLoadError, type WasmKernels } from '../src/engine/wasm/kernels.js';
import { nodePlatform } from '../src/platform/node/node-platform.js';
import { installPlatform } from '../src/platform/platform.js';
import { Rng } from '../src/util/rng.js';
import '../src/engine/js/provide-js-engine.js';

installPlatform(nodePlatform); // the kernels module comes from the platform

type Kernel = 'matmulNT' | 'matmulNN' | 'matmulTN' | 'addBiasRows' | 'sumRows';

interface Case {
  kernel: Kernel;
  M: number;
  N: number;
  K: number; // unused (0) by the bias kernels
  what: string;
}

const CASES: Case[] = [
  { kernel: 'matmulNT', M: 1, N: 512, K: 128, what: 'LSTM gates, sampling step' },
  { kernel: 'matmulNT', M: 50, N: 512, K: 128, what: 'LSTM gates, one step' },
  { kernel: 'matmulNT', M: 2500, N: 512, K: 128, what: 'LSTM input projection, all steps' },
  { kernel: 'matmulNT', M: 2500, N: 65, K: 128, what: 'decoder logits' },
  { kernel: 'matmulNN', M: 50, N: 128, K: 512, what: 'dh from gate grads, one step' },
  { kernel: 'matmulNN', M: 2500, N: 128, K: 65, what: 'dh from logit grads' },
  { kernel: 'matmulTN', M: 512, N: 128, K: 2500, what: 'dW, LSTM' },
  { kernel: 'matmulTN', M: 65, N: 128, K: 2500, what: 'dW, decoder' },
  { kernel: 'addBiasRows', M: 2500, N: 512, K: 0, what: 'gate bias' },
  { kernel: 'sumRows', M: 2500, N: 512, K: 0, what: 'gate bias grad' },
  // The 2 x 512 LSTM, per worker thread (B = 25 of the 50 streams, T = 50, so T*B = 1250 rows).
  { kernel: 'matmulNT', M: 25, N: 2048, K: 512, what: '2x512: gates, one step' },
  { kernel: 'matmulNT', M: 1250, N: 2048, K: 512, what: '2x512: input projection, layer 2' },
  { kernel: 'matmulNT', M: 1250, N: 65, K: 512, what: '2x512: decoder logits' },
  { kernel: 'matmulNN', M: 25, N: 512, K: 2048, what: '2x512: dh from gate grads, one step' },
  { kernel: 'matmulNN', M: 1250, N: 512, K: 2048, what: '2x512: dx, layer 2' },
  { kernel: 'matmulNN', M: 1250, N: 512, K: 65, what: '2x512: dh from logit grads' },
  { kernel: 'matmulTN', M: 2048, N: 512, K: 1250, what: '2x512: dW_ih, dW_hh' },
  { kernel: 'matmulTN', M: 65, N: 512, K: 1250, what: '2x512: dW, decoder' },
];

/** Only the cases whose description contains this (all when not given). */
const ARGS = process.argv.slice(2);
const FILTER = ARGS.find((a) => !a.startsWith('--')) ?? '';
const WASM_ONLY = ARGS.includes('--wasm-only');

const RUNS = 7;
const MIN_RUN_MS = 40;

const rng = new Rng(1);
function fill(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-0.01, 0.01);
  return x;
}

/** Operand sizes of a case: [C, first input, second input]. */
function sizes({ kernel, M, N, K }: Case): [number, number, number] {
  if (kernel === 'addBiasRows') return [M * N, N, 0];
  if (kernel === 'sumRows') return [N, M * N, 0];
  return [M * N, M * K, N * K];
}

function flops({ kernel, M, N, K }: Case): number {
  return kernel === 'addBiasRows' || kernel === 'sumRows' ? M * N : 2 * M * N * K;
}

type Impl = (c: Case, x: Float32Array, y: Float32Array, z: Float32Array) => void;

const jsImpl: Impl = ({ kernel, M, N, K }, x, y, z) => {
  if (kernel === 'addBiasRows' || kernel === 'sumRows') ref[kernel](x, y, M, N);
  else ref[kernel](x, y, z, M, N, K);
};

function wasmImpl(k: WasmKernels): Impl {
  return ({ kernel, M, N, K }, x, y, z) => {
    if (kernel === 'addBiasRows' || kernel === 'sumRows') k[kernel](x, y, M, N);
    else k[kernel](x, y, z, M, N, K);
  };
}

/** Median GFLOP/s over RUNS timed runs, each repeating the call for at least MIN_RUN_MS. */
function measure(c: Case, impl: Impl, alloc: (n: number) => Float32Array): number {
  const [sx, sy, sz] = sizes(c);
  const x = fill(alloc(sx)),
    y = fill(alloc(sy)),
    z = fill(alloc(sz));
  // Warm-up (JIT tier-up), and calibrate how many calls make a run.
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) impl(c, x, y, z);
    if (performance.now() - t0 >= MIN_RUN_MS) break;
    reps *= 2;
  }
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) impl(c, x, y, z);
    const seconds = (performance.now() - t0) / 1000;
    rates.push((flops(c) * reps) / seconds / 1e9);
  }
  rates.sort((a, b) => a - b);
  return rates[RUNS >> 1];
}

/** x to `digits` decimals (and a unit), or '-' when not measured. */
function fmt(x: number, digits: number, unit = ''): string {
  return Number.isNaN(x) ? '-' : x.toFixed(digits) + unit;
}

// The wasm engine's own kernels (engineNamed('wasm') runs on these), so the layer table below
// allocates from the same arena.
const k = defaultKernels();
if (k === null) {
  console.error(`wasm kernels unavailable: ${kernelsLoadError()?.message} (run npm run build:wasm)`);
  process.exit(1);
}

// Each case starts from the same arena position (the kernels' own scratch, reserved when they
// were loaded, lies below it).
const start = k.arena.mark();
const rows: string[][] = [['kernel', 'M', 'N', 'K', 'shape', 'JS GFLOP/s', 'wasm GFLOP/s', 'speed-up']];
for (const c of CASES.filter((c) => c.what.includes(FILTER))) {
  const js = WASM_ONLY ? NaN : measure(c, jsImpl, (n) => new Float32Array(n));
  const wa = measure(c, wasmImpl(k), (n) => k.arena.alloc(n));
  rows.push([c.kernel, String(c.M), String(c.N), c.K ? String(c.K) : '-', c.what, fmt(js, 2), wa.toFixed(2), fmt(wa / js, 1, 'x')]);
  k.arena.release(start);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((s, i) => (i >= 5 || (i >= 1 && i <= 3) ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join('  '));

// ---------------------------------------------------------------------------------------------
// Recurrent layers.

interface LayerCase {
  cell: CellName;
  T: number;
  B: number;
  H: number;
  D: number;
  what: string;
}

const LAYER_CASES: LayerCase[] = (['lstm', 'gru', 'rnn'] as const)
  .flatMap((cell) => [
    { cell, T: 50, B: 50, H: 128, D: 128, what: 'training chunk, layer 2' },
    { cell, T: 1, B: 1, H: 128, D: 128, what: 'sampling step' },
  ])
  .concat([{ cell: 'lstm', T: 50, B: 25, H: 512, D: 512, what: '2x512: training chunk, layer 2, one thread' }]);

/** Median milliseconds per forward + backward of one layer on engine e. */
function measureLayer(c: LayerCase, e: EngineName): number {
  const layer = layerRun(engineNamed(e), c.cell, c.T, c.B, c.H, c.D, fill);
  const once = () => {
    layer.forward();
    layer.backward();
  };
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) once();
    if (performance.now() - t0 >= MIN_RUN_MS) break;
    reps *= 2;
  }
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) once();
    times.push((performance.now() - t0) / reps);
  }
  times.sort((a, b) => a - b);
  return times[RUNS >> 1];
}

console.log();
const layerRows: string[][] = [['cell', 'T', 'B', 'H', 'D', 'shape', 'JS ms', 'wasm ms', 'speed-up']];
for (const c of LAYER_CASES.filter((c) => c.what.includes(FILTER))) {
  const js = WASM_ONLY ? NaN : measureLayer(c, 'js');
  const wa = measureLayer(c, 'wasm');
  layerRows.push([c.cell, String(c.T), String(c.B), String(c.H), String(c.D), c.what, fmt(js, 3), wa.toFixed(3), fmt(js / wa, 1, 'x')]);
  k.arena.release(start);
}
const layerWidths = layerRows[0].map((_, i) => Math.max(...layerRows.map((r) => r[i].length)));
for (const r of layerRows)
  console.log(r.map((s, i) => (i >= 6 || (i >= 1 && i <= 4) ? s.padStart(layerWidths[i]) : s.padEnd(layerWidths[i]))).join('  '));
