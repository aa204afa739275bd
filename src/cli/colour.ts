/**
 * Whether, and how richly, charnn colours a stream: the one decision every command uses (error
 * messages, train's summary and chart, score's heatmap), made here from `--color`, the
 * environment and the stream.
 *
 *   --color never   no colour
 *   --color always  colour, even into a pipe or a file (`score --heatmap --color always | less -R`)
 *   --color auto    (the default) as the conventions say, in this order:
 *                   FORCE_COLOR set: colour at its level ('0' or 'false' turns it off; '', '1' or
 *                     'true' is 16 colours, '2' 256, '3' 16 million), as chalk and Node read it
 *                     (Node: it takes precedence over NO_COLOR);
 *                   NO_COLOR set and not empty: no colour (no-color.org: an empty one does not count);
 *                   otherwise colour on a terminal (not TERM=dumb), at the level its TERM and
 *                     COLORTERM claim.
 *
 * Progress drawn over itself (spinner, bar, the closing chart) needs a terminal as well as
 * colour: see isFancyTerminal.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export const COLOR_CHOICES = ['auto', 'always', 'never'] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];
/** 0 none, 1 16 colours, 2 256, 3 16 million (chalk's levels). */
export type ColourLevel = 0 | 1 | 2 | 3;

type Env = Readonly<Record<string, string | undefined>>;

/** The --color of a command line (the last one given; `--color=X` too), or auto. A value that
 *  is not a choice is left for commander to refuse; until then it counts as auto. */
export function colorChoiceOf(argv: readonly string[]): ColorChoice {
  let choice: ColorChoice = 'auto';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break;
    const value = argv[i] === '--color' ? argv[i + 1] : argv[i].startsWith('--color=') ? argv[i].slice('--color='.length) : undefined;
    if (value !== undefined && (COLOR_CHOICES as readonly string[]).includes(value)) choice = value as ColorChoice;
  }
  return choice;
}

/** FORCE_COLOR's level, or undefined when it is not set. */
function forcedLevel(value: string | undefined): ColourLevel | undefined {
  if (value === undefined) return undefined;
  if (value === '' || value === 'true') return 1;
  if (value === 'false') return 0;
  return /^\d+$/.test(value) ? (Math.min(3, Number(value)) as ColourLevel) : 1;
}

/** What a terminal claims: COLORTERM=truecolor, TERM=...-256color, or the 16 colours of any. */
function terminalLevel(env: Env): ColourLevel {
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (/256/.test(env.TERM ?? '')) return 2;
  return 1;
}

/** How richly to colour a stream. */
export function colourLevel(choice: ColorChoice, env: Env, stream: { isTTY?: boolean }): ColourLevel {
  if (choice === 'never') return 0;
  const forced = forcedLevel(env.FORCE_COLOR);
  if (choice === 'always') return Math.max(1, forced ?? terminalLevel(env)) as ColourLevel;
  if (forced !== undefined) return forced;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  return terminalLevel(env);
}

/** A chalk of that level (level 0: every style is the plain text). */
export function chalkOf(level: ColourLevel): ChalkInstance {
  return new Chalk({ level });
}

/**
 * Whether progress can be drawn over itself on this stream (spinner, bar, chart): a terminal with
 * a width, coloured. A terminal of 0 columns (a pseudo-terminal whose size was never set: `script`
 * run without a terminal, some CI runners) counts as none: ora clears ceil(width / columns) =
 * Infinity lines there, in a loop that never ends (seen: 100 MB of escape codes a minute, and no
 * way to stop it but SIGKILL).
 */
export function isFancyTerminal(stream: { isTTY?: boolean; columns?: number }, env: Env, choice: ColorChoice = 'auto'): boolean {
  return Boolean(stream.isTTY) && (stream.columns ?? 0) > 0 && env.TERM !== 'dumb' && colourLevel(choice, env, stream) > 0;
}
