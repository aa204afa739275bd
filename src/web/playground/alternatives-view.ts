/** The symbols the model expected at the selected position of a sentence, most likely first. */
import type { SentenceScore } from './backend.js';
import { el, shownSymbol } from './dom.js';

export function showAlternatives(root: HTMLElement, score: SentenceScore, position: number): void {
  const here = score.symbols[position];
  const heading = el(
    'p',
    {},
    `Position ${position + 1} of "${score.text}": `,
    el('strong', {}, shownSymbol(here.symbol)),
    `, ${here.bits.toFixed(2)} bits (probability ${Math.pow(2, -here.bits).toFixed(3)}). The model expected:`,
  );
  const rows = here.top.map((t) =>
    el(
      'tr',
      t.symbol === here.symbol ? { class: 'actual' } : {},
      el('td', {}, shownSymbol(t.symbol)),
      el('td', {}, t.prob.toFixed(3)),
      el('td', {}, (-Math.log2(t.prob)).toFixed(1)),
    ),
  );
  const table = el(
    'table',
    {},
    el(
      'thead',
      {},
      el('tr', {}, el('th', { scope: 'col' }, 'symbol'), el('th', { scope: 'col' }, 'probability'), el('th', { scope: 'col' }, 'bits')),
    ),
    el('tbody', {}, ...rows),
  );
  root.replaceChildren(heading, table);
}
