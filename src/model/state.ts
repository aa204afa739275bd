/**
 * The recurrent state carried between chunks (truncated BPTT, streaming evaluation, sampling):
 * per layer h (B x H) and, for an lstm, c (B x H). Carrying it is copying values: no gradient
 * flows back across a chunk boundary.
 */
import type { Floats, FloatCtor } from '../tensor/types.js';

export interface RecurrentState<F extends Floats> {
  B: number;
  h: F[]; // per layer (B x H)
  c: F[]; // per layer (B x H); zeros and unused for rnn and gru
}

export function zeroState<F extends Floats>(ctor: FloatCtor, layers: number, B: number, H: number): RecurrentState<F> {
  // Ordinary memory: the runner copies the state into its own engine buffers at each chunk.
  const make = () => new ctor(B * H) as F;
  return { B, h: Array.from({ length: layers }, make), c: Array.from({ length: layers }, make) };
}

export function resetState<F extends Floats>(state: RecurrentState<F>): void {
  for (const x of state.h) x.fill(0);
  for (const x of state.c) x.fill(0);
}

export function copyState<F extends Floats>(to: RecurrentState<F>, from: RecurrentState<F>): void {
  for (let k = 0; k < from.h.length; k++) {
    to.h[k].set(from.h[k]);
    to.c[k].set(from.c[k]);
  }
}
