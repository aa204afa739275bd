/**
 * Forward-only inference for ONE stream (B = 1), the path behind sampling (T = 1 per call) and
 * streaming scoring (chunks of up to maxT steps). It walks the same layer stack as
 * DirectionRunner.forward (layer-stack.ts) through the same cells and decoder, with the same T
 * per call, so it gives the same logits bit for bit; what it leaves out is what only training
 * needs: dropout, gradient buffers, caches kept for backward, and the copy of a caller's state
 * in and out at every call (the carried state lives here, in engine memory: each layer reads
 * its initial state from it, and its final state replaces it).
 *
 * Per call it allocates nothing: the layer passes are built once (T is set per call), and the
 * ids are copied into an Int32Array of its own (so any IdArray can be read).
 *
 * Dimension legend: T steps of this call (<= maxT), H hidden, V vocabulary, L layers.
 */
import type { IdArray } from '../data/ids.js';
import type { Engine, Tensor } from '../engine/engine.js';
import { CELL_KERNELS } from '../nn/cells.js';
import type { Cell } from '../nn/cell.js';
import type { LayerPass } from '../nn/layer.js';
import { linearForward, type Linear } from '../nn/linear.js';
import type { CharLM } from './charlm.js';
import { baseCellOf, type Direction } from './config.js';
import { runLayers } from './layer-stack.js';
import { resetState, zeroState, type RecurrentState } from './recurrent-state.js';

export class InferenceRunner {
  readonly direction: Direction;
  readonly maxT: number;
  readonly engine: Engine;
  /** (maxT x V) logits of the last call that asked for them, row t for step t. */
  readonly logits: Tensor;
  /** The carried state (B = 1): h (H) and c (H, lstm; zeros otherwise) per layer, after the
   *  last step run. Reading or writing it is reading or setting the state. */
  readonly state: RecurrentState;
  private readonly cell: Cell;
  private readonly decoder: Linear;
  private readonly V: number;
  private readonly H: number;
  private readonly ids: Int32Array; // (maxT) layer 0's input
  private readonly passes: LayerPass[]; // per layer, over caches of maxT rows, B = 1
  private readonly top: Tensor; // the last layer's outputs

  constructor(model: CharLM, direction: Direction, maxT: number) {
    if (!(Number.isInteger(maxT) && maxT >= 1)) throw new RangeError(`InferenceRunner: bad maxT ${maxT}`);
    const { vocabSize: V, hidden: H, layers: L } = model.config;
    const engine = model.engine;
    this.engine = engine;
    this.direction = direction;
    this.maxT = maxT;
    this.cell = CELL_KERNELS[baseCellOf(model.config.cell)];
    const w = model.views(direction);
    this.decoder = w.decoder;
    this.V = V;
    this.H = H;
    this.state = zeroState(engine, L, 1, H);
    this.logits = engine.zeros(maxT * V);
    this.ids = new Int32Array(maxT);
    const caches = Array.from({ length: L }, () => this.cell.createCache(engine, maxT, 1, H, true));
    this.passes = caches.map((cache, k) => ({
      cache,
      input: k === 0 ? { ids: this.ids } : { x: caches[k - 1].h },
      w: w.layers[k],
      h0: this.state.h[k],
      c0: this.state.c[k],
      dims: { T: 1, B: 1, H, D: k === 0 ? V : H },
    }));
    this.top = caches[L - 1].h;
  }

  /** Back to the zero state. */
  reset(): void {
    resetState(this.engine, this.state);
  }

  /**
   * Reads one id from the carried state and moves the state on. With logits, leaves the logits
   * (V) of the next symbol in this.logits (row 0) and returns them; without, skips the decoder.
   */
  step(id: number, withLogits: boolean): Tensor | null {
    this.ids[0] = id;
    this.run(1);
    if (!withLogits) return null;
    linearForward(this.engine, this.logits, this.top, this.decoder, 1, this.V, this.H);
    return this.logits;
  }

  /**
   * Reads ids[start .. start+T) (1 <= T <= maxT) from the carried state and moves the state on.
   * Returns this.logits with the logits (T x V) after each step.
   */
  forward(ids: IdArray, start: number, T: number): Tensor {
    if (!(T >= 1 && T <= this.maxT)) throw new RangeError(`InferenceRunner: ${T} steps, at most ${this.maxT}`);
    const x = this.ids;
    for (let t = 0; t < T; t++) x[t] = ids[start + t];
    this.run(T);
    linearForward(this.engine, this.logits, this.top, this.decoder, T, this.V, this.H);
    return this.logits;
  }

  private run(T: number): void {
    for (const pass of this.passes) pass.dims.T = T;
    runLayers(this.engine, this.cell, this.passes, this.state);
  }
}
