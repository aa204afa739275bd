/** Small DOM helpers for the playground. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

export function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

/** A symbol as the page shows it: '⏎' for the end of a sentence, '␣' for a space. */
export function shownSymbol(symbol: string): string {
  if (symbol === '<EOS>') return '⏎';
  if (symbol === ' ') return '␣';
  if (symbol === '\t') return '⇥';
  return symbol;
}

/** A symbol as words for a screen reader. */
export function spokenSymbol(symbol: string): string {
  if (symbol === '<EOS>') return 'end of sentence';
  if (symbol === '<UNK>') return 'unknown character';
  if (symbol === ' ') return 'space';
  return `"${symbol}"`;
}

/** Shows a failure in the page (role=alert) or clears it (null). */
export function showError(target: HTMLElement, message: string | null): void {
  target.textContent = message ?? '';
  target.hidden = message === null;
}
