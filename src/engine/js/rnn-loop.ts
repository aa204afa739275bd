/**
 * The Elman RNN (tanh) time loops of the reference engine, PyTorch's definition:
 *   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 *
 * Shapes: gates (T*B x H) hold the pre-activation on entry (input projection and both biases,
 * src/nn/rnn.ts), then h' itself; h: (T*B x H). The wasm engine runs the same loops in
 * asm/cells.ts, tested against these.
 */
import type { CellBackwardOf, CellForwardOf } from '../engine.js';
import type { Floats } from '../floats.js';
import { matmulNN, matmulNT } from './matmul.js';
import { previousHidden } from './loop-helpers.js';

export function rnnForwardLoop({ cache, w, h0, dims }: CellForwardOf<Floats>): void {
  const { T, B, H } = dims;
  const { gates, h } = cache;
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
}

/** dGates for every step and dh0. */
export function rnnBackwardLoop({ cache, w, dims, dh, dh0 }: CellBackwardOf<Floats>): void {
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
