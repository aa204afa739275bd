/**
 * Forward-only inference for ONE stream (B = 1), the path behind sampling (T = 1 per call) and
 * streaming scoring (chunks of up to maxT steps). It runs the same layer stack as
 * DirectionRunner.forward (runner.ts) through the same cell kernels and decoder, with the same
 * T per call, so it gives the same logits bit for bit; what it leaves out is what only training
 * needs: dropout, gradient buffers, caches kept for backward, and the copy of a caller's state
 * in and out at every call (the carried state lives here, in engine memory).
 *
 * Per call it allocates nothing: the layer inputs and dimension records are built once, and
 * the ids are copied into an Int32Array of its own (so any IdArray can be read).
 *
 * Dimension legend: T steps of this call (<= maxT), H hidden, V vocabulary, L layers.
 */
import type { IdArray } from '../data/ids.js';
import { CELL_KERNELS } from '../nn/cells.js';
import type { Cell } from '../nn/cell.js';
import type { LayerCache, LayerDims, LayerInput } from '../nn/layer.js';
import { linearForward } from '../nn/linear.js';
import { allocLike } from '../tensor/alloc.js';
import type { Floats, FloatCtor } from '../tensor/types.js';
import type { CharLM, DirectionViews } from './charlm.js';
import { baseCellOf, type Direction } from './config.js';
import type { RecurrentState } from './state.js';

export class InferenceRunner<F extends Floats> {
  readonly direction: Direction;
  readonly maxT: number;
  /** (maxT x V) logits of the last call that asked for them, row t for step t. */
  readonly logits: F;
  /** The carried state (B = 1): h (H) and c (H, lstm; zeros otherwise) per layer, after the
   *  last step run. Reading or writing it is reading or setting the state. */
  readonly state: RecurrentState<F>;
  private readonly cell: Cell;
  private readonly w: DirectionViews<F>;
  private readonly V: number;
  private readonly H: number;
  private readonly L: number;
  private readonly caches: LayerCache<F>[]; // rows = maxT, B = 1
  private readonly ids: Int32Array; // (maxT) layer 0's input
  private readonly inputs: LayerInput<F>[]; // per layer: ids, then the layer below's outputs
  private readonly dims: LayerDims[]; // per layer; T is set per call
  private readonly firstH: F[]; // per layer: row 0 of cache.h (the final state when T = 1)
  private readonly firstC: F[];

  constructor(model: CharLM<F>, direction: Direction, maxT: number) {
    if (!(Number.isInteger(maxT) && maxT >= 1)) throw new RangeError(`InferenceRunner: bad maxT ${maxT}`);
    const { vocabSize: V, hidden: H, layers: L } = model.config;
    const ctor = model.params.data.constructor as FloatCtor;
    this.direction = direction;
    this.maxT = maxT;
    this.cell = CELL_KERNELS[baseCellOf(model.config.cell)];
    this.w = model.views(direction);
    this.V = V;
    this.H = H;
    this.L = L;
    const make = (n: number) => allocLike<F>(ctor, n);
    this.caches = Array.from({ length: L }, () => this.cell.createCache<F>(ctor, maxT, 1, H, true));
    this.state = { B: 1, h: Array.from({ length: L }, () => make(H)), c: Array.from({ length: L }, () => make(H)) };
    this.logits = make(maxT * V);
    this.ids = new Int32Array(maxT);
    this.inputs = this.caches.map((_, k) => (k === 0 ? { ids: this.ids } : { x: this.caches[k - 1].h }));
    this.dims = this.caches.map((_, k) => ({ T: 1, B: 1, H, D: k === 0 ? V : H }));
    this.firstH = this.caches.map((cache) => cache.h.subarray(0, H) as F);
    this.firstC = this.caches.map((cache) => (this.cell.hasCellState ? (cache.c.subarray(0, H) as F) : cache.c));
  }

  /** Back to the zero state. */
  reset(): void {
    for (let k = 0; k < this.L; k++) {
      this.state.h[k].fill(0);
      this.state.c[k].fill(0);
    }
  }

  /**
   * Reads one id from the carried state and moves the state on. With logits, returns the
   * logits (V) of the next symbol (this.logits, row 0); without, skips the decoder and returns null.
   */
  step(id: number, withLogits: boolean): F | null {
    this.ids[0] = id;
    const { cell, caches, inputs, dims, w, state } = this;
    const hasC = cell.hasCellState;
    for (let k = 0; k < this.L; k++) {
      const d = dims[k];
      d.T = 1;
      cell.forward(caches[k], inputs[k], w.layers[k], state.h[k], state.c[k], d);
      state.h[k].set(this.firstH[k]);
      if (hasC) state.c[k].set(this.firstC[k]);
    }
    if (!withLogits) return null;
    linearForward(this.logits, caches[this.L - 1].h, w.decoderWeight, w.decoderBias, 1, this.V, this.H);
    return this.logits;
  }

  /**
   * Reads ids[start .. start+T) (1 <= T <= maxT) from the carried state and moves the state on.
   * Returns this.logits with the logits (T x V) after each step.
   */
  forward(ids: IdArray, start: number, T: number): F {
    if (!(T >= 1 && T <= this.maxT)) throw new RangeError(`InferenceRunner: ${T} steps, at most ${this.maxT}`);
    const x = this.ids;
    for (let t = 0; t < T; t++) x[t] = ids[start + t];
    const { cell, caches, inputs, dims, w, state, H } = this;
    const last = (T - 1) * H;
    for (let k = 0; k < this.L; k++) {
      const d = dims[k];
      d.T = T;
      const cache = caches[k];
      cell.forward(cache, inputs[k], w.layers[k], state.h[k], state.c[k], d);
      copyRow(state.h[k], cache.h, last, H);
      if (cell.hasCellState) copyRow(state.c[k], cache.c, last, H);
    }
    linearForward(this.logits, caches[this.L - 1].h, w.decoderWeight, w.decoderBias, T, this.V, H);
    return this.logits;
  }
}

/** to[0 .. n) = from[o .. o+n). */
function copyRow(to: Floats, from: Floats, o: number, n: number): void {
  for (let j = 0; j < n; j++) to[j] = from[o + j];
}
