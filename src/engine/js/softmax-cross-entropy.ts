/**
 * Fused, numerically stable softmax cross-entropy over rows of logits (the reference of
 * asm/softmax.ts).
 *
 *   logits (N x V), targets (N) -> returns the summed loss in nats;
 *   if dLogits is given, writes scale * (softmax(logits) - onehot(target)) into it,
 *   the gradient of scale * loss.
 */
import { exp, log } from '../../numerics/fdlibm.js';
import { rowMax, sumExp } from '../../numerics/log-softmax.js';
import type { Floats } from '../floats.js';

export function softmaxCrossEntropy(
  logits: Floats,
  targets: Int32Array,
  N: number,
  V: number,
  dLogits: Floats | null,
  scale: number,
): number {
  let loss = 0;
  for (let r = 0; r < N; r++) {
    const o = r * V;
    const max = rowMax(logits, o, V);
    const logSum = log(sumExp(logits, o, V, max)) + max;
    const target = targets[r];
    loss += logSum - logits[o + target];
    if (dLogits) {
      for (let v = 0; v < V; v++) dLogits[o + v] = scale * exp(logits[o + v] - logSum);
      dLogits[o + target] -= scale;
    }
  }
  return loss;
}
