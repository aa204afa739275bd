/**
 * The text given to `fill`: characters, with placeholders for the missing ones. The gap
 * placeholder (default `_`) stands for exactly one character; the wildcard (default `*`) for
 * one to maxGap characters, a gap of unknown length. Characters are code points.
 */
import { UsageError } from '../errors.js';

export type TemplateItem = { kind: 'char'; ch: string } | { kind: 'gap'; index: number; min: number; max: number };

export interface Template {
  items: TemplateItem[];
  /** Gaps, numbered 0.. from the left. */
  gaps: number;
}

export interface PlaceholderOptions {
  gap: string;
  wildcard: string;
  maxGap: number;
}

export function checkPlaceholders(o: PlaceholderOptions): void {
  for (const [flag, ch] of [['--gap', o.gap], ['--wildcard', o.wildcard]] as const) {
    if (typeof ch !== 'string' || Array.from(ch).length !== 1 || ch === '\n' || ch === '\r') {
      throw new UsageError(`${flag} must be exactly one character (not a line end), got ${JSON.stringify(ch)}`);
    }
  }
  if (o.gap === o.wildcard) throw new UsageError(`--gap and --wildcard must differ, both are ${JSON.stringify(o.gap)}`);
  if (!Number.isInteger(o.maxGap) || o.maxGap < 1 || o.maxGap > 100) throw new UsageError(`--max-gap must be an integer from 1 to 100, got ${o.maxGap}`);
}

export function parseTemplate(text: string, o: PlaceholderOptions): Template {
  if (/[\r\n]/.test(text)) throw new UsageError('fill: the text must be one line (one sentence)');
  const items: TemplateItem[] = [];
  let gaps = 0;
  for (const ch of text) {
    if (ch === o.gap) items.push({ kind: 'gap', index: gaps++, min: 1, max: 1 });
    else if (ch === o.wildcard) items.push({ kind: 'gap', index: gaps++, min: 1, max: o.maxGap });
    else items.push({ kind: 'char', ch });
  }
  if (gaps === 0) {
    throw new UsageError(`fill: no gap in ${JSON.stringify(text)}`, `mark each missing character with ${o.gap}, or a gap of unknown length with ${o.wildcard}`);
  }
  return { items, gaps };
}

/** The template with its gaps filled. */
export function applyFills(template: Template, fills: readonly string[]): string {
  let s = '';
  for (const item of template.items) s += item.kind === 'char' ? item.ch : fills[item.index];
  return s;
}
