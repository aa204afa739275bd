/**
 * Fused, numerically stable softmax cross-entropy over rows of logits, in wasm (the reference is
 * src/engine/js/softmax-cross-entropy.ts):
 *
 *   logits (N x V), targets (N, i32) -> returns the summed loss in nats (f64);
 *   if withGrad != 0, writes scale * (softmax(logits) - onehot(target)) into dLogits (N x V).
 *   (A flag, not a null pointer: address 0 is a real array in the arena.)
 *
 * e^(x - max) is the f32 expv of math.ts (within 1 ulp); sums and logs are in f64, as in the
 * reference. Pointers are byte addresses.
 */
import { expv } from './math';

/**
 * ln x for a normal, positive f64 (here x = sum of e^(x - max) >= 1). AssemblyScript's Math.log
 * would add lookup tables as data segments, which the shared-memory module must not have
 * (see scripts/build-wasm.mjs). x = 2^k m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s),
 * s = (m - 1) / (m + 1), |s| <= 0.172, so the odd series to s^17 is within 1e-15.
 */
function ln(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let k = <i32>((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000); // in [1, 2)
  if (m > 1.4142135623730951) {
    m *= 0.5;
    k += 1;
  }
  const s = (m - 1) / (m + 1);
  const z = s * s;
  let p = 1.0 / 17;
  p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13;
  p = p * z + 1.0 / 11;
  p = p * z + 1.0 / 9;
  p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5;
  p = p * z + 1.0 / 3;
  p = p * z + 1;
  return <f64>k * 0.6931471805599453 + 2 * s * p;
}

export function softmaxCrossEntropy(logits: usize, targets: usize, N: i32, V: i32, dLogits: usize, withGrad: i32, scale: f64): f64 {
  const V4 = V & ~3;
  const rowBytes = <usize>V << 2;
  let loss: f64 = 0;
  for (let r = 0; r < N; r++) {
    const x = logits + <usize>r * rowBytes;
    let mv = f32x4.splat(-Infinity);
    let v = 0;
    for (; v < V4; v += 4) mv = f32x4.max(mv, load<v128>(x + (<usize>v << 2)));
    let top = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; v < V; v++) top = max(top, load<f32>(x + (<usize>v << 2)));
    const m = f32x4.splat(top);
    // e^(x - max) per logit; kept in dLogits (when wanted) for the gradient.
    const d = dLogits + <usize>r * rowBytes;
    let sv = f32x4.splat(0);
    let sum: f64 = 0;
    for (v = 0; v < V4; v += 4) {
      const e = expv(f32x4.sub(load<v128>(x + (<usize>v << 2)), m));
      if (withGrad) store<v128>(d + (<usize>v << 2), e);
      sv = f32x4.add(sv, e);
    }
    for (; v < V; v++) {
      const e = f32x4.extract_lane(expv(f32x4.splat(load<f32>(x + (<usize>v << 2)) - top)), 0);
      if (withGrad) store<f32>(d + (<usize>v << 2), e);
      sum += <f64>e;
    }
    sum += <f64>f32x4.extract_lane(sv, 0) + <f64>f32x4.extract_lane(sv, 1) + <f64>f32x4.extract_lane(sv, 2) + <f64>f32x4.extract_lane(sv, 3);
    const target = load<i32>(targets + (<usize>r << 2));
    loss += ln(sum) + <f64>top - <f64>load<f32>(x + (<usize>target << 2));
    if (withGrad) {
      const k = f32x4.splat(<f32>(scale / sum));
      for (v = 0; v < V4; v += 4) store<v128>(d + (<usize>v << 2), f32x4.mul(load<v128>(d + (<usize>v << 2)), k));
      const ks = <f32>(scale / sum);
      for (; v < V; v++) store<f32>(d + (<usize>v << 2), load<f32>(d + (<usize>v << 2)) * ks);
      const t = d + (<usize>target << 2);
      store<f32>(t, load<f32>(t) - <f32>scale);
    }
  }
  return loss;
}
