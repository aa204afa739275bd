/**
 * Kernel dispatch: the matrix kernels the engine calls (instead of ./matmul.js directly), with
 * the same signatures. Each call goes to the WebAssembly SIMD kernels when the engine is 'wasm'
 * and every array is a Float32Array in the wasm arena (allocate them with allocFloats), and to
 * the plain JS reference otherwise (Float64Array in gradient checks, ordinary arrays, or the
 * 'js' engine), so results never depend on where an array came from, only their speed does.
 *
 *   matmulNT:    C (M x N) += A (M x K) . W (N x K)^T
 *   matmulNN:    C (M x N) += A (M x K) . W (K x N)
 *   matmulTN:    C (M x N) += A (K x M)^T . X (K x N)
 *   addBiasRows: C (M x N) += bias (N) on every row
 *   sumRows:     dBias (N) += column sums of dC (M x N)
 *
 * The recurrent cells' time loops go the same way, but a whole loop per call: {lstm,gru,rnn}
 * {Forward,Backward}InWasm run one layer's recurrence in the wasm kernels (asm/cells.ts) and
 * return true when the engine is 'wasm' and every buffer is in the arena; otherwise they do
 * nothing and return false, and the cell runs its JS reference loop (src/nn/{lstm,gru,rnn}.ts).
 * Arguments are the kernels' (src/tensor/wasm/kernels.ts): T steps, B streams, H hidden.
 */
import { CharnnError } from '../errors.js';
import * as ref from './matmul.js';
import * as refGather from './gather.js';
import * as refSoftmax from './softmax.js';
import * as refAdam from './adam.js';
import type { Floats } from './types.js';
import { getWasmKernels, wasmLoadError, type WasmKernels } from './wasm/kernels.js';

export type Engine = 'js' | 'wasm';

/** The kernels in use: null for the 'js' engine; undefined until first needed, so importing
 *  this module loads nothing. */
let active: WasmKernels | null | undefined;

function kernels(): WasmKernels | null {
  if (active === undefined) active = getWasmKernels(); // default: wasm when it loads
  return active;
}

/** Chooses the engine. 'wasm' throws when the WebAssembly kernels cannot be loaded. */
export function setEngine(e: Engine): void {
  if (e === 'js') {
    active = null;
    return;
  }
  const k = getWasmKernels();
  if (k === null) {
    throw new CharnnError(
      `the WebAssembly kernels are unavailable: ${wasmLoadError()?.message ?? 'unknown reason'}`,
      'run `npm run build:wasm`, or use the JavaScript engine',
    );
  }
  active = k;
}

export function getEngine(): Engine {
  return kernels() === null ? 'js' : 'wasm';
}

/** A zero-filled Float32Array the current engine can work on in place: in the wasm arena for
 *  'wasm', an ordinary array for 'js'. Arena memory is never freed (see WasmArena.release). */
export function allocFloats(n: number): Float32Array {
  const k = kernels();
  return k === null ? new Float32Array(n) : k.arena.alloc(n);
}

/** True when x can be handed to the wasm kernels k (a Float32Array in k's arena). */
function inArena(k: WasmKernels, x: Floats): x is Float32Array {
  return x instanceof Float32Array && k.arena.owns(x);
}

export function matmulNT(C: Floats, A: Floats, W: Floats, M: number, N: number, K: number): void {
  const k = kernels();
  if (k !== null && inArena(k, C) && inArena(k, A) && inArena(k, W)) k.matmulNT(C, A, W, M, N, K);
  else ref.matmulNT(C, A, W, M, N, K);
}

export function matmulNN(C: Floats, A: Floats, W: Floats, M: number, N: number, K: number): void {
  const k = kernels();
  if (k !== null && inArena(k, C) && inArena(k, A) && inArena(k, W)) k.matmulNN(C, A, W, M, N, K);
  else ref.matmulNN(C, A, W, M, N, K);
}

export function matmulTN(C: Floats, A: Floats, X: Floats, M: number, N: number, K: number): void {
  const k = kernels();
  if (k !== null && inArena(k, C) && inArena(k, A) && inArena(k, X)) k.matmulTN(C, A, X, M, N, K);
  else ref.matmulTN(C, A, X, M, N, K);
}

export function addBiasRows(C: Floats, bias: Floats, M: number, N: number): void {
  const k = kernels();
  if (k !== null && inArena(k, C) && inArena(k, bias)) k.addBiasRows(C, bias, M, N);
  else ref.addBiasRows(C, bias, M, N);
}

export function sumRows(dBias: Floats, dC: Floats, M: number, N: number): void {
  const k = kernels();
  if (k !== null && inArena(k, dBias) && inArena(k, dC)) k.sumRows(dBias, dC, M, N);
  else ref.sumRows(dBias, dC, M, N);
}

/** True when every array is one the wasm kernels k can take. */
function allInArena(k: WasmKernels, xs: Floats[]): xs is Float32Array[] {
  for (const x of xs) if (!inArena(k, x)) return false;
  return true;
}

export function lstmForwardInWasm(gates: Floats, h: Floats, c: Floats, aux: Floats, h0: Floats, c0: Floats, wHh: Floats,
  T: number, B: number, H: number): boolean {
  const k = kernels();
  const xs = [gates, h, c, aux, h0, c0, wHh];
  if (k === null || !allInArena(k, xs)) return false;
  k.lstmForward(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6], T, B, H);
  return true;
}

export function lstmBackwardInWasm(dGates: Floats, dh0: Floats, dc0: Floats, dhCarry: Floats, dcCarry: Floats,
  dh: Floats, gates: Floats, c: Floats, aux: Floats, c0: Floats, wHh: Floats, wPack: Floats, T: number, B: number, H: number): boolean {
  const k = kernels();
  const xs = [dGates, dh0, dc0, dhCarry, dcCarry, dh, gates, c, aux, c0, wHh, wPack];
  if (k === null || !allInArena(k, xs)) return false;
  k.lstmBackward(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6], xs[7], xs[8], xs[9], xs[10], xs[11], T, B, H);
  return true;
}

export function gruForwardInWasm(gates: Floats, h: Floats, aux: Floats, hh: Floats, h0: Floats, wHh: Floats, bHh: Floats,
  T: number, B: number, H: number): boolean {
  const k = kernels();
  const xs = [gates, h, aux, hh, h0, wHh, bHh];
  if (k === null || !allInArena(k, xs)) return false;
  k.gruForward(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6], T, B, H);
  return true;
}

export function gruBackwardInWasm(dGates: Floats, dGatesH: Floats, dh0: Floats, dhCarry: Floats,
  dh: Floats, gates: Floats, h: Floats, aux: Floats, h0: Floats, wHh: Floats, wPack: Floats, T: number, B: number, H: number): boolean {
  const k = kernels();
  const xs = [dGates, dGatesH, dh0, dhCarry, dh, gates, h, aux, h0, wHh, wPack];
  if (k === null || !allInArena(k, xs)) return false;
  k.gruBackward(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6], xs[7], xs[8], xs[9], xs[10], T, B, H);
  return true;
}

export function rnnForwardInWasm(gates: Floats, h: Floats, h0: Floats, wHh: Floats, T: number, B: number, H: number): boolean {
  const k = kernels();
  const xs = [gates, h, h0, wHh];
  if (k === null || !allInArena(k, xs)) return false;
  k.rnnForward(xs[0], xs[1], xs[2], xs[3], T, B, H);
  return true;
}

export function rnnBackwardInWasm(dGates: Floats, dh0: Floats, dhCarry: Floats, dh: Floats, h: Floats, wHh: Floats,
  wPack: Floats, T: number, B: number, H: number): boolean {
  const k = kernels();
  const xs = [dGates, dh0, dhCarry, dh, h, wHh, wPack];
  if (k === null || !allInArena(k, xs)) return false;
  k.rnnBackward(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6], T, B, H);
  return true;
}

/** True when the current engine can use x in place: always for the 'js' engine and for
 *  float64 buffers (they take the JS path); for wasm, a float32 buffer must be in the arena. */
export function inEngineMemory(x: Floats): boolean {
  const k = kernels();
  return k === null || !(x instanceof Float32Array) || inArena(k, x);
}

/** out (R x GH) += W[:, ids[r]] for each row r (the one-hot input of layer 0; see gather.ts). */
export function gatherColumns(out: Floats, W: Floats, ids: Int32Array, R: number, GH: number, V: number): void {
  const k = kernels();
  if (k !== null && inArena(k, out) && inArena(k, W)) k.gatherColumns(out, W, ids, R, GH, V);
  else refGather.gatherColumns(out, W, ids, R, GH, V);
}

/** dW[:, ids[r]] += dOut (R x GH)[r] for each row r. */
export function scatterColumns(dW: Floats, dOut: Floats, ids: Int32Array, R: number, GH: number, V: number): void {
  const k = kernels();
  if (k !== null && inArena(k, dW) && inArena(k, dOut)) k.scatterColumns(dW, dOut, ids, R, GH, V);
  else refGather.scatterColumns(dW, dOut, ids, R, GH, V);
}

/** Summed softmax cross-entropy in nats; with dLogits, scale * its gradient (see softmax.ts). */
export function softmaxCrossEntropy(logits: Floats, targets: Int32Array, N: number, V: number, dLogits: Floats | null, scale: number): number {
  const k = kernels();
  if (k !== null && inArena(k, logits) && (dLogits === null || inArena(k, dLogits))) {
    return k.softmaxCrossEntropy(logits, targets, N, V, dLogits, scale);
  }
  return refSoftmax.softmaxCrossEntropy(logits, targets, N, V, dLogits, scale);
}

/** Adam's update of p, m, v from g (see adam.ts); bit-identical on either path. */
export function adamUpdate(p: Floats, g: Floats, m: Floats, v: Floats, stepSize: number, sqrtC2: number): void {
  const k = kernels();
  if (k !== null && inArena(k, p) && inArena(k, g) && inArena(k, m) && inArena(k, v)) k.adamUpdate(p, g, m, v, stepSize, sqrtC2);
  else refAdam.adamUpdate(p, g, m, v, stepSize, sqrtC2);
}

/** dst[0..n) += src[0..n) (see adam.ts); bit-identical on either path. */
export function addInto(dst: Floats, src: Floats, n: number): void {
  const k = kernels();
  if (k !== null && inArena(k, dst) && inArena(k, src)) k.addArrays(dst, src, n);
  else refAdam.addInto(dst, src, n);
}

/** The sum of x[i]^2 in index order, in f64 (see adam.ts); bit-identical on either path. */
export function sumSquares(x: Floats): number {
  const k = kernels();
  return k !== null && inArena(k, x) ? k.sumSquares(x) : refAdam.sumSquares(x);
}

/** x[i] *= scale (see adam.ts); bit-identical on either path. */
export function scaleInPlace(x: Floats, scale: number): void {
  const k = kernels();
  if (k !== null && inArena(k, x)) k.scaleArray(x, scale);
  else refAdam.scaleInPlace(x, scale);
}
