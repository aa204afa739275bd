/**
 * Everything `score` and `eval` (the library's score(), alternatives() and evaluate(), and the
 * commands) can be told: one table per command, from which come the library's options, the
 * checks and the commands' flags.
 */
import { UsageError } from '../errors.js';
import { checkOptions, nameOf, type Naming } from '../options/check-options.js';
import { choice, defaultsOf, onOff, optionalInt, texts, type ValuesOf } from '../options/option-spec.js';

export const SCORE_DIRECTIONS = ['forward', 'backward', 'both'] as const;
export const RESET_MODES = ['line', 'none'] as const;
export const LOG_BASES = ['10', 'e', '2'] as const;

const direction = choice(
  '--direction <dir>',
  'bilstm only: which language model to use (both: the mean of the two)',
  'forward',
  SCORE_DIRECTIONS,
);

export const SCORE_OPTIONS = {
  base: choice('--base <b>', 'logarithm base of the printed log-probability: 10, e or 2', '10', LOG_BASES, { cliOnly: true }),
  detail: onOff('--detail', 'add a per-character breakdown', false, { cliOnly: true }),
  json: onOff('--json', 'one JSON object per sentence', false, { cliOnly: true }),
  direction,
  heatmap: onOff('--heatmap', 'show each character coloured by its surprisal in bits (digits under it without colour)', false, {
    cliOnly: true,
    conflicts: ['json', 'detail', 'top'],
  }),
  top: optionalInt('--top <n>', 'add the n most likely symbols at each position, with their probabilities (implies --detail)', 1, 100_000, {
    openAbove: true,
  }),
  file: texts('--file <path>', 'score the lines of this file (a folder: its text files), one sentence each; repeatable', {
    cliOnly: true,
    paths: true,
  }),
} as const;

export type ScoreOptions = ValuesOf<typeof SCORE_OPTIONS>;

/** The table's checks, and the alternatives at each position need one direction's distribution. */
export function checkScoreOptions(o: Partial<ScoreOptions>, naming: Naming): void {
  checkOptions('score', SCORE_OPTIONS, o, naming);
  if (o.top !== undefined && o.top !== null && o.direction === 'both') {
    const name = (key: keyof typeof SCORE_OPTIONS) => nameOf(SCORE_OPTIONS, key, naming);
    throw new UsageError(
      `${name('top')} needs one direction (forward or backward): ${name('direction')} both averages two models, which is not one distribution`,
    );
  }
}

export const EVAL_OPTIONS = {
  json: onOff('--json', 'one JSON object per file', false, { cliOnly: true }),
  reset: choice(
    '--reset <mode>',
    'line: each line from the zero state, as score; none: state carried through the file',
    'line',
    RESET_MODES,
  ),
  direction,
  threads: optionalInt(
    '--threads <n>',
    'threads for --reset line on big inputs (default: all {cores} cores; results do not depend on it)',
    1,
    256,
  ),
} as const;

export type EvalOptions = ValuesOf<typeof EVAL_OPTIONS>;
export const EVAL_DEFAULTS: EvalOptions = defaultsOf(EVAL_OPTIONS);
