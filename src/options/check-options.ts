/**
 * The checks an option table (option-spec.ts) implies, for values given to the library: types,
 * ranges and choices, one UsageError per problem naming the option (and its flag). The command
 * line's flags are parsed by the same table's ranges (src/cli/flags.ts) before they get here.
 *
 * Naming: a rule that involves several options (sizes, conflicts) is written once in the core
 * and names the options through a Naming, so the library's message speaks of `hidden` and the
 * command line's of `--hidden`.
 */
import { UsageError } from '../errors.js';
import { flagName, type NumberSpec, type OptionSpec, type OptionTable } from './option-spec.js';

/** How a message names an option: by its library name, its flag on the command line, or its
 *  field in a JSON request (snake_case: top_k). */
export type Naming = 'library' | 'cli' | 'json';

/** The option `key` of `table` as a message names it. */
export function nameOf(table: OptionTable, key: string, naming: Naming): string {
  const spec = table[key];
  if (naming === 'json') return snakeCase(key);
  return naming === 'cli' && spec ? flagName(spec) : key;
}

/** A library option's name as a JSON request field: topK -> top_k. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** True when n is in the range, as the command line takes it. */
export function inRange(n: number, r: NumberSpec): boolean {
  if (!Number.isFinite(n) || (r.integer && !Number.isSafeInteger(n))) return false;
  return (r.minExclusive ? n > r.min : n >= r.min) && (r.maxExclusive ? n < r.max : n <= r.max);
}

/** True when the library takes n: the range, with openAbove and libraryMin applied. */
export function libraryAccepts(n: unknown, r: NumberSpec): boolean {
  if (typeof n !== 'number' || Number.isNaN(n) || (r.integer && !Number.isInteger(n))) return false;
  const atLeastMin = r.libraryMin !== undefined ? n >= r.libraryMin : r.minExclusive ? n > r.min : n >= r.min;
  if (!atLeastMin) return false;
  if (r.openAbove) return true;
  return r.maxExclusive ? n < r.max : n <= r.max;
}

/** What the library accepts of a number option, in words: "an integer from 1 up". */
function libraryRange(r: NumberSpec): string {
  const min = r.libraryMin ?? r.min;
  const excluded = [r.minExclusive && r.libraryMin === undefined ? min : null, r.maxExclusive && !r.openAbove ? r.max : null].filter(
    (x) => x !== null,
  );
  const bounds = `from ${min}${r.openAbove ? ' up' : ` to ${r.max}`}${excluded.length > 0 ? ` (${excluded.join(' and ')} excluded)` : ''}`;
  return `${r.integer ? 'an integer' : 'a number'} ${bounds}`;
}

/** Why the library refuses `value` for `spec`, or null when it takes it. */
export function refusal(spec: OptionSpec, value: unknown): string | null {
  if (value === null && spec.default === null) return null; // an optional one, not set
  switch (spec.kind) {
    case 'number':
      return libraryAccepts(value, spec) ? null : libraryRange(spec);
    case 'choice':
      return typeof value === 'string' && spec.choices.includes(value) ? null : `one of ${spec.choices.join(', ')}`;
    case 'text':
      if (typeof value !== 'string') return spec.character ? 'exactly one character' : 'a string';
      if (spec.character && (Array.from(value).length !== 1 || value === '\n' || value === '\r'))
        return 'exactly one character (not a line end)';
      return null;
    case 'texts':
      return Array.isArray(value) && value.every((s) => typeof s === 'string' && s.length > 0) ? null : 'a list of non-empty strings';
    case 'switch':
      return typeof value === 'boolean' ? null : 'true or false';
  }
}

/**
 * Usage errors for the library options of `values` that the table refuses: "train option hidden
 * is 0: expected an integer from 1 up (--hidden)". Options not in `values` are not checked.
 */
export function checkOptions(command: string, table: OptionTable, values: Readonly<Record<string, unknown>>): void {
  for (const [key, spec] of Object.entries(table)) {
    if (spec.cliOnly || !(key in values)) continue;
    const value = values[key];
    const why = refusal(spec, value);
    if (why === null) continue;
    const shown = typeof value === 'string' && spec.kind === 'text' ? JSON.stringify(value) : String(value);
    const flag = spec.libraryOnly || spec.kind === 'choice' ? '' : ` (${flagName(spec)})`;
    throw new UsageError(`${command} option ${key} is ${shown}: expected ${why}${flag}`);
  }
}
