/**
 * Central-difference gradient checking in float64: perturbs each entry of a buffer in place,
 * re-evaluates the loss, and compares with the analytic gradient by relative error of the
 * whole tensor: |analytic - numeric| / max(|analytic|, |numeric|).
 */
export function numericGradient(loss: () => number, buf: Float64Array, eps = 1e-6): Float64Array {
  const grad = new Float64Array(buf.length);
  for (let i = 0; i < buf.length; i++) {
    const keep = buf[i];
    buf[i] = keep + eps;
    const up = loss();
    buf[i] = keep - eps;
    const down = loss();
    buf[i] = keep;
    grad[i] = (up - down) / (2 * eps);
  }
  return grad;
}

export function relativeError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  let diff = 0;
  let a = 0;
  let n = 0;
  for (let i = 0; i < analytic.length; i++) {
    diff += (analytic[i] - numeric[i]) ** 2;
    a += analytic[i] ** 2;
    n += numeric[i] ** 2;
  }
  const scale = Math.max(Math.sqrt(a), Math.sqrt(n));
  if (scale === 0) return 0;
  return Math.sqrt(diff) / scale;
}

export function randomFill(buf: Float64Array, rand: () => number, scale = 1): Float64Array {
  for (let i = 0; i < buf.length; i++) buf[i] = (rand() * 2 - 1) * scale;
  return buf;
}
