/**
 * One direction of the language model over a chunk of T steps for B streams: the layer stack,
 * dropout between layers, the decoder, the loss, and the backward pass through all of it.
 * Training and batched evaluation run through this path; one-stream scoring and sampling use
 * the forward-only InferenceRunner (inference-runner.ts), which walks the same layer stack
 * (layer-stack.ts) through the same cells and decoder and is tested to give the same logits bit
 * for bit.
 *
 * Dimension legend: T steps, B streams, rows = T*B (time-major: row t*B + b), H hidden,
 * V vocabulary, L layers.
 */
import type { Engine, Tensor } from '../engine/engine.js';
import { CELL_KERNELS } from '../nn/cells.js';
import type { Cell } from '../nn/cell.js';
import type { LayerCache, LayerInput, LayerPass } from '../nn/layer.js';
import { linearBackward, linearForward } from '../nn/linear.js';
import type { CharLM, DirectionViews } from './charlm.js';
import { baseCellOf, type Direction } from './config.js';
import { runLayers } from './layer-stack.js';
import type { RecurrentState } from './recurrent-state.js';

/** Dropout of one chunk: the probability, the step's seed, and where the chunk's streams sit in
 *  the batch (a batch split across threads gets the masks one thread would). */
export interface DropoutSpec {
  p: number;
  seed: number;
  /** Global index of this chunk's first stream (default 0), and the batch's stream count (default B). */
  firstStream?: number;
  totalStreams?: number;
}

export class DirectionRunner {
  readonly direction: Direction;
  private readonly engine: Engine;
  private readonly cell: Cell;
  private readonly w: DirectionViews<Tensor>;
  private readonly V: number;
  private readonly H: number;
  private readonly L: number;
  private readonly maxRows: number;
  private readonly caches: LayerCache[];
  private readonly masks: Tensor[]; // (rows x H) per gap between layers
  private readonly dropped: Tensor[]; // (rows x H) masked output of layer k, the input of layer k+1
  private readonly dh: Tensor[]; // (rows x H) gradient w.r.t. each layer's outputs
  private readonly dx: Tensor; // (rows x H) scratch: gradient w.r.t. a layer's dense input
  readonly h0: Tensor[]; // (B x H) initial state of the last forward, per layer
  readonly c0: Tensor[];
  readonly dh0: Tensor[]; // (B x H) gradient w.r.t. the initial state, after backward
  readonly dc0: Tensor[];
  readonly logits: Tensor; // (rows x V)
  private readonly dLogits: Tensor; // (rows x V)
  /** The last forward's layer passes (backward goes through them again). */
  private passes: LayerPass[] = [];
  private T = 0;
  private B = 0;
  private usedDropout = false;

  constructor(model: CharLM, direction: Direction, maxT: number, maxB: number) {
    const { vocabSize: V, hidden: H, layers: L } = model.config;
    const engine = model.engine;
    this.direction = direction;
    this.engine = engine;
    this.cell = CELL_KERNELS[baseCellOf(model.config.cell)];
    this.w = model.views(direction);
    this.V = V;
    this.H = H;
    this.L = L;
    this.maxRows = maxT * maxB;
    const rows = this.maxRows;
    const make = (n: number) => engine.zeros(n);
    const perLayer = (n: number) => Array.from({ length: L }, () => make(n));
    this.caches = Array.from({ length: L }, () => this.cell.createCache(engine, rows, maxB, H));
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
  forward(x: Int32Array, T: number, B: number, state: RecurrentState, dropout: DropoutSpec | null): Tensor {
    const { engine, H, V, L } = this;
    const rows = T * B;
    if (rows > this.maxRows) throw new Error(`chunk of ${rows} rows exceeds the runner's ${this.maxRows}`);
    this.T = T;
    this.B = B;
    const usedDropout = dropout !== null && dropout.p > 0;
    this.usedDropout = usedDropout;
    for (let k = 0; k < L; k++) {
      engine.copy(this.h0[k], state.h[k], B * H);
      engine.copy(this.c0[k], state.c[k], B * H);
    }
    const input = (k: number): LayerInput => (k === 0 ? { ids: x } : { x: usedDropout ? this.dropped[k - 1] : this.caches[k - 1].h });
    this.passes = this.caches.map((cache, k) => ({
      cache,
      input: input(k),
      w: this.w.layers[k],
      h0: this.h0[k],
      c0: this.c0[k],
      dims: { T, B, H, D: k === 0 ? V : H },
    }));
    runLayers(engine, this.cell, this.passes, state, (k) => {
      if (k < L - 1 && usedDropout) {
        const d = dropout;
        engine.dropoutMask(this.masks[k], {
          p: d.p,
          seed: d.seed,
          gap: k,
          firstStream: d.firstStream ?? 0,
          totalStreams: d.totalStreams ?? B,
          T,
          B,
          H,
        });
        engine.applyMask(this.dropped[k], this.caches[k].h, this.masks[k], rows * H);
      }
    });
    linearForward(engine, this.logits, this.caches[L - 1].h, this.w.decoder, rows, V, H);
    return this.logits;
  }

  /** Summed cross-entropy (nats) of the last forward against targets y; with grad, keeps scale * dLoss/dLogits. */
  loss(y: Int32Array, withGrad: boolean, scale = 1): Promise<number> {
    return this.engine.softmaxCrossEntropy(this.logits, y, this.T * this.B, this.V, withGrad ? this.dLogits : null, scale);
  }

  /** Backward from the gradient left by loss(y, true); accumulates (+=) into grads. */
  backward(grads: DirectionViews<Tensor>): void {
    const { engine, T, B, H, V, L } = this;
    const rows = T * B;
    const top = this.dh[L - 1];
    engine.fill(top, 0, 0, rows * H);
    linearBackward(engine, grads.decoder, top, this.dLogits, this.caches[L - 1].h, this.w.decoder, rows, V, H);
    for (let k = L - 1; k >= 0; k--) {
      const dx = k > 0 ? this.dx : null;
      if (dx) engine.fill(dx, 0, 0, rows * H);
      this.cell.backward(engine, this.passes[k], { dw: grads.layers[k], dx, dh: this.dh[k], dh0: this.dh0[k], dc0: this.dc0[k] });
      if (dx) {
        const below = this.dh[k - 1];
        if (this.usedDropout) {
          engine.fill(below, 0, 0, rows * H);
          engine.applyMaskAccumulate(below, dx, this.masks[k - 1], rows * H);
        } else engine.copy(below, dx, rows * H);
      }
    }
  }
}
