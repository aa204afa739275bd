/**
 * Everything `fill` (the library's fill() and `charnn fill`) can be told: one table from which
 * come the library's FillOptions and defaults, the checks and the command's flags.
 */
import { UsageError } from '../errors.js';
import { checkOptions, nameOf, type Naming } from '../options/check-options.js';
import { defaultsOf, int, onOff, text, type ValuesOf } from '../options/option-spec.js';

export const FILL_OPTIONS = {
  gap: text('--gap <char>', 'the placeholder for one missing character', '_', { character: true }),
  wildcard: text('--wildcard <char>', 'the placeholder for a gap of 1 to --max-gap characters', '*', { character: true }),
  maxGap: int('--max-gap <n>', 'the longest fill of a wildcard gap', 8, 1, 100),
  beam: int('--beam <k>', 'partial sentences kept per gap character in each direction', 16, 1, 1000),
  top: int('--top <n>', 'candidates printed per sentence, best first', 5, 1, 1000),
  json: onOff('--json', 'one JSON object per sentence, with its candidates', false, { cliOnly: true }),
} as const;

export type FillOptions = ValuesOf<typeof FILL_OPTIONS>;
export const FILL_DEFAULTS: FillOptions = defaultsOf(FILL_OPTIONS);

/** The table's checks, and the placeholders must differ. */
export function checkFillOptions(o: FillOptions, naming: Naming): void {
  checkOptions('fill', FILL_OPTIONS, o, naming);
  if (o.gap === o.wildcard) {
    const name = (key: keyof typeof FILL_OPTIONS) => nameOf(FILL_OPTIONS, key, naming);
    throw new UsageError(`${name('gap')} and ${name('wildcard')} must differ, both are ${JSON.stringify(o.gap)}`);
  }
}
