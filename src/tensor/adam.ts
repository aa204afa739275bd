/**
 * Adam's update over flat buffers (torch.optim.Adam without weight decay), the reference the
 * wasm kernel (asm/optim.ts) is tested against bit for bit. In f64 arithmetic, as JavaScript
 * computes, rounded to the buffers' precision on store.
 *
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= stepSize m / (sqrt(v) / sqrtC2 + eps)
 *
 * with stepSize = lr / (1 - b1^t) and sqrtC2 = sqrt(1 - b2^t) at step t (bias correction).
 * Legend: p parameters, g gradients, m and v the moments; all the same length.
 */
import type { Floats } from './types.js';

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

export function adamUpdate(p: Floats, g: Floats, m: Floats, v: Floats, stepSize: number, sqrtC2: number): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = ADAM_BETA1 * m[i] + (1 - ADAM_BETA1) * gi;
    const vi = ADAM_BETA2 * v[i] + (1 - ADAM_BETA2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= (stepSize * mi) / (Math.sqrt(vi) / sqrtC2 + ADAM_EPS);
  }
}
