// The terminal chart is a pure function: series in, text lines out.
import { describe, expect, it } from 'vitest';
import { renderChart, type ChartSeries } from '../../src/cli/chart.js';

const BRAILLE = /[\u2801-\u28ff]/;
const opts = { yUnit: 'nats', xLabel: 'steps', width: 30, height: 8 };

/** The plot rows (between the unit line and the x axis), without the gutter and the axis. */
function plotRows(lines: string[]): string[] {
  const rows = lines.slice(
    1,
    lines.findIndex((l) => l.includes('└')),
  );
  return rows.map((r) => r.slice(r.search(/[┤│]/) + 1));
}

const falling: ChartSeries = {
  label: 'training loss',
  style: 'line',
  points: Array.from({ length: 100 }, (_, i) => [i + 1, 4 - (3 * i) / 99] as [number, number]),
};

describe('renderChart', () => {
  it('has the shape asked for: unit line, height rows, axis, x labels, legend; width columns', () => {
    const lines = renderChart([falling], opts);
    expect(lines).toHaveLength(1 + 8 + 3);
    expect(lines[0].trim()).toBe('nats');
    const rows = plotRows(lines);
    expect(rows).toHaveLength(8);
    for (const r of rows) expect([...r].length).toBeLessThanOrEqual(30);
    const axis = lines[9];
    expect(axis.trim()).toMatch(/^└[─┬]{30}$/);
    expect(lines[10]).toMatch(/^\s+1\s+.*\s100 steps$/);
    expect(lines[11]).toContain('training loss');
  });

  it('labels the y axis in the unit, the max on the top row and the min on the bottom row', () => {
    const lines = renderChart([falling], opts);
    expect(lines[1]).toMatch(/^\s*4\.00 ┤/);
    expect(lines[8]).toMatch(/^\s*1\.00 ┤/);
    const rows = plotRows(lines);
    // The series starts at its max (top left) and ends at its min (bottom right).
    expect([...rows[0]][0]).toMatch(BRAILLE);
    expect([...rows[7]].at(-1)).toMatch(BRAILLE);
    expect(rows[7].trim().length).toBeGreaterThan(0);
    for (const r of rows.slice(1, 7)) expect([...r][0] === undefined || [...r][0] === ' ').toBe(true);
  });

  it('puts a rising series the other way up, and a min in the middle at the bottom', () => {
    const valley: ChartSeries = {
      label: 'v',
      style: 'line',
      points: Array.from({ length: 61 }, (_, i) => [i, (i - 30) ** 2] as [number, number]),
    };
    const rows = plotRows(renderChart([valley], opts));
    const bottom = [...rows[7]];
    const firstDot = bottom.findIndex((c) => BRAILLE.test(c));
    const lastDot = bottom.length - 1 - [...bottom].reverse().findIndex((c) => BRAILLE.test(c));
    expect((firstDot + lastDot) / 2).toBeCloseTo(14.5, 0);
    expect([...rows[0]][0]).toMatch(BRAILLE);
    expect([...rows[0]][29]).toMatch(BRAILLE);
  });

  it('draws markers over lines and tells the series apart by glyph and by paint', () => {
    const val: ChartSeries = {
      label: 'validation loss',
      style: 'marker',
      points: [
        [50, 2.5],
        [100, 1],
      ],
    };
    const plain = renderChart([falling, val], opts);
    expect(plain.join('\n').match(/●/g)).toHaveLength(3); // two points and the legend
    expect(plain.at(-1)).toMatch(/⠤⠤ training loss {3}● validation loss/);
    const painted = renderChart([falling, val], { ...opts, paint: (i, s) => `<${i}>${s}</${i}>` });
    expect(painted.join('\n')).toContain('<1>●</1>');
    expect(painted.join('\n')).toMatch(/<0>[\u2801-\u28ff]+<\/0>/);
    expect(painted.at(-1)).toBe(plain.at(-1)!.replace('⠤⠤', '<0>⠤⠤</0>').replace('●', '<1>●</1>'));
  });

  it('a single point: one dot, one x label where it is', () => {
    const lines = renderChart([{ label: 'one', style: 'line', points: [[5, 2]] }], opts);
    const dots = plotRows(lines)
      .join('')
      .match(/[\u2801-\u28ff]/g);
    expect(dots).toHaveLength(1);
    expect(lines[10].trim()).toMatch(/^5 +steps$/);
    expect(lines.join('\n')).not.toMatch(/NaN|Infinity/);
  });

  it('a flat series is one row at mid height, with a range around its value', () => {
    const lines = renderChart(
      [
        {
          label: 'flat',
          style: 'line',
          points: [
            [0, 2],
            [10, 2],
            [20, 2],
          ],
        },
      ],
      opts,
    );
    const rows = plotRows(lines);
    const drawn = rows.map((r, i) => (BRAILLE.test(r) ? i : -1)).filter((i) => i >= 0);
    expect(drawn).toHaveLength(1);
    expect(drawn[0]).toBeGreaterThanOrEqual(3);
    expect(drawn[0]).toBeLessThanOrEqual(4);
    expect(Number(lines[1].trim().split(' ')[0])).toBeGreaterThan(2);
    expect(Number(lines[8].trim().split(' ')[0])).toBeLessThan(2);
  });

  it('skips NaN, null and infinite values (they neither draw nor stretch the range)', () => {
    const points: [number, number | null][] = [
      [1, 3],
      [2, NaN],
      [3, null],
      [4, Infinity],
      [5, 1],
      [Number.NaN, 100],
    ];
    const lines = renderChart([{ label: 'gappy', style: 'line', points }], opts);
    expect(lines[1]).toMatch(/^\s*3\.00 ┤/);
    expect(lines[8]).toMatch(/^\s*1\.00 ┤/);
    expect(lines[10]).toMatch(/^\s+1\s.*\s5 steps$/);
    expect(lines.join('\n')).not.toMatch(/NaN|Infinity/);
  });

  it('draws nothing when there is nothing to draw', () => {
    expect(
      renderChart(
        [
          {
            label: 'empty',
            style: 'line',
            points: [
              [1, null],
              [2, NaN],
            ],
          },
        ],
        opts,
      ),
    ).toEqual([]);
    expect(renderChart([], opts)).toEqual([]);
  });
});
