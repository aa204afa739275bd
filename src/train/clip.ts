/**
 * Global-norm gradient clipping (as torch.nn.utils.clip_grad_norm_): if the L2 norm of all
 * gradients together exceeds maxNorm, scale them all by maxNorm / (norm + 1e-6).
 * Returns the norm before clipping (non-finite if the gradients are). maxNorm <= 0 disables it.
 */
import type { Floats } from '../tensor/types.js';
import { scaleInPlace, sumSquares } from '../tensor/backend.js';

export function clipGlobalNorm(grads: Floats, maxNorm: number): number {
  const norm = Math.sqrt(sumSquares(grads));
  if (maxNorm > 0 && norm > maxNorm && Number.isFinite(norm)) scaleInPlace(grads, maxNorm / (norm + 1e-6));
  return norm;
}
