import { jsonText } from '../util/json-text.js';

/** One JSON object per line; non-finite numbers (never valid JSON) become null. */
export function jsonLine(value: unknown): string {
  return jsonText(value);
}
