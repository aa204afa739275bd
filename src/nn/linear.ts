/**
 * The decoder: a dense layer from the top hidden state to one logit per symbol.
 *   forward:  logits (R x V) = h (R x H) . W^T + b        W: (V x H), b: (V)
 *   backward: dW += dLogits^T . h;  db += sum of rows;  dh += dLogits . W
 */
import type { Engine, Tensor } from '../engine/engine.js';

export interface Linear {
  w: Tensor;
  b: Tensor;
}

export function linearForward(engine: Engine, out: Tensor, x: Tensor, { w, b }: Linear, R: number, V: number, H: number): void {
  engine.fill(out, 0, 0, R * V);
  engine.matmulNT(out, x, w, R, V, H);
  engine.addBiasRows(out, b, R, V);
}

export function linearBackward(
  engine: Engine,
  grads: Linear,
  dx: Tensor,
  dOut: Tensor,
  x: Tensor,
  { w }: Linear,
  R: number,
  V: number,
  H: number,
): void {
  engine.matmulTN(grads.w, dOut, x, V, H, R);
  engine.sumRows(grads.b, dOut, R, V);
  engine.matmulNN(dx, dOut, w, R, H, V);
}
