/**
 * Inverted dropout between stacked layers (as torch.nn.LSTM's `dropout`): during training each
 * activation is zeroed with probability p and the survivors scaled by 1/(1-p), so inference
 * needs no rescaling.
 *   mask (N): 0 or 1/(1-p);  out = x * mask;  dx += dOut * mask
 */
import type { Floats } from '../tensor/types.js';
import type { Rng } from '../util/rng.js';

export function fillDropoutMask(mask: Floats, n: number, p: number, rng: Rng): void {
  const keep = 1 / (1 - p);
  for (let i = 0; i < n; i++) mask[i] = rng.next() < p ? 0 : keep;
}

export function applyMask(out: Floats, x: Floats, mask: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = x[i] * mask[i];
}

export function applyMaskAccumulate(dx: Floats, dOut: Floats, mask: Floats, n: number): void {
  for (let i = 0; i < n; i++) dx[i] += dOut[i] * mask[i];
}
