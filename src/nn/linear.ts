/**
 * The decoder: a dense layer from the top hidden state to one logit per symbol.
 *   forward:  logits (R x V) = h (R x H) . W^T + b        W: (V x H), b: (V)
 *   backward: dW += dLogits^T . h;  db += sum of rows;  dh += dLogits . W
 */
import type { Floats } from '../tensor/types.js';
import { addBiasRows, matmulNN, matmulNT, matmulTN, sumRows } from '../tensor/backend.js';

export function linearForward<F extends Floats>(out: F, x: F, w: F, b: F, R: number, V: number, H: number): void {
  out.fill(0, 0, R * V);
  matmulNT(out, x, w, R, V, H);
  addBiasRows(out, b, R, V);
}

export function linearBackward<F extends Floats>(
  dw: F,
  db: F,
  dx: F,
  dOut: F,
  x: F,
  w: F,
  R: number,
  V: number,
  H: number,
): void {
  matmulTN(dw, dOut, x, V, H, R);
  sumRows(db, dOut, R, V);
  matmulNN(dx, dOut, w, R, H, V);
}
