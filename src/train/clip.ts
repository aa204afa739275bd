/**
 * Global-norm gradient clipping (as torch.nn.utils.clip_grad_norm_): if the L2 norm of all
 * gradients together exceeds maxNorm, scale them all by maxNorm / (norm + 1e-6).
 * Returns the norm before clipping (non-finite if the gradients are). maxNorm <= 0 disables it.
 */
import type { Floats } from '../tensor/types.js';

export function clipGlobalNorm(grads: Floats, maxNorm: number): number {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += grads[i] * grads[i];
  const norm = Math.sqrt(sum);
  if (maxNorm > 0 && norm > maxNorm && Number.isFinite(norm)) {
    const scale = maxNorm / (norm + 1e-6);
    for (let i = 0; i < grads.length; i++) grads[i] *= scale;
  }
  return norm;
}
