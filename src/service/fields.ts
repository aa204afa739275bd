/**
 * The fields of a JSON request, checked against the same option tables the CLI's flags come
 * from (src/options/option-spec.ts), with the command line's ranges (not the library's wider
 * ones): `{"temperature": 500}` is refused as `--temp 500` is, naming the field and the range.
 * A field given as null is a field not given. Unknown fields are refused, but for those a
 * request type lists as accepted and ignored (OpenAI's, for its clients).
 */
import { inRange } from '../options/check-options.js';
import { flagName, type OptionSpec } from '../options/option-spec.js';
import { rangeWords } from '../options/range-words.js';
import { RequestError } from './request-error.js';

/** Why a value is refused (what the field takes, in words), or null when it is taken. */
export type FieldCheck = (value: unknown) => string | null;

export interface Field {
  check: FieldCheck;
  /** Where the same option is on the command line, for the message: 'charnn sample --temp'. */
  flag?: string;
}

/** A field that is option `spec` of `command`'s table, with the CLI's range. */
export function optionField(command: string, spec: OptionSpec): Field {
  return { check: optionCheck(spec), flag: `charnn ${command} ${flagName(spec)}` };
}

function optionCheck(spec: OptionSpec): FieldCheck {
  switch (spec.kind) {
    case 'number': {
      const words = rangeWords(spec);
      return (v) => (typeof v === 'number' && inRange(v, spec) ? null : words);
    }
    case 'choice':
      return (v) =>
        typeof v === 'string' && spec.choices.includes(v) ? null : `one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}`;
    case 'text':
      if (spec.character)
        return (v) =>
          typeof v === 'string' && Array.from(v).length === 1 && v !== '\n' && v !== '\r' ? null : 'exactly one character (not a line end)';
      return stringCheck;
    case 'texts':
      return (v) =>
        (typeof v === 'string' && v.length > 0) || (Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0))
          ? null
          : 'a non-empty string or a list of them';
    case 'switch':
      return booleanCheck;
  }
}

const stringCheck: FieldCheck = (v) => (typeof v === 'string' ? null : 'a string');
const booleanCheck: FieldCheck = (v) => (typeof v === 'boolean' ? null : 'true or false');

export const stringField: Field = { check: stringCheck };
export const booleanField: Field = { check: booleanCheck };
/** A list of strings (each may be empty: an empty sentence is scored). */
export const stringListField: Field = {
  check: (v) => (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string') ? null : 'a non-empty list of strings'),
};
/** A string or a non-empty list of strings. */
export const stringsField: Field = {
  check: (v) => (typeof v === 'string' || stringListField.check(v) === null ? null : 'a string or a non-empty list of strings'),
};
/** An integer field of its own (not a command's option), with its range. */
export function integerField(min: number, max: number): Field {
  const words = rangeWords({ integer: true, min, max });
  return { check: (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? null : words) };
}
/** A number field of its own, with its range. */
export function numberField(min: number, max: number): Field {
  const words = rangeWords({ integer: false, min, max });
  return { check: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? null : words) };
}

/** A value as a message shows it: JSON, cut short. */
function shownValue(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * The fields of `body` that `fields` knows, checked; null and absent fields left out. Throws a
 * RequestError (400) naming the first field refused, an unknown field (not in `ignored`), or a
 * body that is not a JSON object.
 */
export function readFields(
  body: unknown,
  fields: Readonly<Record<string, Field>>,
  ignored: readonly string[] = [],
): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RequestError(400, 'invalid_json', 'the request body must be a JSON object');
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (!Object.hasOwn(fields, name)) {
      if (ignored.includes(name)) continue;
      const known = Object.keys(fields).join(', ');
      throw new RequestError(400, 'unknown_field', `unknown field ${JSON.stringify(name)}: this endpoint takes ${known}`, name);
    }
    if (value === null) continue;
    const field = fields[name];
    const why = field.check(value);
    if (why !== null) {
      const as = field.flag ? ` (as ${field.flag})` : '';
      throw new RequestError(400, 'invalid_value', `${name} is ${shownValue(value)}: expected ${why}${as}`, name);
    }
    out[name] = value;
  }
  return out;
}

/** A field that must be given. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new RequestError(400, 'missing_field', `${name} is missing`, name);
  return value;
}
