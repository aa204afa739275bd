/**
 * The one-hot input of layer 0 as a column gather (never a matrix product), and its
 * backward scatter, in wasm:
 *
 *   gatherColumns:  out (R x GH) += W[:, ids[r]]       for each row r     (W: GH x V)
 *   scatterColumns: dW[:, ids[r]] += dOut (R x GH)[r]  for each row r
 *
 * ids are i32 at a byte address. A column of W is strided (V floats apart), so walking a whole
 * column per row touches GH cache lines; instead both kernels go through W in blocks of BLOCK
 * rows (BLOCK x V floats, a few KiB that stay in L1) and visit every output row per block.
 * Rows are added in order 0..R-1 into each element, exactly as the JS reference does.
 */

/** Rows of W per block: 16 x V floats (4 KiB at V = 65). */
const BLOCK: i32 = 16;

export function gatherColumns(out: usize, w: usize, ids: usize, R: i32, GH: i32, V: i32): void {
  const rowW = <usize>V << 2;
  for (let g0 = 0; g0 < GH; g0 += BLOCK) {
    const n = min(BLOCK, GH - g0);
    const w0 = w + <usize>g0 * rowW;
    for (let r = 0; r < R; r++) {
      const col = w0 + (<usize>load<i32>(ids + (<usize>r << 2)) << 2);
      const o = out + ((<usize>r * <usize>GH + <usize>g0) << 2);
      let k = 0;
      for (; k + 4 <= n; k += 4) {
        const p = col + <usize>k * rowW;
        let v = f32x4.splat(load<f32>(p));
        v = f32x4.replace_lane(v, 1, load<f32>(p + rowW));
        v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * rowW));
        v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * rowW));
        const q = o + (<usize>k << 2);
        store<v128>(q, f32x4.add(load<v128>(q), v));
      }
      for (; k < n; k++) {
        const q = o + (<usize>k << 2);
        store<f32>(q, load<f32>(q) + load<f32>(col + <usize>k * rowW));
      }
    }
  }
}

export function scatterColumns(dw: usize, dOut: usize, ids: usize, R: i32, GH: i32, V: i32): void {
  const rowW = <usize>V << 2;
  for (let g0 = 0; g0 < GH; g0 += BLOCK) {
    const n = min(BLOCK, GH - g0);
    const w0 = dw + <usize>g0 * rowW;
    for (let r = 0; r < R; r++) {
      const col = w0 + (<usize>load<i32>(ids + (<usize>r << 2)) << 2);
      const o = dOut + ((<usize>r * <usize>GH + <usize>g0) << 2);
      for (let k = 0; k < n; k++) {
        const p = col + <usize>k * rowW;
        store<f32>(p, load<f32>(p) + load<f32>(o + (<usize>k << 2)));
      }
    }
  }
}
