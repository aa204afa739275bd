/**
 * What `charnn train` remembers of its losses to draw the closing chart on a terminal:
 * training loss at every step, validation loss at every evaluation (this session's only).
 */
import type { ChalkInstance } from 'chalk';
import type { EvalReport, StepReport } from '../train/loop.js';
import { renderChart } from './chart.js';

export class LossHistory {
  readonly train: [number, number][] = [];
  readonly val: [number, number | null][] = [];

  step(r: StepReport): void {
    this.train.push([r.step, r.lossNats]);
  }

  eval(r: EvalReport): void {
    this.val.push([r.step, r.valNats]);
  }
}

/** The chart as one string (ends with a newline), or '' with nothing to draw. */
export function lossChart(history: LossHistory, columns: number, chalk: ChalkInstance): string {
  const colours = [chalk.cyan, chalk.magentaBright];
  const lines = renderChart(
    [
      { label: 'training loss', style: 'line', points: history.train },
      { label: 'validation loss', style: 'marker', glyph: '●', points: history.val },
    ],
    // The plot and its labels (about 12 columns) within the terminal's width.
    { width: Math.max(20, Math.min(60, columns - 14)), height: 12, yUnit: 'nats', xLabel: 'steps', paint: (i, s) => colours[i](s) },
  );
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
