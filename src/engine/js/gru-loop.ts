/**
 * The GRU time loops of the reference engine, PyTorch's definition and gate order (r, z, n):
 *   r = sigma(W_ir x + b_ir + W_hr h + b_hr)
 *   z = sigma(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 *   h' = (1 - z) * n + z * h
 * (Some texts write h' = (1 - z) * h + z * n: the same family with z relabelled. We follow
 * PyTorch so that checkpoints load into torch.nn.GRU.)
 *
 * Because r multiplies (W_hn h + b_hn) alone, the hidden side is computed per step here with its
 * own bias: aux (T*B x H) keeps W_hn h + b_hn, and the backward pass has two gate gradients,
 * dGates (input side) and dGatesH (hidden side). Shapes: gates (T*B x 3H) hold x W_ih^T + b_ih
 * on entry and r|z|n per row after forward; h, aux: (T*B x H); hh: (B x 3H). The wasm engine
 * runs the same loops in asm/cells.ts, tested against these.
 */
import type { CellBackwardOf, CellForwardOf } from '../engine.js';
import type { Floats } from '../floats.js';
import { addBiasRows, matmulNN, matmulNT } from './matmul.js';
import { previousHidden, sigmoid } from './loop-helpers.js';

const G = 3;

export function gruForwardLoop({ cache, w, h0, dims }: CellForwardOf<Floats>): void {
  const { T, B, H } = dims;
  const GH = G * H;
  const { gates, h, aux, hh } = cache;
  for (let t = 0; t < T; t++) {
    const prev = previousHidden(h, h0, t, B, H);
    hh.fill(0, 0, B * GH);
    matmulNT(hh, prev.buf.subarray(prev.off), w.wHh, B, GH, H);
    addBiasRows(hh, w.bHh, B, GH);
    for (let b = 0; b < B; b++) {
      const g0 = (t * B + b) * GH;
      const k0 = b * GH;
      const s0 = (t * B + b) * H;
      const p0 = prev.off + b * H;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(gates[g0 + j] + hh[k0 + j]);
        const z = sigmoid(gates[g0 + H + j] + hh[k0 + H + j]);
        const hn = hh[k0 + 2 * H + j];
        const n = Math.tanh(gates[g0 + 2 * H + j] + r * hn);
        gates[g0 + j] = r;
        gates[g0 + H + j] = z;
        gates[g0 + 2 * H + j] = n;
        aux[s0 + j] = hn;
        h[s0 + j] = (1 - z) * n + z * prev.buf[p0 + j];
      }
    }
  }
}

/** dGates and dGatesH for every step, and dh0. */
export function gruBackwardLoop({ cache, w, h0, dims, dh, dh0 }: CellBackwardOf<Floats>): void {
  const { T, B, H } = dims;
  const GH = G * H;
  const { gates, h, aux, dGates, dGatesH, dhCarry } = cache;
  dhCarry.fill(0, 0, B * H);
  for (let t = T - 1; t >= 0; t--) {
    const prev = previousHidden(h, h0, t, B, H);
    for (let b = 0; b < B; b++) {
      const g0 = (t * B + b) * GH;
      const s0 = (t * B + b) * H;
      const p0 = prev.off + b * H;
      const k0 = b * H;
      for (let j = 0; j < H; j++) {
        const r = gates[g0 + j];
        const z = gates[g0 + H + j];
        const n = gates[g0 + 2 * H + j];
        const hn = aux[s0 + j];
        const dhj = dh[s0 + j] + dhCarry[k0 + j];
        const dnPre = dhj * (1 - z) * (1 - n * n);
        const drPre = dnPre * hn * r * (1 - r);
        const dzPre = dhj * (prev.buf[p0 + j] - n) * z * (1 - z);
        dGates[g0 + j] = drPre;
        dGates[g0 + H + j] = dzPre;
        dGates[g0 + 2 * H + j] = dnPre;
        dGatesH[g0 + j] = drPre;
        dGatesH[g0 + H + j] = dzPre;
        dGatesH[g0 + 2 * H + j] = dnPre * r;
        // The direct path z * h; the path through W_hh is added below for the whole row.
        dhCarry[k0 + j] = dhj * z;
      }
    }
    matmulNN(dhCarry, dGatesH.subarray(t * B * GH), w.wHh, B, H, GH);
  }
  dh0.set(dhCarry.subarray(0, B * H));
}
