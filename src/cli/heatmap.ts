/**
 * `score --heatmap`: each character of a sentence shown with its surprisal (bits), on one of
 * ten fixed steps, 0 (under 1 bit) to 9 (9 bits or more), so the same colour or digit means
 * the same thing in every sentence. In colour, each character gets a background from calm
 * (blue) to hot (red; on a 16-colour terminal, ten named colours from blue to magenta); without colour, a second line puts the step's digit under each
 * character. Pure: the caller passes a chalk instance (or null for none) and prints the lines.
 *
 * Alignment assumes one terminal column per character (wide CJK characters and combining marks
 * shift the digits after them).
 */
import type { ChalkInstance } from 'chalk';

/** Steps 0..9, calm to hot (ColorBrewer's RdYlBu, reversed). */
const BACKGROUNDS = ['#313695', '#4575b4', '#74add1', '#abd9e9', '#e0f3f8', '#fee090', '#fdae61', '#f46d43', '#d73027', '#a50026'];
/** Dark text on the light steps, white on the dark ones. */
const LIGHT = new Set([2, 3, 4, 5, 6]);
/** What the closing <EOS> is shown as. */
export const EOS_MARK = '⏎';

/** The step of a surprisal: whole bits, 0 to 9 (9 = 9 bits or more). */
export function heatStep(bits: number): number {
  if (!Number.isFinite(bits)) return 9;
  return Math.max(0, Math.min(9, Math.floor(bits)));
}

/** A symbol as one visible column: <EOS> as ⏎, a tab as →, other control characters as ·. */
function shown(symbol: string): string {
  if (symbol === '<EOS>') return EOS_MARK;
  if (symbol === '\t') return '→';
  return /^[\u0000-\u001f\u007f-\u009f]$/u.test(symbol) ? '·' : symbol;
}

type BasicBackground =
  'bgBlue' | 'bgCyan' | 'bgGreen' | 'bgGreenBright' | 'bgWhite' | 'bgYellowBright' | 'bgYellow' | 'bgRedBright' | 'bgRed' | 'bgMagenta';
/** On a 16-colour terminal (where the RGB steps would collapse into a few), ten distinct
 *  named backgrounds in the same calm-to-hot order, with the text colour that reads on each. */
const BASIC: [bg: BasicBackground, fg: 'black' | 'whiteBright'][] = [
  ['bgBlue', 'whiteBright'],
  ['bgCyan', 'black'],
  ['bgGreen', 'black'],
  ['bgGreenBright', 'black'],
  ['bgWhite', 'black'],
  ['bgYellowBright', 'black'],
  ['bgYellow', 'black'],
  ['bgRedBright', 'black'],
  ['bgRed', 'whiteBright'],
  ['bgMagenta', 'whiteBright'],
];

function paintStep(colour: ChalkInstance, step: number, text: string): string {
  if (colour.level === 1) {
    const [bg, fg] = BASIC[step];
    return colour[bg][fg](text);
  }
  return colour.bgHex(BACKGROUNDS[step]).hex(LIGHT.has(step) ? '#000000' : '#ffffff')(text);
}

/**
 * The lines of one sentence: symbols (the characters, then '<EOS>') and their surprisal in
 * bits; `summary` follows the sentence (colour) or the digits (plain).
 */
export function heatmapLines(symbols: readonly string[], bits: ArrayLike<number>, summary: string, colour: ChalkInstance | null): string[] {
  const steps = symbols.map((_, i) => heatStep(bits[i]));
  if (colour) return [symbols.map((s, i) => paintStep(colour, steps[i], shown(s))).join('') + '  ' + summary];
  return [symbols.map(shown).join(''), steps.join('') + '  ' + summary];
}

/** The key to the steps, printed once after the sentences. */
export function heatmapLegend(colour: ChalkInstance | null): string {
  if (colour) {
    const swatches = BACKGROUNDS.map((_, step) => paintStep(colour, step, step === 9 ? ' 9+ ' : ` ${step} `)).join('');
    return `surprisal in bits: ${swatches}  (0 = under 1 bit; ${EOS_MARK} = end of sentence, <EOS>)`;
  }
  return `digits: surprisal of the character above in whole bits (0 = under 1 bit, 9 = 9 bits or more); ${EOS_MARK} = end of sentence (<EOS>)`;
}
