/**
 * The optimizer's update over the flat f32 parameter, gradient and moment buffers (AssemblyScript,
 * WebAssembly SIMD), the fast path of src/tensor/adam.ts. It runs once per training step over
 * every parameter, on the main thread while the worker threads wait, so in plain JavaScript it
 * cost about 30-60 ms per step at 2 x 512 (3.2 M parameters), several percent of the step.
 *
 *   adamUpdate: m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g g;
 *               p -= stepSize m / (sqrt(v) / sqrtC2 + eps)
 *
 * Legend: n = parameters; p, g, m, v: n floats each (byte addresses in the shared memory).
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
