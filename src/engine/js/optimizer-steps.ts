/**
 * The end of a training step over flat buffers, as JavaScript computes it (float64 arithmetic,
 * rounded to the buffers' precision on store): the reference the wasm kernels (asm/optim.ts) are
 * tested against bit for bit. Definitions follow PyTorch's (torch.optim.Adam without weight
 * decay, RMSprop, SGD with momentum). Legend: p parameters, g gradients, m, v, u the optimizer's
 * moment buffers; all the same length.
 *
 *   adam:    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= stepSize m / (sqrt(v) / sqrtC2 + eps)
 *            with stepSize = lr / (1 - b1^t) and sqrtC2 = sqrt(1 - b2^t) at step t (bias correction)
 *   rmsprop: v = a v + (1 - a) g^2;  p -= lr g / (sqrt(v) + eps)
 *   sgd:     u = mu u + g (u = g at the first step, as PyTorch);  p -= lr u
 *
 * Also the other passes over every gradient of a step: addInto, the sum of gradient shards
 * (dst (n) += src (n)), and sumSquares and scaleInPlace, global-norm clipping's two halves.
 */
import type { Floats } from '../floats.js';

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;
const EPS = 1e-8;
const RMSPROP_ALPHA = 0.99;
const SGD_MOMENTUM = 0.9;

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

export function rmspropUpdate(p: Floats, g: Floats, v: Floats, lr: number): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const vi = RMSPROP_ALPHA * v[i] + (1 - RMSPROP_ALPHA) * gi * gi;
    v[i] = vi;
    p[i] -= (lr * gi) / (Math.sqrt(vi) + EPS);
  }
}

export function sgdUpdate(p: Floats, g: Floats, u: Floats, lr: number, first: boolean): void {
  for (let i = 0; i < p.length; i++) {
    const ui = first ? g[i] : SGD_MOMENTUM * u[i] + g[i];
    u[i] = ui;
    p[i] -= lr * ui;
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
