/**
 * Checks of the arguments the library's exported functions are given: a wrong type or value is
 * a UsageError naming the function and the argument ("score: sentences must be a string or an
 * array of strings, got a number (5)"), never a TypeError from deep inside the library.
 */
import { UsageError } from '../errors.js';

/** A value as a message describes it: its type, and the value itself when short. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length <= 40 ? `a string (${JSON.stringify(value)})` : 'a string';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `a ${typeof value} (${String(value)})`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

function fail(fn: string, arg: string, what: string, value: unknown): never {
  throw new UsageError(`${fn}: ${arg} must be ${what}, got ${describe(value)}`);
}

export function expectString(fn: string, arg: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') fail(fn, arg, 'a string', value);
}

/** A path: a non-empty string. */
export function expectPath(fn: string, arg: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) fail(fn, arg, 'a path (a non-empty string)', value);
}

export function expectStrings(fn: string, arg: string, value: unknown): asserts value is readonly string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) fail(fn, arg, 'an array of strings', value);
}

/** Options: left out (undefined), or a plain object. */
export function expectOptions(fn: string, arg: string, value: unknown): asserts value is object | undefined {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(fn, arg, 'an object of options', value);
}

export function expectFunction(fn: string, arg: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') fail(fn, arg, 'a function', value);
}

/** An AbortSignal (or anything that looks like one), or undefined. */
export function expectSignal(fn: string, arg: string, value: unknown): asserts value is AbortSignal | undefined {
  if (value === undefined) return;
  const s = value as { aborted?: unknown; addEventListener?: unknown };
  if (typeof value !== 'object' || value === null || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function')
    fail(fn, arg, 'an AbortSignal', value);
}

/** An integer in [min, max]. */
export function expectInteger(
  fn: string,
  arg: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    fail(fn, arg, `an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`, value);
}

/** One of a few names. */
export function expectChoice<T extends string>(fn: string, arg: string, value: unknown, choices: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) fail(fn, arg, `one of ${choices.join(', ')}`, value);
}
