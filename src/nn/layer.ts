/**
 * What every recurrent layer shares: its weights (PyTorch layout), its input (ids for layer 0,
 * dense activations above), its cache, and the two halves of the work that do not depend on
 * the cell: projecting the input for all T steps at once, and turning the per-step gate
 * gradients into weight and input gradients after the backward time loop.
 *
 * Dimension legend:
 *   T steps, B streams, H hidden units, G gates (rnn 1, lstm 4, gru 3), D input width
 *   (V for the one-hot layer 0, H above). Activations are time-major: row t*B + b.
 */
import type { Floats, FloatCtor } from '../tensor/types.js';
import { allocLike } from '../tensor/alloc.js';
import { addBiasRows, gatherColumns, matmulNN, matmulNT, matmulTN, scatterColumns, sumRows } from '../tensor/backend.js';

export interface LayerWeights<F extends Floats> {
  wIh: F; // (G*H x D)
  wHh: F; // (G*H x H)
  bIh: F; // (G*H)
  bHh: F; // (G*H)
}

/** Layer 0 reads character ids (T*B) through a column gather; layers above read x (T*B x D). */
export type LayerInput<F extends Floats> = { ids: Int32Array; x?: undefined } | { x: F; ids?: undefined };

export interface LayerDims {
  T: number;
  B: number;
  H: number;
  D: number;
}

/** Buffers one layer needs for a chunk; sized for the largest T*B it will see. */
export interface LayerCache<F extends Floats> {
  gates: F; // (T*B x G*H) pre-activations, replaced by the activated gates during forward
  h: F; // (T*B x H) outputs h_t
  c: F; // (T*B x H) lstm cell states c_t (empty for other cells)
  aux: F; // (T*B x H) lstm: tanh(c_t); gru: W_hn h_{t-1} + b_hn (empty for rnn)
  dGates: F; // (T*B x G*H) gradient w.r.t. the input-side pre-activations
  dGatesH: F; // (T*B x G*H) gru: gradient w.r.t. the hidden-side pre-activations; aliases dGates otherwise
  hh: F; // (B x G*H) scratch: h_{t-1} W_hh^T
  dhCarry: F; // (B x H) scratch: gradient flowing to h_{t-1}
  dcCarry: F; // (B x H) scratch: gradient flowing to c_{t-1}
  wPack: F; // (G*H x H) scratch: the wasm backward's packed copy of W_hh (empty for a forward-only cache)
}

export function createLayerCache<F extends Floats>(
  ctor: FloatCtor,
  G: number,
  hasCellState: boolean,
  hasAux: boolean,
  separateHiddenGrad: boolean,
  rows: number,
  B: number,
  H: number,
  forwardOnly: boolean,
): LayerCache<F> {
  const make = (n: number) => allocLike<F>(ctor, n);
  const dGates = make(rows * G * H);
  return {
    gates: make(rows * G * H),
    h: make(rows * H),
    c: make(hasCellState ? rows * H : 0),
    aux: make(hasAux ? rows * H : 0),
    dGates,
    dGatesH: separateHiddenGrad ? make(rows * G * H) : dGates,
    hh: make(B * G * H),
    dhCarry: make(B * H),
    dcCarry: make(B * H),
    wPack: make(forwardOnly ? 0 : G * H * H),
  };
}

/** gates (T*B x G*H) = input . W_ih^T + b_ih, for every step at once. */
export function projectInput<F extends Floats>(
  gates: F,
  input: LayerInput<F>,
  w: LayerWeights<F>,
  rows: number,
  GH: number,
  D: number,
): void {
  gates.fill(0, 0, rows * GH);
  if (input.ids) gatherColumns(gates, w.wIh, input.ids, rows, GH, D);
  else matmulNT(gates, input.x, w.wIh, rows, GH, D);
  addBiasRows(gates, w.bIh, rows, GH);
}

/** The row of h_{t-1} for step t: the initial state at t = 0, the layer's own output after. */
export function previousHidden<F extends Floats>(h: F, h0: F, t: number, B: number, H: number): { buf: F; off: number } {
  return t === 0 ? { buf: h0, off: 0 } : { buf: h, off: (t - 1) * B * H };
}

/**
 * After the backward time loop: weight, bias and input gradients from the gate gradients.
 *   dW_ih += dGates^T . input     (a column scatter for ids)
 *   dW_hh += dGatesH^T . h_{t-1}  (h0 for t = 0, h_{t-1} after)
 *   dx    += dGates . W_ih        (dense input only)
 */
export function accumulateWeightGrads<F extends Floats>(
  dw: LayerWeights<F>,
  dx: F | null,
  cache: LayerCache<F>,
  input: LayerInput<F>,
  w: LayerWeights<F>,
  h0: F,
  G: number,
  dims: LayerDims,
): void {
  const { T, B, H, D } = dims;
  const rows = T * B;
  const GH = G * H;
  if (input.ids) scatterColumns(dw.wIh, cache.dGates, input.ids, rows, GH, D);
  else {
    matmulTN(dw.wIh, cache.dGates, input.x, GH, D, rows);
    if (dx) matmulNN(dx, cache.dGates, w.wIh, rows, D, GH);
  }
  sumRows(dw.bIh, cache.dGates, rows, GH);
  sumRows(dw.bHh, cache.dGatesH, rows, GH);
  // Step 0 pairs with h0; steps 1..T-1 pair with outputs 0..T-2, which are contiguous rows.
  matmulTN(dw.wHh, cache.dGatesH, h0, GH, H, B);
  if (T > 1) matmulTN(dw.wHh, cache.dGatesH.subarray(B * GH), cache.h, GH, H, (T - 1) * B);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
