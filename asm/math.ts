/**
 * Vectorised exp, sigmoid and tanh in f32 (WebAssembly SIMD, four lanes at a time), for the
 * recurrent cells (cells.ts); plus array forms of each, exported for tests.
 *
 *   expv(x)     = e^x, with x clamped to [EXP_LO, EXP_HI]: saturates to ~1.2e-38 below and to
 *                 ~2.2e38 above (finite, never Inf), so sigmoid and tanh built on it need no
 *                 special cases. NaN in gives NaN out.
 *   sigmoidv(x) = 1 / (1 + e^-x): sigmoid(-100) ~ 4.6e-39 ("0"), sigmoid(100) = 1 exactly.
 *   tanhv(x)    = sign(x) * tanh(|x|): an odd polynomial below |x| = 0.625 (relative accuracy
 *                 down to denormals, tanh(+-0) = +-0), 1 - 2 / (e^2|x| + 1) above; +-1 for large |x|.
 *
 * Method (Cephes expf / tanhf): x = n ln2 + r with n = round(x / ln2), |r| <= ln2 / 2, ln2 split
 * in two so that n * LN2_HI is exact; e^r = 1 + r + r^2 P(r), P of degree 5; 2^n is built
 * directly in the exponent bits ((n + 127) << 23). Clamping x keeps n in [-126, 127], a normal
 * float.
 *
 * Measured accuracy, against Math.* in float64, in ulps of the float32 result (a sweep of ~7e5
 * points: a grid over [-90, 90], a denser one over [-1, 1], +-10^e for e in [-45, 2]; the
 * bounds are asserted in test/engine/wasm/cells.test.ts):
 *   exp      0.96 ulp on [EXP_LO, EXP_HI] (relative error <= 8.0e-8)
 *   sigmoid  2.15 ulp wherever the result is a normal float (worst near x = -16.7, where
 *            1 / (1 + e^-x) inherits e^-x's error; relative <= 1.3e-7)
 *   tanh     1.26 ulp everywhere, tiny |x| included (worst just above |x| = 0.625; relative
 *            <= 1.3e-7); tanh(1e-8) = 1e-8, tanh(+-0) = +-0, exactly +-1 from |x| ~ 9 on.
 * A float32 ulp is 2^-23 ~ 1.2e-7 relative at most, so all three are within a couple of ulp.
 *
 * Pointers in the array forms are BYTE addresses; n is a count of floats.
 */

const LOG2E: f32 = 1.44269504088896341;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits so n * LN2_HI is exact for |n| <= 2^15. */
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/** e^x is computed for x in [EXP_LO, EXP_HI]: n = round(x log2 e) stays in [-126, 127]. */
const EXP_LO: f32 = -87.3;
const EXP_HI: f32 = 88.3;
/** tanh switches from the odd polynomial to the exp form at |x| = TANH_SPLIT. */
const TANH_SPLIT: f32 = 0.625;

/** e^x, four lanes. */
// @ts-ignore: decorator
@inline export function expv(x: v128): v128 {
  // pmin/pmax (one instruction each on x64) return their first operand when it is NaN.
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const er = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(r, r), p), r), f32x4.splat(1));
  // 2^n: n + 127 in the exponent field (NaN lanes give n = 0 here and stay NaN through er).
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(er, scale);
}

/** 1 / (1 + e^-x), four lanes. */
// @ts-ignore: decorator
@inline export function sigmoidv(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))));
}

/** tanh(x), four lanes. */
// @ts-ignore: decorator
@inline export function tanhv(x: v128): v128 {
  const a = f32x4.abs(x);
  const sign = v128.xor(x, a); // the sign bit of each lane
  // Small |x|: a + a z P(z), z = a^2 (Cephes tanhf; no cancellation, relative accuracy near 0).
  const z = f32x4.mul(a, a);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(a, f32x4.mul(f32x4.mul(a, z), p));
  // Large |x|: 1 - 2 / (e^2a + 1); e^2a saturates (finite), so this reaches exactly 1.
  const one = f32x4.splat(1);
  const e = expv(f32x4.add(a, a));
  const large = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  // Lanes where the test is false (a >= split, or NaN) take the large form.
  const t = v128.bitselect(small, large, f32x4.lt(a, f32x4.splat(TANH_SPLIT)));
  return v128.or(t, sign);
}

// ---------------------------------------------------------------------------------------------
// Partial vectors: the last n < 4 floats of a row, without touching memory past them.

/** Loads n floats (1..4) at p into the low lanes; the other lanes are 0. */
// @ts-ignore: decorator
@inline export function loadN(p: usize, n: i32): v128 {
  if (n >= 4) return load<v128>(p);
  let v = v128.load32_zero(p);
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the low n lanes (1..4) of v at p. */
// @ts-ignore: decorator
@inline export function storeN(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    store<v128>(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// ---------------------------------------------------------------------------------------------
// Array forms: out[i] = f(x[i]) for i < n (out may be x).

export function expArray(out: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) store<v128>(out + (<usize>i << 2), expv(load<v128>(x + (<usize>i << 2))));
  if (i < n) storeN(out + (<usize>i << 2), expv(loadN(x + (<usize>i << 2), n - i)), n - i);
}

export function sigmoidArray(out: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) store<v128>(out + (<usize>i << 2), sigmoidv(load<v128>(x + (<usize>i << 2))));
  if (i < n) storeN(out + (<usize>i << 2), sigmoidv(loadN(x + (<usize>i << 2), n - i)), n - i);
}

export function tanhArray(out: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) store<v128>(out + (<usize>i << 2), tanhv(load<v128>(x + (<usize>i << 2))));
  if (i < n) storeN(out + (<usize>i << 2), tanhv(loadN(x + (<usize>i << 2), n - i)), n - i);
}
