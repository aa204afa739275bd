/**
 * LSTM cell, PyTorch's definition and gate order (i, f, g, o):
 *   i = sigma(W_ii x + b_ii + W_hi h + b_hi)     f = sigma(W_if x + b_if + W_hf h + b_hf)
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg)      o = sigma(W_io x + b_io + W_ho h + b_ho)
 *   c' = f * c + i * g                           h' = o * tanh(c')
 *
 * Shapes: gates (T*B x 4H) hold i|f|g|o per row after forward; c, aux = tanh(c), h: (T*B x H).
 *
 * The time loops below are the reference. With the wasm engine and every buffer in its arena,
 * the same loops run in WebAssembly instead (asm/cells.ts), one call per layer.
 */
import type { Floats, FloatCtor } from '../tensor/types.js';
import { addBiasRows, lstmBackwardInWasm, lstmForwardInWasm, matmulNN, matmulNT } from '../tensor/backend.js';
import type { Cell } from './cell.js';
import {
  accumulateWeightGrads,
  createLayerCache,
  previousHidden,
  projectInput,
  sigmoid,
  type LayerCache,
  type LayerDims,
  type LayerInput,
  type LayerWeights,
} from './layer.js';

const G = 4;

export const lstmCell: Cell = {
  gates: G,
  hasCellState: true,

  createCache<F extends Floats>(ctor: FloatCtor, rows: number, B: number, H: number, forwardOnly = false): LayerCache<F> {
    return createLayerCache<F>(ctor, G, true, true, false, rows, B, H, forwardOnly);
  },

  forward<F extends Floats>(cache: LayerCache<F>, input: LayerInput<F>, w: LayerWeights<F>, h0: F, c0: F, dims: LayerDims): void {
    const { T, B, H, D } = dims;
    const GH = G * H;
    const { gates, h, c, aux } = cache;
    projectInput(gates, input, w, T * B, GH, D);
    // Both biases are constant per step, so b_hh joins b_ih before the time loop.
    addBiasRows(gates, w.bHh, T * B, GH);
    if (lstmForwardInWasm(gates, h, c, aux, h0, c0, w.wHh, T, B, H)) return;
    for (let t = 0; t < T; t++) {
      const prev = previousHidden(h, h0, t, B, H);
      matmulNT(gates.subarray(t * B * GH), prev.buf.subarray(prev.off), w.wHh, B, GH, H);
      const cPrev = t === 0 ? c0 : c;
      const cPrevOff = t === 0 ? 0 : (t - 1) * B * H;
      for (let b = 0; b < B; b++) {
        const g0 = (t * B + b) * GH;
        const s0 = (t * B + b) * H;
        const p0 = cPrevOff + b * H;
        for (let j = 0; j < H; j++) {
          const ig = sigmoid(gates[g0 + j]);
          const fg = sigmoid(gates[g0 + H + j]);
          const gg = Math.tanh(gates[g0 + 2 * H + j]);
          const og = sigmoid(gates[g0 + 3 * H + j]);
          const cNew = fg * cPrev[p0 + j] + ig * gg;
          const tc = Math.tanh(cNew);
          gates[g0 + j] = ig;
          gates[g0 + H + j] = fg;
          gates[g0 + 2 * H + j] = gg;
          gates[g0 + 3 * H + j] = og;
          c[s0 + j] = cNew;
          aux[s0 + j] = tc;
          h[s0 + j] = og * tc;
        }
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
    c0: F,
    dims: LayerDims,
  ): void {
    const { T, B, H } = dims;
    const { gates, c, aux, dGates, dhCarry, dcCarry } = cache;
    if (!lstmBackwardInWasm(dGates, dh0, dc0, dhCarry, dcCarry, dh, gates, c, aux, c0, w.wHh, cache.wPack, T, B, H)) {
      backwardTimeLoop(dh0, dc0, dh, cache, w, c0, dims);
    }
    accumulateWeightGrads(dw, dx, cache, input, w, h0, G, dims);
  },
};

/** The backward time loop: dGates for every step, dh0 and dc0 (the reference for asm/cells.ts). */
function backwardTimeLoop<F extends Floats>(dh0: F, dc0: F, dh: F, cache: LayerCache<F>, w: LayerWeights<F>, c0: F, dims: LayerDims): void {
  const { T, B, H } = dims;
  const GH = G * H;
  const { gates, c, aux, dGates, dhCarry, dcCarry } = cache;
  dhCarry.fill(0, 0, B * H);
  dcCarry.fill(0, 0, B * H);
  for (let t = T - 1; t >= 0; t--) {
    const cPrev = t === 0 ? c0 : c;
    const cPrevOff = t === 0 ? 0 : (t - 1) * B * H;
    for (let b = 0; b < B; b++) {
      const g0 = (t * B + b) * GH;
      const s0 = (t * B + b) * H;
      const p0 = cPrevOff + b * H;
      const k0 = b * H;
      for (let j = 0; j < H; j++) {
        const ig = gates[g0 + j];
        const fg = gates[g0 + H + j];
        const gg = gates[g0 + 2 * H + j];
        const og = gates[g0 + 3 * H + j];
        const tc = aux[s0 + j];
        const dhj = dh[s0 + j] + dhCarry[k0 + j];
        const dc = dcCarry[k0 + j] + dhj * og * (1 - tc * tc);
        dGates[g0 + j] = dc * gg * ig * (1 - ig);
        dGates[g0 + H + j] = dc * cPrev[p0 + j] * fg * (1 - fg);
        dGates[g0 + 2 * H + j] = dc * ig * (1 - gg * gg);
        dGates[g0 + 3 * H + j] = dhj * tc * og * (1 - og);
        dcCarry[k0 + j] = dc * fg;
      }
    }
    dhCarry.fill(0, 0, B * H);
    matmulNN(dhCarry, dGates.subarray(t * B * GH), w.wHh, B, H, GH);
  }
  dh0.set(dhCarry.subarray(0, B * H));
  dc0.set(dcCarry.subarray(0, B * H));
}
