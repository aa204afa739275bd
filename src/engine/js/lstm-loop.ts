/**
 * The LSTM time loops of the reference engine, PyTorch's definition and gate order (i, f, g, o):
 *   i = sigma(W_ii x + b_ii + W_hi h + b_hi)     f = sigma(W_if x + b_if + W_hf h + b_hf)
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg)      o = sigma(W_io x + b_io + W_ho h + b_ho)
 *   c' = f * c + i * g                           h' = o * tanh(c')
 *
 * Shapes: gates (T*B x 4H) hold the pre-activations on entry (input projection and both biases,
 * src/nn/lstm.ts) and i|f|g|o per row after forward; c, aux = tanh(c), h: (T*B x H). The wasm
 * engine runs the same loops in asm/cells.ts, tested against these.
 */
import type { CellBackwardOf, CellForwardOf } from '../engine.js';
import type { Floats } from '../floats.js';
import { matmulNN, matmulNT } from './matmul.js';
import { previousHidden, sigmoid } from './loop-helpers.js';

const G = 4;

export function lstmForwardLoop({ cache, w, h0, c0, dims }: CellForwardOf<Floats>): void {
  const { T, B, H } = dims;
  const GH = G * H;
  const { gates, h, c, aux } = cache;
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
}

/** dGates for every step, dh0 and dc0. */
export function lstmBackwardLoop({ cache, w, c0, dims, dh, dh0, dc0 }: CellBackwardOf<Floats>): void {
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
