/**
 * The WebAssembly SIMD engine: tensors are Float32Array views in one shared WebAssembly memory
 * (the arena, arena.ts), and the heavy kernels run in wasm (asm/, wrapped by kernels.ts): the
 * products, the gather, every cell's time loops, softmax cross-entropy, Adam, the gradient sum
 * and clipping. What has no wasm kernel (memory moves, dropout masks, RMSprop and SGD) runs the
 * reference code of ../js/ on the same arrays, so those steps are bit-identical to the js engine.
 *
 * Arena memory is never freed (WasmArena.release is a stack discipline the model code does not
 * use): whoever allocates per call must reuse its buffers (see model/per-model.ts).
 */
import type { CellBackward, CellForward, CpuEngine, Tensor } from '../engine.js';
import { TypedArrayEngine } from '../js/typed-array-engine.js';
import type { WasmKernels } from './wasm-kernels.js';

const f32 = (t: Tensor): Float32Array => t as unknown as Float32Array;
const tensor = (x: Float32Array): Tensor => x as unknown as Tensor;

export class WasmEngine extends TypedArrayEngine implements CpuEngine {
  readonly name = 'wasm' as const;
  readonly precision = 'float32' as const;

  constructor(readonly kernels: WasmKernels) {
    super();
  }

  zeros(n: number): Tensor {
    return tensor(this.kernels.arena.alloc(n));
  }

  /** The arena's memory is shared: every tensor of this engine can be seen by other threads. */
  sharedZeros(n: number): Tensor {
    return this.zeros(n);
  }

  matmulNT(C: Tensor, A: Tensor, W: Tensor, M: number, N: number, K: number): void {
    this.kernels.matmulNT(f32(C), f32(A), f32(W), M, N, K);
  }

  matmulNN(C: Tensor, A: Tensor, W: Tensor, M: number, N: number, K: number): void {
    this.kernels.matmulNN(f32(C), f32(A), f32(W), M, N, K);
  }

  matmulTN(C: Tensor, A: Tensor, X: Tensor, M: number, N: number, K: number): void {
    this.kernels.matmulTN(f32(C), f32(A), f32(X), M, N, K);
  }

  addBiasRows(C: Tensor, bias: Tensor, M: number, N: number): void {
    this.kernels.addBiasRows(f32(C), f32(bias), M, N);
  }

  sumRows(dBias: Tensor, dC: Tensor, M: number, N: number): void {
    this.kernels.sumRows(f32(dBias), f32(dC), M, N);
  }

  gatherColumns(out: Tensor, W: Tensor, ids: Int32Array, R: number, GH: number, V: number): void {
    this.kernels.gatherColumns(f32(out), f32(W), ids, R, GH, V);
  }

  scatterColumns(dW: Tensor, dOut: Tensor, ids: Int32Array, R: number, GH: number, V: number): void {
    this.kernels.scatterColumns(f32(dW), f32(dOut), ids, R, GH, V);
  }

  lstmForward({ cache: c, w, h0, c0, dims: { T, B, H } }: CellForward): void {
    this.kernels.lstmForward(f32(c.gates), f32(c.h), f32(c.c), f32(c.aux), f32(h0), f32(c0), f32(w.wHh), T, B, H);
  }

  lstmBackward({ cache: c, w, c0, dh, dh0, dc0, dims: { T, B, H } }: CellBackward): void {
    const k = this.kernels;
    k.lstmBackward(
      f32(c.dGates),
      f32(dh0),
      f32(dc0),
      f32(c.dhCarry),
      f32(c.dcCarry),
      f32(dh),
      f32(c.gates),
      f32(c.c),
      f32(c.aux),
      f32(c0),
      f32(w.wHh),
      f32(c.wPack),
      T,
      B,
      H,
    );
  }

  gruForward({ cache: c, w, h0, dims: { T, B, H } }: CellForward): void {
    this.kernels.gruForward(f32(c.gates), f32(c.h), f32(c.aux), f32(c.hh), f32(h0), f32(w.wHh), f32(w.bHh), T, B, H);
  }

  gruBackward({ cache: c, w, h0, dh, dh0, dims: { T, B, H } }: CellBackward): void {
    const k = this.kernels;
    k.gruBackward(
      f32(c.dGates),
      f32(c.dGatesH),
      f32(dh0),
      f32(c.dhCarry),
      f32(dh),
      f32(c.gates),
      f32(c.h),
      f32(c.aux),
      f32(h0),
      f32(w.wHh),
      f32(c.wPack),
      T,
      B,
      H,
    );
  }

  rnnForward({ cache: c, w, h0, dims: { T, B, H } }: CellForward): void {
    this.kernels.rnnForward(f32(c.gates), f32(c.h), f32(h0), f32(w.wHh), T, B, H);
  }

  rnnBackward({ cache: c, w, dh, dh0, dims: { T, B, H } }: CellBackward): void {
    this.kernels.rnnBackward(f32(c.dGates), f32(dh0), f32(c.dhCarry), f32(dh), f32(c.h), f32(w.wHh), f32(c.wPack), T, B, H);
  }

  softmaxCrossEntropy(logits: Tensor, targets: Int32Array, N: number, V: number, dLogits: Tensor | null, scale: number): Promise<number> {
    return Promise.resolve(this.kernels.softmaxCrossEntropy(f32(logits), targets, N, V, dLogits === null ? null : f32(dLogits), scale));
  }

  adamUpdate(p: Tensor, g: Tensor, m: Tensor, v: Tensor, stepSize: number, sqrtC2: number): void {
    this.kernels.adamUpdate(f32(p), f32(g), f32(m), f32(v), stepSize, sqrtC2);
  }

  addInto(dst: Tensor, src: Tensor, n: number): void {
    this.kernels.addArrays(f32(dst), f32(src), n);
  }

  sumSquares(x: Tensor): Promise<number> {
    return Promise.resolve(this.kernels.sumSquares(f32(x)));
  }

  scale(x: Tensor, factor: number): void {
    this.kernels.scaleArray(f32(x), factor);
  }
}
