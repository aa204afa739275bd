/**
 * One direction of the language model over a chunk of T steps for B streams: the layer stack,
 * dropout between layers, the decoder, the loss, and the backward pass through all of it.
 * Training and batched evaluation run through this path; one-stream scoring and sampling use
 * the forward-only InferenceRunner (inference.ts), which runs the same layer stack through the
 * same cell kernels and decoder and is tested to give the same logits bit for bit.
 *
 * Dimension legend: T steps, B streams, rows = T*B (time-major: row t*B + b), H hidden,
 * V vocabulary, L layers.
 */
import type { Floats, FloatCtor } from '../tensor/types.js';
import { CELL_KERNELS } from '../nn/cells.js';
import type { Cell } from '../nn/cell.js';
import type { LayerCache, LayerInput } from '../nn/layer.js';
import { applyMask, applyMaskAccumulate, fillDropoutMask, type DropoutSpec } from '../nn/dropout.js';
import { linearBackward, linearForward } from '../nn/linear.js';
import { softmaxCrossEntropy } from '../tensor/backend.js';
import { allocLike } from '../tensor/alloc.js';
import { baseCellOf, type Direction } from './config.js';
import type { CharLM, DirectionViews } from './charlm.js';
import type { RecurrentState } from './state.js';

export type { DropoutSpec };

export class DirectionRunner<F extends Floats> {
  readonly direction: Direction;
  private readonly cell: Cell;
  private readonly w: DirectionViews<F>;
  private readonly V: number;
  private readonly H: number;
  private readonly L: number;
  private readonly maxRows: number;
  private readonly caches: LayerCache<F>[];
  private readonly masks: F[]; // (rows x H) per gap between layers
  private readonly dropped: F[]; // (rows x H) masked output of layer k, the input of layer k+1
  private readonly dh: F[]; // (rows x H) gradient w.r.t. each layer's outputs
  private readonly dx: F; // (rows x H) scratch: gradient w.r.t. a layer's dense input
  readonly h0: F[]; // (B x H) initial state of the last forward, per layer
  readonly c0: F[];
  readonly dh0: F[]; // (B x H) gradient w.r.t. the initial state, after backward
  readonly dc0: F[];
  readonly logits: F; // (rows x V)
  private readonly dLogits: F; // (rows x V)
  private T = 0;
  private B = 0;
  private ids: Int32Array = new Int32Array(0);
  private usedDropout = false;

  constructor(model: CharLM<F>, direction: Direction, maxT: number, maxB: number, ctor: FloatCtor) {
    const { vocabSize: V, hidden: H, layers: L } = model.config;
    this.direction = direction;
    this.cell = CELL_KERNELS[baseCellOf(model.config.cell)];
    this.w = model.views(direction);
    this.V = V;
    this.H = H;
    this.L = L;
    this.maxRows = maxT * maxB;
    const rows = this.maxRows;
    const make = (n: number) => allocLike<F>(ctor, n);
    const perLayer = (n: number) => Array.from({ length: L }, () => make(n));
    this.caches = Array.from({ length: L }, () => this.cell.createCache<F>(ctor, rows, maxB, H));
    this.masks = Array.from({ length: L - 1 }, () => make(rows * H));
    this.dropped = Array.from({ length: L - 1 }, () => make(rows * H));
    this.dh = perLayer(rows * H);
    this.dx = make(rows * H);
    this.h0 = perLayer(maxB * H);
    this.c0 = perLayer(maxB * H);
    this.dh0 = perLayer(maxB * H);
    this.dc0 = perLayer(maxB * H);
    this.logits = make(rows * V);
    this.dLogits = make(rows * V);
  }

  /**
   * Runs the chunk x (T*B ids) from `state`, leaves the logits in this.logits, and writes the
   * final state back into `state` (the carry for the next chunk).
   */
  forward(x: Int32Array, T: number, B: number, state: RecurrentState<F>, dropout: DropoutSpec | null): F {
    const { H, V, L } = this;
    const rows = T * B;
    if (rows > this.maxRows) throw new Error(`chunk of ${rows} rows exceeds the runner's ${this.maxRows}`);
    this.T = T;
    this.B = B;
    this.ids = x;
    this.usedDropout = dropout !== null && dropout.p > 0;
    for (let k = 0; k < L; k++) {
      this.h0[k].set(state.h[k].subarray(0, B * H));
      this.c0[k].set(state.c[k].subarray(0, B * H));
    }
    for (let k = 0; k < L; k++) {
      const cache = this.caches[k];
      this.cell.forward(cache, this.inputOf(k), this.w.layers[k], this.h0[k], this.c0[k], { T, B, H, D: k === 0 ? V : H });
      if (k < L - 1 && this.usedDropout) {
        fillDropoutMask(this.masks[k], k, T, B, H, dropout!);
        applyMask(this.dropped[k], cache.h, this.masks[k], rows * H);
      }
      const last = (T - 1) * B * H;
      state.h[k].set(cache.h.subarray(last, last + B * H));
      if (this.cell.hasCellState) state.c[k].set(cache.c.subarray(last, last + B * H));
    }
    linearForward(this.logits, this.caches[L - 1].h, this.w.decoderWeight, this.w.decoderBias, rows, V, H);
    return this.logits;
  }

  /** Summed cross-entropy (nats) of the last forward against targets y; with grad, keeps scale * dLoss/dLogits. */
  loss(y: Int32Array, withGrad: boolean, scale = 1): number {
    return softmaxCrossEntropy(this.logits, y, this.T * this.B, this.V, withGrad ? this.dLogits : null, scale);
  }

  /** Backward from the gradient left by loss(y, true); accumulates (+=) into grads. */
  backward(grads: DirectionViews<F>): void {
    const { T, B, H, V, L } = this;
    const rows = T * B;
    const top = this.dh[L - 1];
    top.fill(0, 0, rows * H);
    linearBackward(grads.decoderWeight, grads.decoderBias, top, this.dLogits, this.caches[L - 1].h, this.w.decoderWeight, rows, V, H);
    for (let k = L - 1; k >= 0; k--) {
      const dx = k > 0 ? this.dx : null;
      if (dx) dx.fill(0, 0, rows * H);
      const dims = { T, B, H, D: k === 0 ? V : H };
      this.cell.backward(grads.layers[k], dx, this.dh0[k], this.dc0[k], this.dh[k], this.caches[k], this.inputOf(k), this.w.layers[k], this.h0[k], this.c0[k], dims);
      if (dx) {
        const below = this.dh[k - 1];
        if (this.usedDropout) {
          below.fill(0, 0, rows * H);
          applyMaskAccumulate(below, dx, this.masks[k - 1], rows * H);
        } else below.set(dx.subarray(0, rows * H));
      }
    }
  }

  private inputOf(k: number): LayerInput<F> {
    if (k === 0) return { ids: this.ids };
    return { x: this.usedDropout ? this.dropped[k - 1] : this.caches[k - 1].h };
  }
}
