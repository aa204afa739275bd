// score --heatmap's renderer: steps of whole bits, a digit line without colour, backgrounds
// from calm to hot with colour, and the legend for each.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { EOS_MARK, heatStep, heatmapLegend, heatmapLines } from '../../src/cli/heatmap.js';

const symbols = ['a', '\t', 'b', '<EOS>'];
const bits = [0.2, 1.99, 12.5, 3];

describe('heatmap', () => {
  it('steps are whole bits from 0 to 9 (9 and more)', () => {
    expect([0, 0.99, 1, 2.5, 8.999, 9, 40, Infinity, NaN].map(heatStep)).toEqual([0, 0, 1, 2, 8, 9, 9, 9, 9]);
  });

  it('without colour: the characters, then a digit under each and the summary', () => {
    const lines = heatmapLines(symbols, bits, '17.7 bits', null);
    expect(lines).toEqual([`a→b${EOS_MARK}`, '0193  17.7 bits']);
    expect([...lines[0]].length).toBe(lines[1].indexOf(' '));
    expect(heatmapLegend(null)).toMatch(/^digits: surprisal .* in whole bits/);
  });

  it('with colour: one line, each character on the background of its step, calm to hot', () => {
    const chalk = new Chalk({ level: 3 });
    const [line] = heatmapLines(symbols, bits, 'x', chalk);
    expect(line).toContain('\u001b[48;2;49;54;149m'); // step 0: dark blue
    expect(line).toContain('\u001b[48;2;165;0;38m'); // step 9: dark red
    expect(line.replace(/\u001b\[[0-9;]*m/g, '')).toBe(`a→b${EOS_MARK}  x`);
    const legend = heatmapLegend(chalk);
    expect(legend.match(/\u001b\[48;2;/g)).toHaveLength(10);
    expect(legend.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/surprisal in bits: {2}0 {2}1 .* 9\+ /);
  });

  it('on a 16-colour terminal the ten steps still have ten different backgrounds', () => {
    const legend = heatmapLegend(new Chalk({ level: 1 }));
    const backgrounds = [...legend.matchAll(/\u001b\[(4[0-7]|10[0-7])m/g)].map((m) => m[1]);
    expect(backgrounds).toHaveLength(10);
    expect(new Set(backgrounds).size).toBe(10);
  });
});
