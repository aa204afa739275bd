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

/** A value as a message shows it: strings quoted (so "0.8" is seen to be text), others as they print. */
function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * Usage errors for the options of `values` that the table refuses, named as `naming` says: in
 * the library "train option hidden is 0: expected an integer from 1 up", on the command line
 * "--hidden is 0: expected ...". Options not in `values` are not checked.
 */
export function checkOptions(
  command: string,
  table: OptionTable,
  values: Readonly<Record<string, unknown>>,
  naming: Naming = 'library',
): void {
  for (const [key, spec] of Object.entries(table)) {
    if (spec.cliOnly || !(key in values)) continue;
    const value = values[key];
    const why = refusal(spec, value);
    if (why === null) continue;
    const who = naming === 'cli' && !spec.libraryOnly ? flagName(spec) : `${command} option ${key}`;
    throw new UsageError(`${who} is ${shownValue(value)}: expected ${why}`);
  }
}

/**
 * A usage error for every name in `values` that is not an option of `table` (nor one of
 * `extra`, options the function takes besides the table's), naming the closest known one: a
 * misspelt option (`hiden`, or `temp`, the flag's name of `temperature`) is an error, never
 * silently ignored. Options of the command line alone (--json) are named as such.
 */
export function checkOptionNames(command: string, table: OptionTable, values: object, extra: readonly string[] = []): void {
  const known = [...Object.keys(table).filter((k) => !table[k].cliOnly), ...extra];
  for (const key of Object.keys(values)) {
    if (known.includes(key)) continue;
    const spec = Object.hasOwn(table, key) ? table[key] : undefined;
    if (spec?.cliOnly) throw new UsageError(`${command} has no option ${key}: ${flagName(spec)} is the command line's alone`);
    const near = closestName(key, table, known);
    throw new UsageError(
      `${command} has no option ${JSON.stringify(key)}` + (near ? `: did you mean ${near}?` : `; its options are ${known.join(', ')}`),
    );
  }
}

/**
 * The known option closest to `name`, or null when none is close: by edit distance to the
 * option's name and to its flag's (so `temp` finds temperature through --temp, `topk` topK),
 * ignoring case; close means at most a third of the name's letters apart (at least one).
 */
export function closestName(name: string, table: OptionTable, known: readonly string[]): string | null {
  const wanted = name.toLowerCase();
  let best: { key: string; d: number } | null = null;
  for (const key of known) {
    const spec = Object.hasOwn(table, key) ? table[key] : undefined;
    const forms = [
      key,
      spec
        ? flagName(spec)
            .replace(/^--(no-)?/, '')
            .replace(/-/g, '')
        : key,
    ];
    for (const form of forms) {
      const d = editDistance(wanted, form.toLowerCase());
      if (best === null || d < best.d) best = { key, d };
    }
  }
  return best !== null && best.d <= Math.max(1, Math.floor(name.length / 3)) ? best.key : null;
}

/** Edits (insert, delete, substitute, swap two neighbours) from a to b. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1];
}
