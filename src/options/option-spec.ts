/**
 * An option of a command, written once: its name in the library, its flag on the command line,
 * its help, its default and the values it takes. Each command has one table of these (e.g.
 * src/train/train-options.ts); from it come the library's option type and defaults (ValuesOf,
 * defaultsOf), the range checks and their messages (check-options.ts), and the command's flags
 * (src/cli/flags.ts). So a rule is written once and the CLI and the library say the same thing.
 */

/** A duration option takes at least a second (less does nothing) and at most a year. */
export const DURATION_MIN_MS = 1000;
export const DURATION_MAX_MS = 365 * 24 * 3_600_000;

interface SpecBase<T> {
  /** The flag with its argument, as the help shows it: '--hidden <n>', '-o, --out <path>'. */
  readonly flag: string;
  readonly help: string;
  /** What the option is when not given; null for an optional one that is off unless given. */
  readonly default: T;
  /** Only the command line has it: the library takes no such option. */
  readonly cliOnly?: boolean;
  /** Not a flag: the library's alone (or filled in by the CLI from other flags). */
  readonly libraryOnly?: boolean;
  /** Options (keys of the same table) that cannot be given with this one on the command line. */
  readonly conflicts?: readonly string[];
  /** Recorded (in a checkpoint's training options) only when it is not its default: options added
   *  after checkpoints were first written, so that the record of a run that does not use them
   *  stays as it was. A record without one means its default. */
  readonly recordedWhenSet?: boolean;
  /** What a checkpoint's record WITHOUT this option means: the value every run had before the
   *  option existed (an option added later, whose default may change later still, as the
   *  schedule's). Recorded only when it differs from this, so the record of a run that does not
   *  use it stays as it was; `--resume` reads an absent one as this, not as today's default.
   *  (One of the option's values; typed loosely so the table's helpers stay generic.) */
  readonly legacy?: unknown;
}

/** A number in a range. */
export interface NumberSpec<T extends number | null = number | null> extends SpecBase<T> {
  readonly kind: 'number';
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  /** The bound itself is not accepted (dropout < 1, learning rate > 0). */
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  /** The library takes values past max too: there the bound only guards the command line
   *  against typos (--lr 100 is a test of divergence recovery, sizes have their own limits). */
  readonly openAbove?: boolean;
  /** The library takes this lower minimum (0 steps: build a model, train nothing). */
  readonly libraryMin?: number;
  /** On the command line a duration (90s, 10m, 1h30m), in milliseconds in the library. */
  readonly duration?: boolean;
}

/** One of a few names. */
export interface ChoiceSpec<T extends string = string> extends SpecBase<T> {
  readonly kind: 'choice';
  readonly choices: readonly T[];
}

/** Free text (a path, a prime), or exactly one character. */
export interface TextSpec<T extends string | null = string | null> extends SpecBase<T> {
  readonly kind: 'text';
  /** Exactly one code point, not a line end. */
  readonly character?: boolean;
}

/** Repeatable text, each non-empty, with \n, \t and \\ as escapes on the command line (paths: as given). */
export interface TextListSpec extends SpecBase<readonly string[]> {
  readonly kind: 'texts';
  /** Paths of files: taken as given, without escapes. */
  readonly paths?: boolean;
}

/** On or off. */
export interface SwitchSpec extends SpecBase<boolean> {
  readonly kind: 'switch';
}

export type OptionSpec = NumberSpec | ChoiceSpec | TextSpec | TextListSpec | SwitchSpec;
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The type of an option's value. */
type ValueOf<S> = S extends SpecBase<infer T> ? T : never;

/** The library's options of a table (every one, with its default when not given). */
export type ValuesOf<Table extends OptionTable> = {
  -readonly [K in keyof Table as Table[K] extends { cliOnly: true } ? never : K]: ValueOf<Table[K]>;
};

/** The command line's own options of a table (`cliOnly`): what the command does with its output. */
export type CliValuesOf<Table extends OptionTable> = {
  -readonly [K in keyof Table as Table[K] extends { cliOnly: true } ? K : never]: ValueOf<Table[K]>;
};

type Extra<S> = Omit<S, 'kind' | 'flag' | 'help' | 'default' | 'integer' | 'min' | 'max' | 'choices'>;

/** An integer from min to max. */
export function int<const E extends Extra<NumberSpec> = Record<never, never>>(
  flag: string,
  help: string,
  value: number,
  min: number,
  max: number,
  extra?: E,
): NumberSpec<number> & E {
  return { kind: 'number', integer: true, flag, help, default: value, min, max, ...(extra as E) };
}

/** An integer from min to max, or null (the default): not set. */
export function optionalInt<const E extends Extra<NumberSpec> = Record<never, never>>(
  flag: string,
  help: string,
  min: number,
  max: number,
  extra?: E,
): NumberSpec<number | null> & E {
  return { kind: 'number', integer: true, flag, help, default: null, min, max, ...(extra as E) };
}

/** A decimal number from min to max. */
export function real<const E extends Extra<NumberSpec> = Record<never, never>>(
  flag: string,
  help: string,
  value: number,
  min: number,
  max: number,
  extra?: E,
): NumberSpec<number> & E {
  return { kind: 'number', integer: false, flag, help, default: value, min, max, ...(extra as E) };
}

/** A decimal number from min to max, or null (the default): not set. */
export function optionalReal<const E extends Extra<NumberSpec> = Record<never, never>>(
  flag: string,
  help: string,
  min: number,
  max: number,
  extra?: E,
): NumberSpec<number | null> & E {
  return { kind: 'number', integer: false, flag, help, default: null, min, max, ...(extra as E) };
}

export function choice<T extends string, const E extends Extra<ChoiceSpec> = Record<never, never>>(
  flag: string,
  help: string,
  value: NoInfer<T>,
  choices: readonly T[],
  extra?: E,
): ChoiceSpec<T> & E {
  return { kind: 'choice', flag, help, default: value, choices, ...(extra as E) };
}

export function text<const E extends Extra<TextSpec> = Record<never, never>>(
  flag: string,
  help: string,
  value: string,
  extra?: E,
): TextSpec<string> & E {
  return { kind: 'text', flag, help, default: value, ...(extra as E) };
}

/** Text, or null (the default): not set. */
export function optionalText<const E extends Extra<TextSpec> = Record<never, never>>(
  flag: string,
  help: string,
  extra?: E,
): TextSpec<string | null> & E {
  return { kind: 'text', flag, help, default: null, ...(extra as E) };
}

export function texts<const E extends Extra<TextListSpec> = Record<never, never>>(flag: string, help: string, extra?: E): TextListSpec & E {
  return { kind: 'texts', flag, help, default: [], ...(extra as E) };
}

export function onOff<const E extends Extra<SwitchSpec> = Record<never, never>>(
  flag: string,
  help: string,
  value = false,
  extra?: E,
): SwitchSpec & E {
  return { kind: 'switch', flag, help, default: value, ...(extra as E) };
}

/**
 * What a checkpoint's record without the option means: its `legacy` value, or for a
 * `recordedWhenSet` one its default; undefined for an option every record has.
 */
export function absentMeans(spec: OptionSpec): { value: unknown } | undefined {
  if (spec.legacy !== undefined) return { value: spec.legacy };
  if (spec.recordedWhenSet) return { value: spec.default };
  return undefined;
}

/** The options as a checkpoint records them: every library option, but those left at what a
 *  record without them means (absentMeans: `recordedWhenSet` at their default, `legacy` ones at it). */
export function recordedOptions(table: OptionTable, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const spec = Object.hasOwn(table, key) ? table[key] : undefined;
    const absent = spec && absentMeans(spec);
    if (absent && JSON.stringify(value) === JSON.stringify(absent.value)) continue;
    out[key] = value;
  }
  return out;
}

/** The defaults of a table's library options. */
export function defaultsOf<Table extends OptionTable>(table: Table): ValuesOf<Table> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) if (!spec.cliOnly) out[name] = spec.default;
  return out as ValuesOf<Table>;
}

/** The long flag alone: '--hidden' of '--hidden <n>', '--out' of '-o, --out <path>'. */
export function flagName(spec: OptionSpec): string {
  const long = spec.flag.split(/[ ,]+/).find((part) => part.startsWith('--'));
  return long ?? spec.flag;
}
