/** One JSON object per line; non-finite numbers (never valid JSON) become null. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}
