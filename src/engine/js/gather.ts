/**
 * The one-hot input of layer 0 times weight_ih (G*H x V) is a column gather, never a product:
 * row r of the result is column ids[r] of W. Its backward scatters back into those columns.
 *
 *   gatherColumns:  out (R x G*H) += W[:, ids[r]]       for each row r
 *   scatterColumns: dW[:, ids[r]] += dOut (R x G*H)[r]  for each row r
 */
import type { Floats } from '../floats.js';

export function gatherColumns(out: Floats, W: Floats, ids: Int32Array, R: number, GH: number, V: number): void {
  for (let r = 0; r < R; r++) {
    const id = ids[r];
    const o = r * GH;
    for (let g = 0; g < GH; g++) out[o + g] += W[g * V + id];
  }
}

export function scatterColumns(dW: Floats, dOut: Floats, ids: Int32Array, R: number, GH: number, V: number): void {
  for (let r = 0; r < R; r++) {
    const id = ids[r];
    const o = r * GH;
    for (let g = 0; g < GH; g++) dW[g * V + id] += dOut[o + g];
  }
}
