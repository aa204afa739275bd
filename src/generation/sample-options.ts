/**
 * Everything `sample` (the library's sample() and beam(), and `charnn sample`) can be told: one
 * table from which come the library's SampleRequest and its defaults, the checks, and the
 * command's flags; and sampleSettings(), the one place a request becomes the options the
 * generators run with, through the same checks whoever asks.
 */
import { UsageError } from '../errors.js';
import { checkOptions, nameOf, type Naming } from '../options/check-options.js';
import { choice, defaultsOf, int, onOff, optionalInt, real, text, texts, type CliValuesOf, type ValuesOf } from '../options/option-spec.js';
import type { Rng } from '../util/rng.js';
import type { GenerateOptions } from './generate.js';
import { DEFAULT_REPEAT_LAST, defaultLength } from './sample.js';

/** The widest beam. */
export const MAX_BEAM = 256;

const open = { openAbove: true };

export const SAMPLE_OPTIONS = {
  temperature: real('--temp <t>', 'temperature: 0 = greedy, 1 = the model as it is, higher = wilder', 1, 0, 100, open),
  topK: int('--top-k <k>', 'sample only from the k most likely characters (0 = all; 1 = greedy)', 0, 0, 1_000_000, open),
  topP: real('--top-p <p>', 'sample only from the most likely characters whose probabilities add up to p (1 = all; 0 = greedy)', 1, 0, 1),
  minP: real('--min-p <p>', 'sample only from characters at least p times as likely as the most likely one (0 = all)', 0, 0, 1),
  repeatPenalty: real(
    '--repeat-penalty <r>',
    'divide positive logits (multiply negative ones) of characters seen in the last --repeat-last by r (1 = off)',
    1,
    1,
    100,
  ),
  repeatLast: int(
    '--repeat-last <n>',
    'the repetition penalty window: the last n characters read or generated',
    DEFAULT_REPEAT_LAST,
    1,
    1_000_000,
  ),
  seed: optionalInt('--seed <n>', 'random seed (printed to stderr when not given)', 0, 2 ** 32 - 1),
  prime: text('--prime <text>', 'text to start from (printed first); with --direction backward, the text to end with', ''),
  length: optionalInt(
    '--length <n>',
    'at most n characters per sample, a line end counting as one (default: 500, or 10000 with --lines or --stop)',
    0,
    100_000_000,
    open,
  ),
  lines: optionalInt('--lines <n>', 'stop after n generated lines (line ends)', 1, 100_000_000, { openAbove: true, libraryMin: 0 }),
  stop: texts('--stop <text>', 'stop when the generated text ends with this (not printed); repeatable; \\n is a line end'),
  beam: optionalInt(
    '--beam <k>',
    'print the most likely continuation by beam search of width k (1 = greedy), instead of sampling',
    1,
    MAX_BEAM,
    { libraryMin: 0 },
  ),
  num: int('--num <n>', 'number of samples', 1, 1, 1_000_000, { cliOnly: true }),
  json: onOff('--json', 'one JSON object per sample', false, { cliOnly: true }),
  corpus: texts(
    '--corpus <path>',
    'copy check: report for each sample its longest span found verbatim in these files or folders, and its share of copied characters (spans of 20+); repeatable',
    { cliOnly: true, paths: true },
  ),
  direction: choice('--direction <dir>', 'bilstm only: which language model to use', 'forward', ['forward', 'backward']),
} as const;

export type SampleValues = ValuesOf<typeof SAMPLE_OPTIONS>;
export type SampleCliOptions = CliValuesOf<typeof SAMPLE_OPTIONS>;
export const SAMPLE_DEFAULTS: SampleValues = defaultsOf(SAMPLE_OPTIONS);

/** The options that shape the distribution drawn from, which a beam search does not draw from. */
const SHAPING = ['temperature', 'topK', 'topP', 'minP', 'repeatPenalty', 'repeatLast'] as const;

/** What a sample is asked for: any of the table's options; `stop` may be one string. */
export type SampleAsk = Partial<Omit<SampleValues, 'stop'>> & { stop?: string | readonly string[] };

/**
 * The options the generators run with, from what was asked (undefined = not given), after the
 * table's checks and the rule between options: a beam search takes none of the options that
 * shape the distribution. `given(key)` says whether an option was given (on the command line, a
 * default is not); messages name options as `naming` says, and the library's function as `command`. The model is not needed yet (so a
 * bad request is reported before a checkpoint is read): checkDirection once it is loaded.
 */
export function sampleSettings(
  ask: SampleAsk,
  rng: (seed: number | null) => Rng,
  naming: Naming,
  given: (key: keyof SampleValues) => boolean = (key) => ask[key] !== undefined,
  command = 'sample',
): GenerateOptions {
  const stop = ask.stop === undefined ? [] : typeof ask.stop === 'string' ? [ask.stop] : [...ask.stop];
  const values: SampleValues = { ...SAMPLE_DEFAULTS };
  for (const [key, value] of Object.entries(ask)) if (value !== undefined) (values as Record<string, unknown>)[key] = value;
  values.stop = stop;
  checkOptions(command, SAMPLE_OPTIONS, values, naming);
  const name = (key: keyof typeof SAMPLE_OPTIONS) => nameOf(SAMPLE_OPTIONS, key, naming);
  const beam = values.beam ?? 0;
  if (beam > 0) {
    const shaping = SHAPING.filter(given);
    if (shaping.length > 0)
      throw new UsageError(
        `${name('beam')} follows the model's own distribution: it cannot be combined with ${shaping.map(name).join(', ')}`,
      );
  }
  return {
    temperature: values.temperature,
    topK: values.topK,
    topP: values.topP,
    minP: values.minP,
    repeatPenalty: values.repeatPenalty,
    repeatLast: values.repeatLast,
    prime: values.prime,
    length: values.length ?? defaultLength(stop, values.lines ?? 0),
    lines: values.lines ?? 0,
    stop,
    beam,
    direction: values.direction,
    rng: rng(values.seed),
  };
}
