/**
 * The loss as it falls, drawn while a page trains: training loss as a line, validation loss as
 * dots, in nats against steps (as `charnn train` draws its chart on a terminal). Plain SVG.
 */
const W = 600;
const H = 200;
const PAD = 36;

export class LossChart {
  private readonly train: [number, number][] = [];
  private readonly val: [number, number][] = [];

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly plannedSteps: number,
  ) {
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.draw();
  }

  addStep(step: number, loss: number): void {
    if (Number.isFinite(loss)) this.train.push([step, loss]);
    // Redrawing costs little, but not at every step of a fast run: at most 200 points drawn apart.
    if (this.train.length < 200 || step % Math.ceil(this.plannedSteps / 200) === 0) this.draw();
  }

  addEval(step: number, valNats: number | null): void {
    if (valNats !== null) this.val.push([step, valNats]);
    this.draw();
  }

  private draw(): void {
    const all = [...this.train, ...this.val].map((p) => p[1]);
    const top = all.length ? Math.max(...all) : 1;
    const bottom = all.length ? Math.min(...all) : 0;
    const span = top - bottom || 1;
    const x = (step: number) => PAD + ((W - 2 * PAD) * step) / Math.max(this.plannedSteps, 1);
    const y = (nats: number) => H - PAD + ((bottom - nats) / span) * (H - 2 * PAD);
    const parts: string[] = [
      `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" class="axis"/>`,
      `<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" class="axis"/>`,
      `<text x="${PAD - 4}" y="${PAD + 4}" text-anchor="end">${top.toFixed(2)}</text>`,
      `<text x="${PAD - 4}" y="${H - PAD}" text-anchor="end">${bottom.toFixed(2)}</text>`,
      `<text x="${W - PAD}" y="${H - PAD + 16}" text-anchor="end">${this.plannedSteps} steps</text>`,
      `<text x="${PAD}" y="${PAD - 12}">nats</text>`,
    ];
    if (this.train.length > 1) {
      parts.push(`<polyline class="train" points="${this.train.map(([s, l]) => `${x(s).toFixed(1)},${y(l).toFixed(1)}`).join(' ')}"/>`);
    }
    for (const [s, v] of this.val) parts.push(`<circle class="val" cx="${x(s).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5"/>`);
    this.svg.innerHTML = parts.join('');
    this.svg.setAttribute('data-points', String(this.train.length));
  }
}
