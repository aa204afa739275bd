/**
 * Axis ticks at round values (1, 2 or 5 times a power of ten), and a domain that starts and
 * ends on them, for the SVG charts.
 */

export interface Ticks {
  /** The tick values, ascending, within the domain. */
  values: number[];
  /** Distance between ticks. */
  step: number;
  /** Decimals that print every tick exactly (as far as they need). */
  decimals: number;
}

/** A round step near range / target (1, 2 or 5 x 10^k). */
export function niceStep(range: number, target: number): number {
  const raw = range / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return Number(((m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power).toPrecision(12));
}

/** [lo, hi] widened to whole steps (a zero-width range first gets a width of its own). */
export function niceDomain(lo: number, hi: number, target = 5): [number, number] {
  if (!(hi > lo)) {
    const d = Math.abs(lo) * 0.1 || 1;
    [lo, hi] = [lo - d, hi + d];
  }
  const step = niceStep(hi - lo, target);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

/** Round ticks within [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): Ticks {
  const step = niceStep(hi > lo ? hi - lo : Math.abs(lo) || 1, target);
  const values: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) values.push(k * step);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return { values: values.map((v) => Number(v.toFixed(decimals))), step, decimals };
}
