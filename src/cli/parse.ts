/**
 * Flag value parsers: each turns a string into a typed value or throws commander's
 * InvalidArgumentError, which names the flag and the accepted range (exit code 2).
 */
import { InvalidArgumentError } from 'commander';

export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any size' : max}.`);
    }
    return n;
  };
}

/** A finite number in [min, max] (or [min, max) when maxExclusive). */
export function number(min: number, max: number, maxExclusive = false) {
  return (value: string): number => {
    const n = Number(value);
    const ok = value.trim() !== '' && Number.isFinite(n) && n >= min && (maxExclusive ? n < max : n <= max);
    if (!ok) {
      const range = `${min} to ${max}${maxExclusive ? ' (exclusive)' : ''}`;
      throw new InvalidArgumentError(`expected a number from ${range}.`);
    }
    return n;
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration such as 90s, 10m, 1h30m or 45 (seconds), in milliseconds. */
export function duration(value: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return positive(Number(text) * 1000, value);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new InvalidArgumentError('expected a duration such as 90s, 10m, 1h30m or a number of seconds.');
  }
  return positive(parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]], 0), value);
}

function positive(ms: number, value: string): number {
  if (!(ms > 0) || !Number.isFinite(ms)) throw new InvalidArgumentError(`expected a duration greater than 0, got ${value}.`);
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

/** A repeatable option: each value parsed, all of them collected in order. */
export function repeatable<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

/** Exactly one character (code point), not a line end. */
export function character(value: string): string {
  if (Array.from(value).length !== 1 || value === '\n' || value === '\r') throw new InvalidArgumentError('expected exactly one character (not a line end).');
  return value;
}
