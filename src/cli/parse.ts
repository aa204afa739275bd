/**
 * Flag value parsers: each turns a string into a typed value or throws commander's
 * InvalidArgumentError, which names the flag and the accepted range (exit code 2).
 * Every numeric flag has a finite range: absurd values (--hidden 1e6, --batch 1e9) are usage
 * errors here, not an out-of-memory crash later. Numbers are plain decimal: no hex, binary or
 * octal forms, no Infinity or NaN, no empty string.
 */
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.js';
import { paramSpecs, sizeOf } from '../model/params.js';
import type { CellType } from '../model/config.js';
import { formatCount } from './format.js';

/** A number as the messages show it: 100,000 for integers, as typed otherwise. */
export function shown(n: number): string {
  return Number.isInteger(n) && Math.abs(n) >= 10_000 ? formatCount(n) : String(n);
}

export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${shown(min)} to ${shown(max)}.`);
    }
    return n;
  };
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
  const excluded = [minExclusive ? shown(min) : null, maxExclusive ? shown(max) : null].filter((x) => x !== null);
  const range = `from ${shown(min)} to ${shown(max)}${excluded.length > 0 ? ` (${excluded.join(' and ')} excluded)` : ''}`;
  return (value: string): number => {
    const text = value.trim();
    const n = Number(text);
    const ok = DECIMAL.test(text) && Number.isFinite(n) && (minExclusive ? n > min : n >= min) && (maxExclusive ? n < max : n <= max);
    if (!ok) throw new InvalidArgumentError(`expected a number ${range}.`);
    return n;
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** --time: at least a second (less trains nothing), at most a year. */
export const DURATION_MIN_MS = 1000;
export const DURATION_MAX_MS = 365 * 24 * 3_600_000;
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
  if (!(ms >= DURATION_MIN_MS && ms <= DURATION_MAX_MS)) throw new InvalidArgumentError(`expected a duration ${DURATION_RANGE}, got ${text}.`);
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

/**
 * Limits on the size of what `train` builds, which no single flag's range can express.
 * Measured on the wasm engine (2 cores): training takes about 80 bytes per parameter (weights,
 * gradients, Adam's moments, the threads' shards) and about 52 bytes per unit of
 * batch x seq x layers x hidden (each step's activations and their gradients, per direction).
 */
export const MAX_PARAMETERS = 50_000_000; // about 4 GB
export const MAX_ACTIVATIONS = 1 << 26; // batch x seq x layers x hidden (x 2 for a bilstm): about 3.5 GB

/** Parameters of a model without its vocabulary (a lower bound: the corpus adds V x (G + 1) x H + V). */
export function parametersWithoutVocab(cell: CellType, hidden: number, layers: number): number {
  return paramSpecs({ cell, hidden, layers, vocabSize: 0, dropout: 0 }).reduce((n, s) => n + sizeOf(s.shape), 0);
}

/** Usage errors for a model or batch too big to train, naming the flags to lower. */
export function checkTrainSize(o: { cell: CellType; hidden: number; layers: number; batch: number; seq: number }): void {
  const params = parametersWithoutVocab(o.cell, o.hidden, o.layers);
  if (params > MAX_PARAMETERS) {
    throw new UsageError(
      `--cell ${o.cell} --hidden ${o.hidden} --layers ${o.layers} is a model of ${shown(params)} parameters; at most ${shown(MAX_PARAMETERS)} (about 4 GB to train)`,
      'lower --hidden or --layers',
    );
  }
  const directions = o.cell === 'bilstm' ? 2 : 1;
  const units = o.batch * o.seq * o.layers * o.hidden * directions;
  if (units > MAX_ACTIVATIONS) {
    throw new UsageError(
      `--batch ${o.batch} x --seq ${o.seq} x --layers ${o.layers} x --hidden ${o.hidden}${directions > 1 ? ' x 2 directions' : ''} = ${shown(units)} activations per step; at most ${shown(MAX_ACTIVATIONS)} (about 3.5 GB)`,
      'lower --batch or --seq',
    );
  }
}
