/**
 * The engine interface: everything the cells, the model and the optimizer ask of a numeric
 * engine, over tensors the engine owns. Nothing above this interface knows which engine runs.
 *
 * Implementations (docs/ARCHITECTURE.md has the map):
 *   js     src/engine/js/js-engine.ts      the plain TypeScript reference, in float32 or float64
 *                                          (the gradient checks); every kernel obviously correct
 *   wasm   src/engine/wasm/wasm-engine.ts  WebAssembly SIMD kernels (asm/), tested against js
 *   webgpu src/engine/webgpu/webgpu-engine.ts  WGSL kernels on a GPU through WebGPU, tested against js
 *
 * A Tensor is a handle: above the engine it is only ever handed back to the engine. Values
 * enter with write() and leave with read() (the loss, the logits a sampler draws from, the
 * weights a checkpoint saves); reads and reductions return promises, so that an engine whose
 * memory is not JavaScript's (a GPU's) can implement them. The CPU engines settle them at once.
 *
 * Conventions: row-major; every product and gradient kernel accumulates (`+=`), so a caller
 * clears the output first when it wants a plain result; element offsets and counts, not bytes.
 * Dimension legend: T steps, B streams, H hidden units, G gates (rnn 1, lstm 4, gru 3),
 * D a layer's input width, V vocabulary, rows = T*B (time-major: row t*B + b).
 */
import type { Floats } from './floats.js';

declare const TENSOR: unique symbol;

/** Memory an engine owns. Only the engine that made it can use it. */
export interface Tensor {
  readonly [TENSOR]: true;
}

export const ENGINE_NAMES = ['js', 'wasm', 'webgpu'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** A recurrent layer's weights in PyTorch's layout, generic over the buffer type. */
export interface LayerWeightsOf<B> {
  wIh: B; // (G*H x D)
  wHh: B; // (G*H x H)
  bIh: B; // (G*H)
  bHh: B; // (G*H)
}

/** The buffers a layer's time loops work in, sized for the largest chunk (T*B rows) it sees. */
export interface LayerCacheOf<B> {
  gates: B; // (rows x G*H) the input projection plus biases; the activated gates after forward
  h: B; // (rows x H) outputs h_t
  c: B; // (rows x H) lstm cell states c_t (empty for other cells)
  aux: B; // (rows x H) lstm: tanh(c_t); gru: W_hn h_{t-1} + b_hn (empty for rnn)
  dGates: B; // (rows x G*H) gradient w.r.t. the input-side pre-activations
  dGatesH: B; // (rows x G*H) gru: gradient w.r.t. the hidden-side pre-activations; dGates otherwise
  hh: B; // (B x G*H) scratch: h_{t-1} W_hh^T
  dhCarry: B; // (B x H) scratch: gradient flowing to h_{t-1}
  dcCarry: B; // (B x H) scratch: gradient flowing to c_{t-1}
  wPack: B; // (G*H x H) scratch: the wasm backward's packed copy of W_hh (empty when forward-only)
}

export interface LoopDims {
  T: number;
  B: number;
  H: number;
}

/**
 * One layer's time loop forward. In: cache.gates (x W_ih^T + b_ih, and + b_hh for lstm and
 * rnn), h0 and c0 (B x H). Out: cache.gates activated, cache.h (and c, aux).
 */
export interface CellForwardOf<B> {
  cache: LayerCacheOf<B>;
  w: LayerWeightsOf<B>;
  h0: B;
  c0: B;
  dims: LoopDims;
}

/**
 * One layer's time loop backward, after its forward. In: dh (rows x H), the gradient w.r.t.
 * every output h_t. Out: cache.dGates (and dGatesH), dh0 and dc0 (B x H; lstm only for dc0).
 * The final state receives no gradient (truncated BPTT).
 */
export interface CellBackwardOf<B> extends CellForwardOf<B> {
  dh: B;
  dh0: B;
  dc0: B;
}

export type LayerWeights = LayerWeightsOf<Tensor>;
export type LayerCache = LayerCacheOf<Tensor>;
export type CellForward = CellForwardOf<Tensor>;
export type CellBackward = CellBackwardOf<Tensor>;

/**
 * The dropout mask of the gap above layer `gap` for a chunk: whether unit j of stream b at step
 * t is dropped is a hash of (seed, gap, t, firstStream + b, j), so a batch split across threads
 * by streams gets exactly the masks one thread would (src/engine/js/dropout-mask.ts).
 */
export interface DropoutMaskSpec {
  /** Probability of dropping a unit, in [0, 1). */
  p: number;
  /** One uint32 per training step. */
  seed: number;
  gap: number;
  /** Global index of the chunk's first stream, and the batch's stream count. */
  firstStream: number;
  totalStreams: number;
  T: number;
  B: number;
  H: number;
}

export interface Engine {
  readonly name: EngineName;
  /** The precision tensors hold: float32, or float64 (the js engine in gradient checks). */
  readonly precision: 'float32' | 'float64';

  // ---- memory
  /** A new tensor of n zeros. */
  zeros(n: number): Tensor;
  size(t: Tensor): number;
  /** Elements [offset, offset + length) of t, sharing its memory. */
  view(t: Tensor, offset: number, length: number): Tensor;
  /** dst[dstOffset ..] = src (host to engine). */
  write(dst: Tensor, src: ArrayLike<number>, dstOffset?: number): void;
  /** dst[0 .. n) = src[srcOffset .. srcOffset + n) (engine to host); n defaults to dst.length. */
  read(src: Tensor, dst: Floats, srcOffset?: number, n?: number): Promise<void>;
  /** dst[dstOffset .. + n) = src[srcOffset .. + n). */
  copy(dst: Tensor, src: Tensor, n: number, dstOffset?: number, srcOffset?: number): void;
  /** t[from .. to) = value (default: all of t). */
  fill(t: Tensor, value: number, from?: number, to?: number): void;

  // ---- products (accumulating)
  /** C (M x N) += A (M x K) . W (N x K)^T: forward through a PyTorch weight (out x in). */
  matmulNT(C: Tensor, A: Tensor, W: Tensor, M: number, N: number, K: number): void;
  /** C (M x N) += A (M x K) . W (K x N): the gradient w.r.t. a layer's input. */
  matmulNN(C: Tensor, A: Tensor, W: Tensor, M: number, N: number, K: number): void;
  /** C (M x N) += A (K x M)^T . X (K x N): the gradient w.r.t. a weight, summed over rows. */
  matmulTN(C: Tensor, A: Tensor, X: Tensor, M: number, N: number, K: number): void;
  /** C (M x N) += bias (N) on every row. */
  addBiasRows(C: Tensor, bias: Tensor, M: number, N: number): void;
  /** dBias (N) += the column sums of dC (M x N). */
  sumRows(dBias: Tensor, dC: Tensor, M: number, N: number): void;
  /** out (R x GH) += W[:, ids[r]] per row r: the one-hot input times W_ih (GH x V), a gather. */
  gatherColumns(out: Tensor, W: Tensor, ids: Int32Array, R: number, GH: number, V: number): void;
  /** dW[:, ids[r]] += dOut (R x GH)[r] per row r: the gather's backward. */
  scatterColumns(dW: Tensor, dOut: Tensor, ids: Int32Array, R: number, GH: number, V: number): void;

  // ---- the cells' time loops (one layer, all T steps)
  lstmForward(loop: CellForward): void;
  lstmBackward(loop: CellBackward): void;
  gruForward(loop: CellForward): void;
  gruBackward(loop: CellBackward): void;
  rnnForward(loop: CellForward): void;
  rnnBackward(loop: CellBackward): void;

  // ---- loss
  /**
   * The summed softmax cross-entropy (nats) of logits (N x V) against targets (N); with
   * dLogits, also writes scale * (softmax(logits) - onehot(target)) into it.
   */
  softmaxCrossEntropy(logits: Tensor, targets: Int32Array, N: number, V: number, dLogits: Tensor | null, scale: number): Promise<number>;

  // ---- dropout between layers (inverted: survivors scaled by 1 / (1 - p))
  /** mask (T*B x H) = 0 or 1 / (1 - p) per unit, from the spec's hash. */
  dropoutMask(mask: Tensor, spec: DropoutMaskSpec): void;
  /** out[i] = x[i] * mask[i] for i < n. */
  applyMask(out: Tensor, x: Tensor, mask: Tensor, n: number): void;
  /** dx[i] += dOut[i] * mask[i] for i < n. */
  applyMaskAccumulate(dx: Tensor, dOut: Tensor, mask: Tensor, n: number): void;

  // ---- the end of a training step (src/engine/js/optimizer-steps.ts has the formulas)
  adamUpdate(p: Tensor, g: Tensor, m: Tensor, v: Tensor, stepSize: number, sqrtC2: number): void;
  rmspropUpdate(p: Tensor, g: Tensor, v: Tensor, lr: number): void;
  sgdUpdate(p: Tensor, g: Tensor, u: Tensor, lr: number, first: boolean): void;
  /** dst[0 .. n) += src[0 .. n). */
  addInto(dst: Tensor, src: Tensor, n: number): void;
  /** The sum of x[i]^2 in index order, in float64: half of global-norm clipping. */
  sumSquares(x: Tensor): Promise<number>;
  /** x[i] *= factor: the other half. */
  scale(x: Tensor, factor: number): void;
}

/**
 * An engine whose tensors are JavaScript typed arrays (js, wasm). Code that only ever runs on
 * the CPU engines (worker threads sharing memory, the tests) may look at a tensor's values in
 * place through floatsOf(); everything else goes through read() and write().
 */
export interface CpuEngine extends Engine {
  floatsOf(t: Tensor): Floats;
  /** A new tensor of n zeros on a SharedArrayBuffer, which worker threads can see in place. */
  sharedZeros(n: number): Tensor;
}

/** A host array of n zeros in the engine's precision, for values read back from it. */
export function hostFloats(engine: Engine, n: number): Floats {
  return engine.precision === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function isCpuEngine(engine: Engine): engine is CpuEngine {
  return typeof (engine as Partial<CpuEngine>).floatsOf === 'function';
}
