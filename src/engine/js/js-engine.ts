/**
 * The reference engine: every kernel in plain TypeScript over typed arrays, in float32 (what a
 * model runs in) or float64 (the gradient checks: central differences need the precision). Its
 * tensors are the arrays themselves; it is the engine every other one is tested against.
 */
import type { CellBackward, CellBackwardOf, CellForward, CellForwardOf, CpuEngine, DropoutMaskSpec, Tensor } from '../engine.js';
import type { FloatCtor, Floats } from '../floats.js';
import { applyMask, applyMaskAccumulate, fillDropoutMask } from './dropout-mask.js';
import { gatherColumns, scatterColumns } from './gather.js';
import { gruBackwardLoop, gruForwardLoop } from './gru-loop.js';
import { lstmBackwardLoop, lstmForwardLoop } from './lstm-loop.js';
import { addBiasRows, matmulNN, matmulNT, matmulTN, sumRows } from './matmul.js';
import { adamUpdate, addInto, rmspropUpdate, scaleInPlace, sgdUpdate, sumSquares } from './optimizer-steps.js';
import { rnnBackwardLoop, rnnForwardLoop } from './rnn-loop.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';

/** A tensor of a CPU engine is its typed array. */
export const floatsOf = (t: Tensor): Floats => t as unknown as Floats;
const tensor = (x: Floats): Tensor => x as unknown as Tensor;
const forwardOf = (l: CellForward) => l as unknown as CellForwardOf<Floats>;
const backwardOf = (l: CellBackward) => l as unknown as CellBackwardOf<Floats>;
const f = floatsOf;

export class JsEngine implements CpuEngine {
  readonly name = 'js' as const;
  readonly precision: 'float32' | 'float64';

  constructor(private readonly ctor: FloatCtor = Float32Array) {
    this.precision = ctor === Float64Array ? 'float64' : 'float32';
  }

  floatsOf(t: Tensor): Floats {
    return floatsOf(t);
  }

  zeros(n: number): Tensor {
    return tensor(new this.ctor(n));
  }

  sharedZeros(n: number): Tensor {
    const buffer = new SharedArrayBuffer(n * this.ctor.BYTES_PER_ELEMENT);
    return tensor(this.ctor === Float64Array ? new Float64Array(buffer) : new Float32Array(buffer));
  }

  size(t: Tensor): number {
    return f(t).length;
  }

  view(t: Tensor, offset: number, length: number): Tensor {
    return tensor(f(t).subarray(offset, offset + length));
  }

  write(dst: Tensor, src: ArrayLike<number>, dstOffset = 0): void {
    f(dst).set(src, dstOffset);
  }

  read(src: Tensor, dst: Floats, srcOffset = 0, n = dst.length): Promise<void> {
    dst.set(f(src).subarray(srcOffset, srcOffset + n));
    return Promise.resolve();
  }

  copy(dst: Tensor, src: Tensor, n: number, dstOffset = 0, srcOffset = 0): void {
    f(dst).set(f(src).subarray(srcOffset, srcOffset + n), dstOffset);
  }

  fill(t: Tensor, value: number, from?: number, to?: number): void {
    f(t).fill(value, from, to);
  }

  matmulNT(C: Tensor, A: Tensor, W: Tensor, M: number, N: number, K: number): void {
    matmulNT(f(C), f(A), f(W), M, N, K);
  }

  matmulNN(C: Tensor, A: Tensor, W: Tensor, M: number, N: number, K: number): void {
    matmulNN(f(C), f(A), f(W), M, N, K);
  }

  matmulTN(C: Tensor, A: Tensor, X: Tensor, M: number, N: number, K: number): void {
    matmulTN(f(C), f(A), f(X), M, N, K);
  }

  addBiasRows(C: Tensor, bias: Tensor, M: number, N: number): void {
    addBiasRows(f(C), f(bias), M, N);
  }

  sumRows(dBias: Tensor, dC: Tensor, M: number, N: number): void {
    sumRows(f(dBias), f(dC), M, N);
  }

  gatherColumns(out: Tensor, W: Tensor, ids: Int32Array, R: number, GH: number, V: number): void {
    gatherColumns(f(out), f(W), ids, R, GH, V);
  }

  scatterColumns(dW: Tensor, dOut: Tensor, ids: Int32Array, R: number, GH: number, V: number): void {
    scatterColumns(f(dW), f(dOut), ids, R, GH, V);
  }

  lstmForward(loop: CellForward): void {
    lstmForwardLoop(forwardOf(loop));
  }

  lstmBackward(loop: CellBackward): void {
    lstmBackwardLoop(backwardOf(loop));
  }

  gruForward(loop: CellForward): void {
    gruForwardLoop(forwardOf(loop));
  }

  gruBackward(loop: CellBackward): void {
    gruBackwardLoop(backwardOf(loop));
  }

  rnnForward(loop: CellForward): void {
    rnnForwardLoop(forwardOf(loop));
  }

  rnnBackward(loop: CellBackward): void {
    rnnBackwardLoop(backwardOf(loop));
  }

  softmaxCrossEntropy(logits: Tensor, targets: Int32Array, N: number, V: number, dLogits: Tensor | null, scale: number): Promise<number> {
    return Promise.resolve(softmaxCrossEntropy(f(logits), targets, N, V, dLogits === null ? null : f(dLogits), scale));
  }

  dropoutMask(mask: Tensor, spec: DropoutMaskSpec): void {
    fillDropoutMask(f(mask), spec);
  }

  applyMask(out: Tensor, x: Tensor, mask: Tensor, n: number): void {
    applyMask(f(out), f(x), f(mask), n);
  }

  applyMaskAccumulate(dx: Tensor, dOut: Tensor, mask: Tensor, n: number): void {
    applyMaskAccumulate(f(dx), f(dOut), f(mask), n);
  }

  adamUpdate(p: Tensor, g: Tensor, m: Tensor, v: Tensor, stepSize: number, sqrtC2: number): void {
    adamUpdate(f(p), f(g), f(m), f(v), stepSize, sqrtC2);
  }

  rmspropUpdate(p: Tensor, g: Tensor, v: Tensor, lr: number): void {
    rmspropUpdate(f(p), f(g), f(v), lr);
  }

  sgdUpdate(p: Tensor, g: Tensor, u: Tensor, lr: number, first: boolean): void {
    sgdUpdate(f(p), f(g), f(u), lr, first);
  }

  addInto(dst: Tensor, src: Tensor, n: number): void {
    addInto(f(dst), f(src), n);
  }

  sumSquares(x: Tensor): Promise<number> {
    return Promise.resolve(sumSquares(f(x)));
  }

  scale(x: Tensor, factor: number): void {
    scaleInPlace(f(x), factor);
  }
}
