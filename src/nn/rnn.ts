/**
 * Elman RNN cell with tanh, PyTorch's definition:
 *   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 *
 * Shapes: gates (T*B x H) hold the pre-activation, then h' itself; h: (T*B x H).
 *
 * The time loops below are the reference. With the wasm engine and every buffer in its arena,
 * the same loops run in WebAssembly instead (asm/cells.ts), one call per layer.
 */
import type { Floats, FloatCtor } from '../tensor/types.js';
import { addBiasRows, matmulNN, matmulNT, rnnBackwardInWasm, rnnForwardInWasm } from '../tensor/backend.js';
import type { Cell } from './cell.js';
import {
  accumulateWeightGrads,
  createLayerCache,
  previousHidden,
  projectInput,
  type LayerCache,
  type LayerDims,
  type LayerInput,
  type LayerWeights,
} from './layer.js';

const G = 1;

export const rnnCell: Cell = {
  gates: G,
  hasCellState: false,

  createCache<F extends Floats>(ctor: FloatCtor, rows: number, B: number, H: number, forwardOnly = false): LayerCache<F> {
    return createLayerCache<F>(ctor, G, false, false, false, rows, B, H, forwardOnly);
  },

  forward<F extends Floats>(cache: LayerCache<F>, input: LayerInput<F>, w: LayerWeights<F>, h0: F, _c0: F, dims: LayerDims): void {
    const { T, B, H, D } = dims;
    const { gates, h } = cache;
    projectInput(gates, input, w, T * B, H, D);
    addBiasRows(gates, w.bHh, T * B, H);
    if (rnnForwardInWasm(gates, h, h0, w.wHh, T, B, H)) return;
    for (let t = 0; t < T; t++) {
      const prev = previousHidden(h, h0, t, B, H);
      matmulNT(gates.subarray(t * B * H), prev.buf.subarray(prev.off), w.wHh, B, H, H);
      const s0 = t * B * H;
      for (let i = 0; i < B * H; i++) {
        const v = Math.tanh(gates[s0 + i]);
        gates[s0 + i] = v;
        h[s0 + i] = v;
      }
    }
  },

  backward<F extends Floats>(
    dw: LayerWeights<F>,
    dx: F | null,
    dh0: F,
    dc0: F,
    dh: F,
    cache: LayerCache<F>,
    input: LayerInput<F>,
    w: LayerWeights<F>,
    h0: F,
    _c0: F,
    dims: LayerDims,
  ): void {
    const { T, B, H } = dims;
    const { h, dGates, dhCarry } = cache;
    if (!rnnBackwardInWasm(dGates, dh0, dhCarry, dh, h, w.wHh, cache.wPack, T, B, H)) {
      backwardTimeLoop(dh0, dh, cache, w, dims);
    }
    dc0.fill(0);
    accumulateWeightGrads(dw, dx, cache, input, w, h0, G, dims);
  },
};

/** The backward time loop: dGates for every step and dh0 (the reference for asm/cells.ts). */
function backwardTimeLoop<F extends Floats>(dh0: F, dh: F, cache: LayerCache<F>, w: LayerWeights<F>, dims: LayerDims): void {
  const { T, B, H } = dims;
  const { h, dGates, dhCarry } = cache;
  dhCarry.fill(0, 0, B * H);
  for (let t = T - 1; t >= 0; t--) {
    const s0 = t * B * H;
    for (let i = 0; i < B * H; i++) {
      const v = h[s0 + i];
      dGates[s0 + i] = (dh[s0 + i] + dhCarry[i]) * (1 - v * v);
    }
    dhCarry.fill(0, 0, B * H);
    matmulNN(dhCarry, dGates.subarray(s0), w.wHh, B, H, H);
  }
  dh0.set(dhCarry.subarray(0, B * H));
}
