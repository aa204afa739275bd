/**
 * The reference engine: every kernel in plain TypeScript over typed arrays, in float32 (what a
 * model runs in) or float64 (the gradient checks: central differences need the precision). Its
 * tensors are the arrays themselves; it is the engine every other one is tested against.
 */
import type { CellBackward, CellBackwardOf, CellForward, CellForwardOf, CpuEngine, Tensor } from '../engine.js';
import type { FloatCtor, Floats } from '../floats.js';
import { gatherColumns, scatterColumns } from './gather.js';
import { gruBackwardLoop, gruForwardLoop } from './gru-loop.js';
import { lstmBackwardLoop, lstmForwardLoop } from './lstm-loop.js';
import { addBiasRows, matmulNN, matmulNT, matmulTN, sumRows } from './matmul.js';
import { adamUpdate, addInto, scaleInPlace, sumSquares } from './optimizer-steps.js';
import { rnnBackwardLoop, rnnForwardLoop } from './rnn-loop.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { asTensor, floatsOf, TypedArrayEngine } from './typed-array-engine.js';
import { sharedBuffer } from '../../util/shared-memory.js';

export { floatsOf } from './typed-array-engine.js';

const tensor = asTensor;
const forwardOf = (l: CellForward) => l as unknown as CellForwardOf<Floats>;
const backwardOf = (l: CellBackward) => l as unknown as CellBackwardOf<Floats>;
const f = floatsOf;

export class JsEngine extends TypedArrayEngine implements CpuEngine {
  readonly name = 'js' as const;
  readonly precision: 'float32' | 'float64';

  constructor(private readonly ctor: FloatCtor = Float32Array) {
    super();
    this.precision = ctor === Float64Array ? 'float64' : 'float32';
  }

  zeros(n: number): Tensor {
    return tensor(new this.ctor(n));
  }

  sharedZeros(n: number): Tensor {
    const buffer = sharedBuffer(n * this.ctor.BYTES_PER_ELEMENT);
    return tensor(this.ctor === Float64Array ? new Float64Array(buffer) : new Float32Array(buffer));
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

  adamUpdate(p: Tensor, g: Tensor, m: Tensor, v: Tensor, stepSize: number, sqrtC2: number): void {
    adamUpdate(f(p), f(g), f(m), f(v), stepSize, sqrtC2);
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
