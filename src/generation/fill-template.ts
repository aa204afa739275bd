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
    throw new UsageError(
      `fill: no gap in ${JSON.stringify(text)}`,
      `mark each missing character with ${o.gap}, or a gap of unknown length with ${o.wildcard}`,
    );
  }
  return { items, gaps };
}

/** The template with its gaps filled. */
export function applyFills(template: Template, fills: readonly string[]): string {
  let s = '';
  for (const item of template.items) s += item.kind === 'char' ? item.ch : fills[item.index];
  return s;
}
