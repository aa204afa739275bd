/**
 * The surprisal heatmap: each sentence's characters (and its end, ⏎) with the surprisal of each
 * in bits written under it, to one decimal, and a background from calm blue (under 1 bit) to hot
 * red (9 bits or more), the scale of `charnn score --heatmap`. The numbers carry it all without
 * colour. The cells are one keyboard stop: Tab enters at the selected cell, the arrow keys move
 * (left/right along the sentences, up/down between them), Home/End jump; the selected cell's
 * alternatives are shown beside (alternatives-view.ts).
 */
import type { SentenceScore } from './backend.js';
import { el, shownSymbol, spokenSymbol } from './dom.js';

/** The colour class of a surprisal: whole bits, 0 to 9 (9 = 9 bits or more). */
export function bucketOf(bits: number): number {
  return Math.max(0, Math.min(9, Math.floor(bits)));
}

export class HeatmapView {
  private cells: HTMLElement[] = [];
  private rows: number[] = [];
  private selected = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly onSelect: (score: SentenceScore, position: number) => void,
  ) {
    root.addEventListener('keydown', (e) => this.onKey(e));
  }

  show(scores: SentenceScore[]): void {
    const keep = this.selected;
    this.cells = [];
    this.rows = [];
    const sentences = scores.map((score, row) => {
      const cells = score.symbols.map((s, position) => {
        const cell = el(
          'span',
          {
            class: `cell b${bucketOf(s.bits)}`,
            tabindex: '-1',
            role: 'button',
            'data-bits': String(s.bits),
            'aria-label': `${spokenSymbol(s.symbol)}: ${s.bits.toFixed(1)} bits`,
          },
          el('span', { class: 'ch' }, shownSymbol(s.symbol)),
          el('span', { class: 'num' }, s.bits.toFixed(1)),
        );
        const index = this.cells.length;
        cell.addEventListener('click', () => this.select(index, true));
        cell.addEventListener('mouseenter', () => this.select(index, false));
        this.cells.push(cell);
        this.rows.push(row);
        (cell as HTMLElement & { position?: [SentenceScore, number] }).position = [score, position];
        return cell;
      });
      const summary = `${score.bits.toFixed(1)} bits, ${score.bpc.toFixed(3)} bits per symbol, perplexity ${score.ppl.toFixed(2)}`;
      return el('div', { class: 'sentence' }, el('div', { class: 'cells' }, ...cells), el('p', { class: 'summary' }, summary));
    });
    this.root.replaceChildren(...sentences);
    if (this.cells.length > 0) this.select(Math.min(keep, this.cells.length - 1), false);
  }

  private select(index: number, focus: boolean): void {
    this.cells[this.selected]?.setAttribute('tabindex', '-1');
    this.cells[this.selected]?.classList.remove('selected');
    this.selected = index;
    const cell = this.cells[index];
    cell.setAttribute('tabindex', '0');
    cell.classList.add('selected');
    if (focus) cell.focus();
    const [score, position] = (cell as HTMLElement & { position: [SentenceScore, number] }).position;
    this.onSelect(score, position);
  }

  private onKey(e: KeyboardEvent): void {
    if (this.cells.length === 0) return;
    const i = this.selected;
    let next = i;
    if (e.key === 'ArrowRight') next = Math.min(i + 1, this.cells.length - 1);
    else if (e.key === 'ArrowLeft') next = Math.max(i - 1, 0);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = this.cells.length - 1;
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      // The same position (or the nearest) in the next or previous sentence.
      const row = this.rows[i] + (e.key === 'ArrowDown' ? 1 : -1);
      const start = this.rows.indexOf(row);
      if (start < 0) return;
      const offset = i - this.rows.indexOf(this.rows[i]);
      const end = this.rows.lastIndexOf(row);
      next = Math.min(start + offset, end);
    } else return;
    e.preventDefault();
    this.select(next, true);
  }
}
