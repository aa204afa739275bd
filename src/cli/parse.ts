/**
 * Flag value parsers: each turns a string into a typed value or throws commander's
 * InvalidArgumentError, which names the flag and the accepted range (exit code 2).
 * Every numeric flag has a finite range: absurd values (--hidden 1e6, --batch 1e9) are usage
 * errors here, not an out-of-memory crash later. Numbers are plain decimal: no hex, binary or
 * octal forms, no Infinity or NaN, no empty string.
 */
import { InvalidArgumentError } from 'commander';
import { DURATION_MAX_MS, DURATION_MIN_MS, type NumberSpec } from '../options/option-spec.js';
import { rangeWords } from '../options/range-words.js';

export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected ${rangeWords({ integer: true, min, max })}.`);
    }
    return n;
  };
}

/** The parser of a numeric option of the shared table (train/check-options.ts TRAIN_RANGES). */
export function ranged(r: NumberSpec) {
  return r.integer ? integer(r.min, r.max) : number(r);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export interface NumberRange {
  min: number;
  max: number;
  /** The bound itself is not accepted (dropout < 1, learning rate > 0). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** A finite decimal number in the range. */
export function number(bounds: NumberRange) {
  const { min, max, minExclusive = false, maxExclusive = false } = bounds;
  const range = rangeWords({ integer: false, ...bounds });
  return (value: string): number => {
    const text = value.trim();
    const n = Number(text);
    const ok = DECIMAL.test(text) && Number.isFinite(n) && (minExclusive ? n > min : n >= min) && (maxExclusive ? n < max : n <= max);
    if (!ok) throw new InvalidArgumentError(`expected ${range}.`);
    return n;
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_RANGE = 'from 1s to 8760h (a year)';

/** A duration such as 90s, 10m, 1h30m or 45 (seconds), in milliseconds. */
export function duration(value: string): number {
  const text = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
      throw new InvalidArgumentError(`expected a duration such as 90s, 10m, 1h30m or a number of seconds, ${DURATION_RANGE}.`);
    }
    ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]], 0);
  }
  if (!(ms >= DURATION_MIN_MS && ms <= DURATION_MAX_MS))
    throw new InvalidArgumentError(`expected a duration ${DURATION_RANGE}, got ${text}.`);
  return ms;
}

export function choice<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}.`);
    return value as T;
  };
}

/**
 * A non-empty string in which \n (a line end), \t (a tab) and \\ (a backslash) are written as
 * escapes; any other backslash is itself. For values such as --stop '\n\n'.
 */
export function escapedString(value: string): string {
  if (value === '') throw new InvalidArgumentError('expected a non-empty string.');
  return value.replace(/\\([nt\\])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}

/** A non-empty string, as given (a path). */
export function nonEmpty(value: string): string {
  if (value === '') throw new InvalidArgumentError('expected a non-empty string.');
  return value;
}

/** A repeatable option: each value parsed, all of them collected in order. */
export function repeatable<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

/** Exactly one character (code point), not a line end. */
export function character(value: string): string {
  if (Array.from(value).length !== 1 || value === '\n' || value === '\r')
    throw new InvalidArgumentError('expected exactly one character (not a line end).');
  return value;
}
