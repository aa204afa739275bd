/** JSON text of a value; non-finite numbers (never valid JSON) become null. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}
