/**
 * The WebGPU engine: tensors are ranges of GPU buffers (gpu-tensor.ts) and every operation is a
 * WGSL kernel (wgsl/) recorded into a compute pass (recorder.ts); the host waits only where a
 * value must come back (read, the loss, the sum of squares). Runs wherever WebGPU does: Node
 * through the `webgpu` package (Dawn), and browsers.
 *
 * Numerics: float32 throughout, as the CPU engines' tensors; the kernels compute in f32 where
 * JavaScript computes in f64 (the optimizer steps, the loss), and the products add in tile
 * order, so results match the reference to float32 rounding, not bit for bit (the tests state
 * the tolerances). The dropout masks are the same bits: the same integer hash.
 */
import { CharnnError } from '../../errors.js';
import type { CellBackward, CellForward, DropoutMaskSpec, Engine, Tensor } from '../engine.js';
import type { Floats } from '../floats.js';
import * as loops from './cell-loops.js';
import { Dispatcher, view, type ProductForm } from './dispatcher.js';
import { GpuMemory } from './gpu-memory.js';
import { asTensor, gpuTensor as g, type GpuTensor } from './gpu-tensor.js';
import { Pipelines } from './pipelines.js';
import { Readback } from './readback.js';
import { asF32, Recorder } from './recorder.js';
import { SOFTMAX_CROSS_ENTROPY_ROWS, SQUARES_BY_CHUNK, SUM_IN_ORDER } from './wgsl/loss-kernels.js';
import { ADD_BIAS_ROWS, GATHER_COLUMNS, SCATTER_COLUMNS, SUM_ROWS } from './wgsl/product-kernels.js';
import { ADAM, ADD_INTO, APPLY_MASK, APPLY_MASK_ACCUMULATE, DROPOUT_MASK, RMSPROP, SCALE, SGD } from './wgsl/step-kernels.js';

/** Elements per partial sum of sumSquares: short enough to spread the work, long enough that
 *  the final in-order sum is small. */
const SQUARES_CHUNK = 1024;

/** What the engine has done since it was made: for tests (nothing allocated per training step)
 *  and benchmarks (how often the host waits). */
export interface GpuStats {
  /** GPU buffers made (tensors, scratch, staging), and their bytes. */
  buffers: number;
  bytes: number;
  /** Kernels recorded; batches of them submitted; reads back to the host (each a wait). */
  dispatches: number;
  submits: number;
  reads: number;
}

/** What the engine is told about the device it runs on. */
export interface GpuDeviceInfo {
  /** The implementation the device came from: held for the device's life, because Dawn's Node
   *  binding tears its instance down (and the device with it) when this is garbage-collected. */
  gpu: GPU;
  device: GPUDevice;
  /** The adapter's description (vendor, architecture), for messages and benchmarks. */
  description: string;
  /** True for a software adapter (SwiftShader): correct, but slower than the CPU engines. */
  fallback: boolean;
  /** How the products run (dispatcher.ts); default: direct on a software adapter, else tiled. */
  products?: ProductForm;
}

export class WebGpuEngine implements Engine {
  readonly name = 'webgpu' as const;
  readonly precision = 'float32' as const;
  readonly description: string;
  readonly fallback: boolean;
  readonly products: ProductForm;
  private readonly device: GPUDevice;
  readonly gpu: GPU;
  private readonly memory: GpuMemory;
  private readonly recorder: Recorder;
  private readonly d: Dispatcher;
  private readonly readback: Readback;
  private failure: string | null = null;
  /** Scratch of the reductions: per-row losses or partial sums, and the final sums. */
  private rows: GpuTensor;
  private readonly sums: GpuTensor;
  /** Bound where a kernel's optional output is absent (softmax cross-entropy without gradient). */
  private readonly nothing: GpuTensor;

  constructor(info: GpuDeviceInfo) {
    this.device = info.device;
    this.gpu = info.gpu;
    this.description = info.description;
    this.fallback = info.fallback;
    const { device } = this;
    this.memory = new GpuMemory(device, device.limits);
    this.recorder = new Recorder(device, new Pipelines(device), this.memory);
    this.d = new Dispatcher(this.recorder, this.memory, info.products ?? (info.fallback ? 'direct' : 'tiled'));
    this.products = this.d.productForm;
    this.readback = new Readback(device, this.recorder);
    this.rows = this.memory.zeros(1024);
    this.sums = this.memory.zeros(4);
    this.nothing = this.memory.zeros(4);
    device.onuncapturederror = (event) => {
      this.failure ??= event.error.message;
    };
    void device.lost.then((lost) => {
      this.failure ??= `the device was lost (${lost.reason}): ${lost.message}`;
    });
  }

  // ---- memory

  zeros(n: number): Tensor {
    return asTensor(this.memory.zeros(n));
  }

  size(t: Tensor): number {
    return g(t).length;
  }

  view(t: Tensor, offset: number, length: number): Tensor {
    return asTensor(view(g(t), offset, length));
  }

  write(dst: Tensor, src: ArrayLike<number>, dstOffset = 0): void {
    const t = view(g(dst), dstOffset, src.length);
    if (src.length === 0) return;
    // Host data lands in queue order: what was recorded before must be submitted first.
    this.recorder.flush();
    this.device.queue.writeBuffer(t.buf.gpu, t.offset * 4, plainFloats(src));
  }

  async read(src: Tensor, dst: Floats, srcOffset = 0, n = dst.length): Promise<void> {
    const t = view(g(src), srcOffset, n);
    this.check();
    await this.readback.read(t, dst, n);
    this.check();
  }

  copy(dst: Tensor, src: Tensor, n: number, dstOffset = 0, srcOffset = 0): void {
    this.d.copy(view(g(dst), dstOffset, n), view(g(src), srcOffset, n), n);
  }

  fill(t: Tensor, value: number, from = 0, to = g(t).length): void {
    this.d.fill(g(t), value, from, to);
  }

  // ---- products

  matmulNT(C: Tensor, A: Tensor, W: Tensor, M: number, N: number, K: number): void {
    fits('matmulNT', [C, M * N], [A, M * K], [W, N * K]);
    this.d.product('NT', g(C), g(A), g(W), M, N, K);
  }

  matmulNN(C: Tensor, A: Tensor, W: Tensor, M: number, N: number, K: number): void {
    fits('matmulNN', [C, M * N], [A, M * K], [W, K * N]);
    this.d.product('NN', g(C), g(A), g(W), M, N, K);
  }

  matmulTN(C: Tensor, A: Tensor, X: Tensor, M: number, N: number, K: number): void {
    fits('matmulTN', [C, M * N], [A, K * M], [X, K * N]);
    this.d.product('TN', g(C), g(A), g(X), M, N, K);
  }

  addBiasRows(C: Tensor, bias: Tensor, M: number, N: number): void {
    fits('addBiasRows', [C, M * N], [bias, N]);
    this.d.items(ADD_BIAS_ROWS, [g(C), g(bias)], [M, N], M * N);
  }

  sumRows(dBias: Tensor, dC: Tensor, M: number, N: number): void {
    fits('sumRows', [dBias, N], [dC, M * N]);
    this.d.items(SUM_ROWS, [g(dBias), g(dC)], [M, N], N);
  }

  gatherColumns(out: Tensor, W: Tensor, ids: Int32Array, R: number, GH: number, V: number): void {
    fits('gatherColumns', [out, R * GH], [W, GH * V]);
    idsFit('gatherColumns', ids, R, V);
    this.d.items(GATHER_COLUMNS, [g(out), g(W), this.recorder.stageIds(ids, R)], [R, GH, V], R * GH);
  }

  scatterColumns(dW: Tensor, dOut: Tensor, ids: Int32Array, R: number, GH: number, V: number): void {
    fits('scatterColumns', [dW, GH * V], [dOut, R * GH]);
    idsFit('scatterColumns', ids, R, V);
    this.d.items(SCATTER_COLUMNS, [g(dW), g(dOut), this.recorder.stageIds(ids, R)], [R, GH, V], GH);
  }

  // ---- the cells' time loops

  lstmForward(loop: CellForward): void {
    loopFits('lstmForward', loop, 4, true);
    loops.lstmForward(this.d, loop);
  }

  lstmBackward(loop: CellBackward): void {
    loopFits('lstmBackward', loop, 4, true);
    loops.lstmBackward(this.d, loop);
  }

  gruForward(loop: CellForward): void {
    loopFits('gruForward', loop, 3, false);
    loops.gruForward(this.d, loop);
  }

  gruBackward(loop: CellBackward): void {
    loopFits('gruBackward', loop, 3, false);
    loops.gruBackward(this.d, loop);
  }

  rnnForward(loop: CellForward): void {
    loopFits('rnnForward', loop, 1, false);
    loops.rnnForward(this.d, loop);
  }

  rnnBackward(loop: CellBackward): void {
    loopFits('rnnBackward', loop, 1, false);
    loops.rnnBackward(this.d, loop);
  }

  // ---- loss

  async softmaxCrossEntropy(
    logits: Tensor,
    targets: Int32Array,
    N: number,
    V: number,
    dLogits: Tensor | null,
    scale: number,
  ): Promise<number> {
    fits('softmaxCrossEntropy', [logits, N * V], ...(dLogits === null ? [] : [[dLogits, N * V] as const]));
    idsFit('softmaxCrossEntropy', targets, N, V);
    if (N === 0) return 0;
    const rowLoss = this.rowScratch(N);
    const grad = dLogits === null ? this.nothing : g(dLogits);
    const staged = this.recorder.stageIds(targets, N);
    this.d.items(SOFTMAX_CROSS_ENTROPY_ROWS, [g(logits), staged, grad, rowLoss], [N, V, dLogits === null ? 0 : 1, asF32(scale)], N);
    return this.sumOf(rowLoss, N);
  }

  // ---- dropout

  dropoutMask(mask: Tensor, spec: DropoutMaskSpec): void {
    const { T, B, H, p } = spec;
    fits('dropoutMask', [mask, T * B * H]);
    // The reference drops when hash < p * 2^32, a real; for an integer hash that is hash < ceil(p * 2^32).
    const threshold = Math.ceil(p * 4294967296);
    const dropAll = threshold > 0xffffffff ? 1 : 0;
    const own = [
      spec.seed >>> 0,
      spec.gap,
      T,
      B,
      H,
      spec.firstStream,
      spec.totalStreams,
      dropAll ? 0 : threshold,
      dropAll,
      asF32(1 / (1 - p)),
    ];
    this.d.items(DROPOUT_MASK, [g(mask)], own, T * B * H);
  }

  applyMask(out: Tensor, x: Tensor, mask: Tensor, n: number): void {
    fits('applyMask', [out, n], [x, n], [mask, n]);
    this.d.items(APPLY_MASK, [g(out), g(x), g(mask)], [n], n);
  }

  applyMaskAccumulate(dx: Tensor, dOut: Tensor, mask: Tensor, n: number): void {
    fits('applyMaskAccumulate', [dx, n], [dOut, n], [mask, n]);
    this.d.items(APPLY_MASK_ACCUMULATE, [g(dx), g(dOut), g(mask)], [n], n);
  }

  // ---- the end of a training step

  adamUpdate(p: Tensor, grad: Tensor, m: Tensor, v: Tensor, stepSize: number, sqrtC2: number): void {
    const n = g(p).length;
    fits('adamUpdate', [grad, n], [m, n], [v, n]);
    this.d.items(ADAM, [g(p), g(grad), g(m), g(v)], [n, asF32(stepSize), asF32(sqrtC2)], n);
  }

  rmspropUpdate(p: Tensor, grad: Tensor, v: Tensor, lr: number): void {
    const n = g(p).length;
    fits('rmspropUpdate', [grad, n], [v, n]);
    this.d.items(RMSPROP, [g(p), g(grad), g(v)], [n, asF32(lr)], n);
  }

  sgdUpdate(p: Tensor, grad: Tensor, u: Tensor, lr: number, first: boolean): void {
    const n = g(p).length;
    fits('sgdUpdate', [grad, n], [u, n]);
    this.d.items(SGD, [g(p), g(grad), g(u)], [n, asF32(lr), first ? 1 : 0], n);
  }

  addInto(dst: Tensor, src: Tensor, n: number): void {
    fits('addInto', [dst, n], [src, n]);
    this.d.items(ADD_INTO, [g(dst), g(src)], [n], n);
  }

  async sumSquares(x: Tensor): Promise<number> {
    const t = g(x);
    const chunks = Math.ceil(t.length / SQUARES_CHUNK);
    if (chunks === 0) return 0;
    const partial = this.rowScratch(chunks);
    this.d.items(SQUARES_BY_CHUNK, [t, partial], [t.length, SQUARES_CHUNK], chunks);
    return this.sumOf(partial, chunks);
  }

  scale(x: Tensor, factor: number): void {
    const t = g(x);
    this.d.items(SCALE, [t], [t.length, asF32(factor)], t.length);
  }

  stats(): GpuStats {
    const { memory, recorder, readback } = this;
    return {
      buffers: memory.buffers + readback.made,
      bytes: memory.bytes,
      dispatches: recorder.dispatches,
      submits: recorder.submits,
      reads: readback.reads,
    };
  }

  // ---- helpers

  /** The in-order sum of x[0 .. n), read back. */
  private async sumOf(x: GpuTensor, n: number): Promise<number> {
    this.d.single(SUM_IN_ORDER, [x, this.sums], [n]);
    const out = new Float32Array(1);
    await this.read(asTensor(this.sums), out, 0, 1);
    return out[0];
  }

  /** The reductions' scratch, at least n long. */
  private rowScratch(n: number): GpuTensor {
    if (this.rows.length < n) this.rows = this.memory.zeros(Math.max(n, 2 * this.rows.length));
    return view(this.rows, 0, n);
  }

  /** Throws what the GPU reported since the last check (validation errors arrive late). */
  private check(): void {
    if (this.failure !== null) throw new CharnnError(`the GPU failed: ${this.failure}`);
  }
}

/** The values as float32 in an ordinary ArrayBuffer (what every WebGPU implementation takes: a
 *  view of shared memory is copied out). */
function plainFloats(src: ArrayLike<number>): Float32Array<ArrayBuffer> {
  if (src instanceof Float32Array && src.buffer instanceof ArrayBuffer) return src as Float32Array<ArrayBuffer>;
  return Float32Array.from(src);
}

/** Every tensor at least as long as its operation reads or writes: a kernel past a buffer's end
 *  reads zeros and drops its writes (WebGPU's robustness rules), so this engine checks, as the
 *  wasm wrappers do, and throws instead of computing something else. */
function fits(op: string, ...pairs: (readonly [Tensor, number])[]): void {
  for (const [t, n] of pairs) {
    if (!Number.isInteger(n) || n < 0 || g(t).length < n) throw new RangeError(`${op}: a tensor of ${g(t).length} where ${n} are needed`);
  }
}

/** n ids, each a column below V. */
function idsFit(op: string, ids: Int32Array, n: number, V: number): void {
  if (ids.length < n) throw new RangeError(`${op}: ${ids.length} ids where ${n} are needed`);
  for (let i = 0; i < n; i++) if (!(ids[i] >= 0 && ids[i] < V)) throw new RangeError(`${op}: id ${ids[i]} outside [0, ${V})`);
}

/** A time loop's tensors against its dimensions (G gates; cellState: lstm's c and c0). */
function loopFits(op: string, loop: CellForward | CellBackward, G: number, cellState: boolean): void {
  const { T, B, H } = loop.dims;
  const { cache, w } = loop;
  const rows = T * B;
  fits(op, [cache.gates, rows * G * H], [cache.h, rows * H], [w.wHh, G * H * H], [w.bHh, G * H], [loop.h0, B * H], [cache.dhCarry, B * H]);
  if (cellState) fits(op, [cache.c, rows * H], [cache.aux, rows * H], [loop.c0, B * H], [cache.dcCarry, B * H]);
  if (G === 3) fits(op, [cache.aux, rows * H], [cache.hh, B * G * H]);
  if ('dh' in loop) {
    fits(op, [loop.dh, rows * H], [cache.dGates, rows * G * H], [cache.dGatesH, rows * G * H], [loop.dh0, B * H]);
    if (cellState) fits(op, [loop.dc0, B * H]);
  }
}
