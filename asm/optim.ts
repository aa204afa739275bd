/**
 * The passes over every parameter that end a training step (AssemblyScript, WebAssembly SIMD),
 * the fast paths of src/engine/js/optimizer-steps.ts. They run on the main thread while the
 * worker threads wait, so in plain JavaScript they were a noticeable part of a two-thread step at
 * 2 x 512 (BENCHMARKS.md, "Why the kernels are shaped so").
 *
 *   adamUpdate: m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g g;
 *               p -= stepSize m / (sqrt(v) / sqrtC2 + eps)
 *   addArrays:  dst += src (the gradient shards of the worker threads)
 *   sumSquares: sum of x^2 (global-norm clipping);  scaleArray: x *= scale
 *
 * Legend: n = parameters; p, g, m, v, dst, src, x: n floats each (byte addresses in the shared
 * memory).
 * The arithmetic is the reference's operation for operation, in f64 as JavaScript computes it
 * (f64x2 lanes: IEEE multiply, add, divide and square root are correctly rounded, so each lane
 * gives exactly the double the reference gets), rounded to f32 where the reference stores into a
 * Float32Array. So results are bit-identical to the JS reference.
 */

const B1: f64 = 0.9;
const B2: f64 = 0.999;
const EPS: f64 = 1e-8;

export function adamUpdate(p: usize, g: usize, m: usize, v: usize, n: i32, stepSize: f64, sqrtC2: f64): void {
  const b1 = f64x2.splat(B1), b1c = f64x2.splat(1 - B1), b2 = f64x2.splat(B2), b2c = f64x2.splat(1 - B2);
  const eps = f64x2.splat(EPS), ss = f64x2.splat(stepSize), sc = f64x2.splat(sqrtC2);
  const n4 = <usize>(n & ~3) * 4;
  let o: usize = 0;
  for (; o < n4; o += 16) {
    const g4 = load<v128>(g + o), m4 = load<v128>(m + o), v4 = load<v128>(v + o), p4 = load<v128>(p + o);
    // Low and high halves of each vector of four floats as two f64 pairs.
    const gl = f64x2.promote_low_f32x4(g4), gh = f64x2.promote_low_f32x4(v128.shuffle<f32>(g4, g4, 2, 3, 0, 1));
    const ml = f64x2.promote_low_f32x4(m4), mh = f64x2.promote_low_f32x4(v128.shuffle<f32>(m4, m4, 2, 3, 0, 1));
    const vl = f64x2.promote_low_f32x4(v4), vh = f64x2.promote_low_f32x4(v128.shuffle<f32>(v4, v4, 2, 3, 0, 1));
    const pl = f64x2.promote_low_f32x4(p4), ph = f64x2.promote_low_f32x4(v128.shuffle<f32>(p4, p4, 2, 3, 0, 1));
    const mil = f64x2.add(f64x2.mul(b1, ml), f64x2.mul(b1c, gl));
    const mih = f64x2.add(f64x2.mul(b1, mh), f64x2.mul(b1c, gh));
    const vil = f64x2.add(f64x2.mul(b2, vl), f64x2.mul(f64x2.mul(b2c, gl), gl));
    const vih = f64x2.add(f64x2.mul(b2, vh), f64x2.mul(f64x2.mul(b2c, gh), gh));
    const pnl = f64x2.sub(pl, f64x2.div(f64x2.mul(ss, mil), f64x2.add(f64x2.div(f64x2.sqrt(vil), sc), eps)));
    const pnh = f64x2.sub(ph, f64x2.div(f64x2.mul(ss, mih), f64x2.add(f64x2.div(f64x2.sqrt(vih), sc), eps)));
    store<v128>(m + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(mil), f32x4.demote_f64x2_zero(mih), 0, 1, 4, 5));
    store<v128>(v + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(vil), f32x4.demote_f64x2_zero(vih), 0, 1, 4, 5));
    store<v128>(p + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(pnl), f32x4.demote_f64x2_zero(pnh), 0, 1, 4, 5));
  }
  for (; o < <usize>n * 4; o += 4) {
    const gi = <f64>load<f32>(g + o);
    const mi = B1 * <f64>load<f32>(m + o) + (1 - B1) * gi;
    const vi = B2 * <f64>load<f32>(v + o) + (1 - B2) * gi * gi;
    store<f32>(m + o, <f32>mi);
    store<f32>(v + o, <f32>vi);
    store<f32>(p + o, <f32>(<f64>load<f32>(p + o) - (stepSize * mi) / (Math.sqrt(vi) / sqrtC2 + EPS)));
  }
}

/**
 * dst[0..n) += src[0..n) in f32: the sum of the worker threads' gradient shards. A Float32Array
 * `dst[i] += src[i]` adds in f64 and rounds to f32, which gives the same float as one f32 add
 * (double rounding through 53 bits is harmless for a sum of two 24-bit floats), so this is
 * bit-identical to the JS loop.
 */
export function addArrays(dst: usize, src: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  let o: usize = 0;
  for (; o < n4; o += 16) store<v128>(dst + o, f32x4.add(load<v128>(dst + o), load<v128>(src + o)));
  for (; o < <usize>n * 4; o += 4) store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
}

/** The sum of x[i]^2 over [0, n), in f64 and in index order, as the JS reference adds it (the
 *  global gradient norm for clipping): bit-identical. The order makes it one chain of adds. */
export function sumSquares(x: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let o: usize = 0; o < <usize>n * 4; o += 4) {
    const v = <f64>load<f32>(x + o);
    s += v * v;
  }
  return s;
}

/** x[0..n) *= scale, each product in f64 and rounded to f32, as `x[i] *= scale` on a
 *  Float32Array: bit-identical. */
export function scaleArray(x: usize, n: i32, scale: f64): void {
  const sc = f64x2.splat(scale);
  const n4 = <usize>(n & ~3) * 4;
  let o: usize = 0;
  for (; o < n4; o += 16) {
    const v = load<v128>(x + o);
    const lo = f64x2.mul(f64x2.promote_low_f32x4(v), sc);
    const hi = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), sc);
    store<v128>(x + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; o < <usize>n * 4; o += 4) store<f32>(x + o, <f32>(<f64>load<f32>(x + o) * scale));
}
