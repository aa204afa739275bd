/**
 * Adam's update over flat buffers (torch.optim.Adam without weight decay), the reference the
 * wasm kernel (asm/optim.ts) is tested against bit for bit. In f64 arithmetic, as JavaScript
 * computes, rounded to the buffers' precision on store.
 *
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= stepSize m / (sqrt(v) / sqrtC2 + eps)
 *
 * with stepSize = lr / (1 - b1^t) and sqrtC2 = sqrt(1 - b2^t) at step t (bias correction).
 * Legend: p parameters, g gradients, m and v the moments; all the same length.
 *
 * Also the other passes over every gradient of a step: addInto, the sum of gradient shards
 * (dst (n) += src (n)), and sumSquares and scaleInPlace, global-norm clipping's two halves.
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

/** dst[0..n) += src[0..n). */
export function addInto(dst: Floats, src: Floats, n: number): void {
  for (let i = 0; i < n; i++) dst[i] += src[i];
}

/** The sum of x[i]^2 in index order (f64). */
export function sumSquares(x: Floats): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return sum;
}

/** x[i] *= scale for every i. */
export function scaleInPlace(x: Floats, scale: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= scale;
}
