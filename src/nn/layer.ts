/**
 * What every recurrent layer shares: its weights (PyTorch layout), its input (ids for layer 0,
 * dense activations above), its cache, and the two halves of the work that do not depend on
 * the cell: projecting the input for all T steps at once, and turning the per-step gate
 * gradients into weight and input gradients after the backward time loop. The time loops
 * themselves are the engine's (src/engine/engine.ts).
 *
 * Dimension legend:
 *   T steps, B streams, H hidden units, G gates (rnn 1, lstm 4, gru 3), D input width
 *   (V for the one-hot layer 0, H above). Activations are time-major: row t*B + b.
 */
import type { CellBackward, CellForward, Engine, LayerCache, LayerWeights, LoopDims, Tensor } from '../engine/engine.js';

export type { LayerCache, LayerWeights };

/** Layer 0 reads character ids (T*B) through a column gather; layers above read x (T*B x D). */
export type LayerInput = { ids: Int32Array; x?: undefined } | { x: Tensor; ids?: undefined };

export interface LayerDims extends LoopDims {
  D: number;
}

/** One layer over one chunk: what its forward reads and writes (and its backward reads again). */
export interface LayerPass extends CellForward {
  input: LayerInput;
  dims: LayerDims;
}

/** What a layer's backward writes: weight gradients (accumulated), the input's (accumulated, or
 *  null for layer 0), and the initial state's (overwritten); dh is the gradient w.r.t. its outputs. */
export interface LayerGrads {
  dw: LayerWeights;
  dx: Tensor | null;
  dh: Tensor;
  dh0: Tensor;
  dc0: Tensor;
}

/** A layer's buffers for chunks of up to `rows` = T*B rows of B streams. */
export function createLayerCache(
  engine: Engine,
  shape: { G: number; cellState: boolean; aux: boolean; hiddenGrad: boolean },
  rows: number,
  B: number,
  H: number,
  forwardOnly: boolean,
): LayerCache {
  const { G } = shape;
  const dGates = engine.zeros(rows * G * H);
  return {
    gates: engine.zeros(rows * G * H),
    h: engine.zeros(rows * H),
    c: engine.zeros(shape.cellState ? rows * H : 0),
    aux: engine.zeros(shape.aux ? rows * H : 0),
    dGates,
    dGatesH: shape.hiddenGrad ? engine.zeros(rows * G * H) : dGates,
    hh: engine.zeros(B * G * H),
    dhCarry: engine.zeros(B * H),
    dcCarry: engine.zeros(B * H),
    wPack: engine.zeros(forwardOnly ? 0 : G * H * H),
  };
}

/** gates (T*B x G*H) = input . W_ih^T + b_ih, for every step at once. */
export function projectInput(engine: Engine, { cache, input, w, dims }: LayerPass, G: number): void {
  const { T, B, H, D } = dims;
  const rows = T * B;
  const GH = G * H;
  engine.fill(cache.gates, 0, 0, rows * GH);
  if (input.ids) engine.gatherColumns(cache.gates, w.wIh, input.ids, rows, GH, D);
  else engine.matmulNT(cache.gates, input.x, w.wIh, rows, GH, D);
  engine.addBiasRows(cache.gates, w.bIh, rows, GH);
}

/** The record of a layer's backward time loop. */
export function backwardLoop(pass: LayerPass, grads: LayerGrads): CellBackward {
  return { cache: pass.cache, w: pass.w, h0: pass.h0, c0: pass.c0, dims: pass.dims, dh: grads.dh, dh0: grads.dh0, dc0: grads.dc0 };
}

/**
 * After the backward time loop: weight, bias and input gradients from the gate gradients.
 *   dW_ih += dGates^T . input     (a column scatter for ids)
 *   dW_hh += dGatesH^T . h_{t-1}  (h0 for t = 0, h_{t-1} after)
 *   dx    += dGates . W_ih        (dense input only)
 */
export function accumulateWeightGrads(engine: Engine, { cache, input, w, h0, dims }: LayerPass, { dw, dx }: LayerGrads, G: number): void {
  const { T, B, H, D } = dims;
  const rows = T * B;
  const GH = G * H;
  if (input.ids) engine.scatterColumns(dw.wIh, cache.dGates, input.ids, rows, GH, D);
  else {
    engine.matmulTN(dw.wIh, cache.dGates, input.x, GH, D, rows);
    if (dx) engine.matmulNN(dx, cache.dGates, w.wIh, rows, D, GH);
  }
  engine.sumRows(dw.bIh, cache.dGates, rows, GH);
  engine.sumRows(dw.bHh, cache.dGatesH, rows, GH);
  // Step 0 pairs with h0; steps 1..T-1 pair with outputs 0..T-2, which are contiguous rows.
  engine.matmulTN(dw.wHh, cache.dGatesH, h0, GH, H, B);
  if (T > 1) {
    const later = engine.view(cache.dGatesH, B * GH, engine.size(cache.dGatesH) - B * GH);
    engine.matmulTN(dw.wHh, later, cache.h, GH, H, (T - 1) * B);
  }
}
