/**
 * A numeric option's range in words, as the command line's usage errors say it ("an integer from
 * 0 to 100,000,000", "a number from 0 to 1 (1 excluded)"): written once, so the server's 400s
 * name the same range as the CLI's flags.
 */
import { formatCount } from '../util/format-count.js';

/** A number as the messages show it: 100,000 for integers, as typed otherwise. */
export function shown(n: number): string {
  return Number.isInteger(n) && Math.abs(n) >= 10_000 ? formatCount(n) : String(n);
}

export interface RangeBounds {
  integer: boolean;
  min: number;
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

export function rangeWords(r: RangeBounds): string {
  const excluded = [r.minExclusive ? shown(r.min) : null, r.maxExclusive ? shown(r.max) : null].filter((x) => x !== null);
  const bounds = `from ${shown(r.min)} to ${shown(r.max)}${excluded.length > 0 ? ` (${excluded.join(' and ')} excluded)` : ''}`;
  return `${r.integer ? 'an integer' : 'a number'} ${bounds}`;
}
