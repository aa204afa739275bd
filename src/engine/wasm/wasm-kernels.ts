/**
 * What the WebAssembly kernels offer once bound to an arena (bind-kernels.ts): the same
 * signatures as the reference kernels in ../js/, over Float32Array views in the arena (T steps,
 * B streams, H hidden units; the cells' cache layout is the reference loops').
 */
import type { WasmArena } from './arena.js';

export interface WasmKernels {
  /** Where the arrays passed to these kernels must live. */
  readonly arena: WasmArena;
  matmulNT(C: Float32Array, A: Float32Array, W: Float32Array, M: number, N: number, K: number): void;
  matmulNN(C: Float32Array, A: Float32Array, W: Float32Array, M: number, N: number, K: number): void;
  matmulTN(C: Float32Array, A: Float32Array, X: Float32Array, M: number, N: number, K: number): void;
  addBiasRows(C: Float32Array, bias: Float32Array, M: number, N: number): void;
  sumRows(dBias: Float32Array, dC: Float32Array, M: number, N: number): void;
  /** gates (T*B x 4H): in, x W_ih^T + b_ih + b_hh; out, activated i|f|g|o. h, c, aux = tanh(c):
   *  (T*B x H); h0, c0 (B x H); wHh (4H x H). */
  lstmForward(
    gates: Float32Array,
    h: Float32Array,
    c: Float32Array,
    aux: Float32Array,
    h0: Float32Array,
    c0: Float32Array,
    wHh: Float32Array,
    T: number,
    B: number,
    H: number,
  ): void;
  /** Writes dGates (T*B x 4H), dh0, dc0 (B x H); dhCarry, dcCarry (B x H) and wPack (4H x H, the
   *  packed copy of wHh the per-step products read) are scratch. */
  lstmBackward(
    dGates: Float32Array,
    dh0: Float32Array,
    dc0: Float32Array,
    dhCarry: Float32Array,
    dcCarry: Float32Array,
    dh: Float32Array,
    gates: Float32Array,
    c: Float32Array,
    aux: Float32Array,
    c0: Float32Array,
    wHh: Float32Array,
    wPack: Float32Array,
    T: number,
    B: number,
    H: number,
  ): void;
  /** gates (T*B x 3H): in, x W_ih^T + b_ih; out, r|z|n. h, aux = W_hn h + b_hn: (T*B x H);
   *  hh (B x 3H) scratch; h0 (B x H); wHh (3H x H); bHh (3H). */
  gruForward(
    gates: Float32Array,
    h: Float32Array,
    aux: Float32Array,
    hh: Float32Array,
    h0: Float32Array,
    wHh: Float32Array,
    bHh: Float32Array,
    T: number,
    B: number,
    H: number,
  ): void;
  /** Writes dGates, dGatesH (T*B x 3H) and dh0 (B x H); dhCarry (B x H) and wPack (3H x H) are
   *  scratch. */
  gruBackward(
    dGates: Float32Array,
    dGatesH: Float32Array,
    dh0: Float32Array,
    dhCarry: Float32Array,
    dh: Float32Array,
    gates: Float32Array,
    h: Float32Array,
    aux: Float32Array,
    h0: Float32Array,
    wHh: Float32Array,
    wPack: Float32Array,
    T: number,
    B: number,
    H: number,
  ): void;
  /** gates (T*B x H): in, x W_ih^T + b_ih + b_hh; out, h itself, also written to h. */
  rnnForward(gates: Float32Array, h: Float32Array, h0: Float32Array, wHh: Float32Array, T: number, B: number, H: number): void;
  /** Writes dGates (T*B x H) and dh0 (B x H); dhCarry (B x H) and wPack (H x H) are scratch. */
  rnnBackward(
    dGates: Float32Array,
    dh0: Float32Array,
    dhCarry: Float32Array,
    dh: Float32Array,
    h: Float32Array,
    wHh: Float32Array,
    wPack: Float32Array,
    T: number,
    B: number,
    H: number,
  ): void;
  expArray(out: Float32Array, x: Float32Array, n: number): void;
  sigmoidArray(out: Float32Array, x: Float32Array, n: number): void;
  tanhArray(out: Float32Array, x: Float32Array, n: number): void;
  /** out (R x GH) += W[:, ids[r]] per row; W (GH x V); ids may live anywhere (they are copied). */
  gatherColumns(out: Float32Array, W: Float32Array, ids: Int32Array, R: number, GH: number, V: number): void;
  /** dW[:, ids[r]] += dOut (R x GH)[r] per row. */
  scatterColumns(dW: Float32Array, dOut: Float32Array, ids: Int32Array, R: number, GH: number, V: number): void;
  /** Summed softmax cross-entropy of logits (N x V) against targets (N); with dLogits, writes
   *  scale * (softmax - onehot) into it (see src/engine/js/softmax-cross-entropy.ts). */
  softmaxCrossEntropy(logits: Float32Array, targets: Int32Array, N: number, V: number, dLogits: Float32Array | null, scale: number): number;
  /** Adam's update of p, m, v (n = p.length floats each) from g: src/engine/js/optimizer-steps.ts, bit for bit. */
  adamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, stepSize: number, sqrtC2: number): void;
  /** dst[0..n) += src[0..n) (../js/optimizer-steps.ts addInto, bit for bit). */
  addArrays(dst: Float32Array, src: Float32Array, n: number): void;
  /** The sum of x[i]^2 over all of x, and x *= scale (../js/optimizer-steps.ts sumSquares, scaleInPlace). */
  sumSquares(x: Float32Array): number;
  scaleArray(x: Float32Array, scale: number): void;
}
