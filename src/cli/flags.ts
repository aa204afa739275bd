/**
 * A command's flags, made from its option table (src/options/option-spec.ts): the flag, its help
 * and default, and a parser that refuses a value outside the option's range with commander's
 * usage error naming the flag and the range (parse.ts). And back: commander's parsed values as
 * the table's options, for the core function the command calls.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import type { CliValuesOf, OptionSpec, OptionTable, ValuesOf } from '../options/option-spec.js';
import { character, duration, escapedString, nonEmpty, ranged, repeatable } from './parse.js';

/** The commander option of one table entry. */
export function flagOf(spec: OptionSpec): Option {
  const help = spec.help.replace('{cores}', String(availableParallelism()));
  const option = new Option(spec.flag, help);
  if (spec.conflicts) option.conflicts([...spec.conflicts]);
  switch (spec.kind) {
    case 'number':
      option.argParser(spec.duration ? duration : ranged(spec));
      break;
    case 'choice':
      option.choices(spec.choices);
      break;
    case 'text':
      if (spec.character) option.argParser(character);
      break;
    case 'texts':
      option.argParser(repeatable(spec.paths ? nonEmpty : escapedString));
      return option; // no default shown: none given is an empty list
    case 'switch':
      return option;
  }
  if (spec.default !== null) option.default(spec.default, spec.kind === 'number' && spec.duration ? durationText(spec.default) : undefined);
  return option;
}

/** Milliseconds as a duration flag takes them: 60000 -> 60s, 300000 -> 5m. */
function durationText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 600_000) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** Adds the flags of `table` (all but the library's own, or only `keys`) to a command. */
export function addFlags(command: Command, table: OptionTable, keys?: readonly string[]): Command {
  for (const [key, spec] of Object.entries(table)) {
    if (spec.libraryOnly || (keys && !keys.includes(key))) continue;
    command.addOption(flagOf(spec));
  }
  return command;
}

/** The name commander gives a flag's value: --top-k -> topK, -o, --out -> out. */
export function attributeOf(spec: OptionSpec): string {
  return new Option(spec.flag).attributeName();
}

/**
 * The table's library options among commander's parsed flags (a flag not given is left out
 * unless it has a default; an optional option not given is null).
 */
export function optionsFromFlags<Table extends OptionTable>(table: Table, flags: Record<string, unknown>): Partial<ValuesOf<Table>> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    if (spec.cliOnly || spec.libraryOnly) continue;
    const value = flags[attributeOf(spec)];
    if (value !== undefined) out[key] = value;
    else if (spec.default === null) out[key] = null;
  }
  return out as Partial<ValuesOf<Table>>;
}

/** The command line's own options (the table's `cliOnly` ones) among commander's parsed flags. */
export function cliOptionsFromFlags<Table extends OptionTable>(table: Table, flags: Record<string, unknown>): CliValuesOf<Table> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    if (!spec.cliOnly) continue;
    const value = flags[attributeOf(spec)];
    out[key] = value === undefined ? spec.default : value;
  }
  return out as CliValuesOf<Table>;
}

/** True when the flag of table[key] was given on the command line (not a default). */
export function givenOnCommandLine(command: Command, table: OptionTable, key: string): boolean {
  return command.getOptionValueSource(attributeOf(table[key])) === 'cli';
}
