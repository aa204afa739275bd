/**
 * Central-difference gradient checking in float64 (on the reference engine in float64, JS64 in
 * ./cpu.ts, whose tensors are Float64Arrays seen in place with floatsOf): perturbs each entry of
 * a buffer in place, re-evaluates the loss (which may be a promise: the engine's reads and the
 * objective's step are async), and compares with the analytic gradient by relative error of the
 * whole tensor: |analytic - numeric| / max(|analytic|, |numeric|).
 */
export async function numericGradient(loss: () => number | Promise<number>, buf: Float64Array, eps = 1e-6): Promise<Float64Array> {
  const grad = new Float64Array(buf.length);
  for (let i = 0; i < buf.length; i++) {
    const keep = buf[i];
    buf[i] = keep + eps;
    const up = await loss();
    buf[i] = keep - eps;
    const down = await loss();
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
