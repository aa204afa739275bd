/**
 * Global-norm gradient clipping (as torch.nn.utils.clip_grad_norm_): if the L2 norm of all
 * gradients together exceeds maxNorm, scale them all by maxNorm / (norm + 1e-6).
 * Returns the norm before clipping (non-finite if the gradients are). maxNorm <= 0 disables it.
 */
import type { Engine, Tensor } from '../engine/engine.js';

export async function clipGlobalNorm(engine: Engine, grads: Tensor, maxNorm: number): Promise<number> {
  const norm = Math.sqrt(await engine.sumSquares(grads));
  if (maxNorm > 0 && norm > maxNorm && Number.isFinite(norm)) engine.scale(grads, maxNorm / (norm + 1e-6));
  return norm;
}
