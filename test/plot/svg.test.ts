// The SVG loss chart: well-formed XML (parsed by a strict little checker), one polyline per run
// and curve, a dot per evaluation, round ticks on both loss axes that agree (bpc = nats / ln 2),
// labels escaped.
import { describe, expect, it } from 'vitest';
import type { RunPoint } from '../../src/plot/run-log.js';
import { lossSvg, RUN_COLOURS, type PlotRun } from '../../src/plot/svg.js';
import { allElements, parseXml, type XmlElement } from '../helpers/xml.js';

const point = (step: number, loss: number | null, val: number | null = null): RunPoint => ({
  step,
  elapsedS: step / 10,
  lossNats: loss,
  valNats: val,
});

const tricky = `a<b & "c" 'd'\u0001>`;
const runs: PlotRun[] = [
  {
    label: 'lstm',
    points: [point(10, 4.2), point(20, 3.1), point(20, 3.1, 3.3), point(30, 2.5), point(40, 2.2), point(40, 2.2, 2.4), point(50, 2)],
  },
  { label: tricky, points: [point(10, 4.1), point(20, 3.6), point(25, 3.4, 3.5)] },
];

const byClass = (root: XmlElement, name: string, cls: string) =>
  allElements(root).filter((e) => e.name === name && (e.attrs.class ?? '').split(' ').includes(cls));
const pointsOf = (polyline: XmlElement) => polyline.attrs.points.split(' ').map((p) => p.split(',').map(Number));

describe('lossSvg', () => {
  const svg = lossSvg(runs, { x: 'both' });
  const root = parseXml(svg);

  it('is a well-formed SVG document of the size it says, with no NaN', () => {
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.viewBox).toBe(`0 0 ${root.attrs.width} ${root.attrs.height}`);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('two panels (steps, time); per panel one thin training polyline per run, a thick validation one where a run has two evaluations or more, a dot per evaluation', () => {
    const panels = allElements(root).filter((e) => e.attrs.class === 'panel');
    expect(panels.map((p) => p.attrs['data-x'])).toEqual(['steps', 'time']);
    for (const panel of panels) {
      const train = byClass(panel, 'polyline', 'train');
      expect(train).toHaveLength(2);
      expect(pointsOf(train[0])).toHaveLength(7); // every line with a loss_nats
      expect(pointsOf(train[1])).toHaveLength(3);
      expect(train.map((t) => t.attrs.stroke)).toEqual(RUN_COLOURS.slice(0, 2));
      const val = byClass(panel, 'polyline', 'val');
      expect(val).toHaveLength(1); // the second run has one evaluation: a dot, no line
      expect(Number(val[0].attrs['stroke-width'])).toBeGreaterThan(Number(train[0].attrs['stroke-width']));
      expect(byClass(panel, 'circle', 'val-point')).toHaveLength(3);
      const xs = pointsOf(train[0]).map((p) => p[0]);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
    }
  });

  it('round nats ticks covering every value, and bpc ticks where nats = bpc x ln 2', () => {
    const panel = allElements(root).find((e) => e.attrs['data-x'] === 'steps')!;
    const nats = byClass(panel, 'text', 'y').map((t) => ({ v: Number(t.text), y: Number(t.attrs.y) }));
    expect(nats.length).toBeGreaterThanOrEqual(4);
    expect(nats[0].v).toBeLessThanOrEqual(2);
    expect(nats.at(-1)!.v).toBeGreaterThanOrEqual(4.2);
    const step = nats[1].v - nats[0].v;
    for (let i = 1; i < nats.length; i++) expect(nats[i].v - nats[i - 1].v).toBeCloseTo(step, 9);
    expect([0.1, 0.2, 0.25, 0.5, 1]).toContain(Number(step.toFixed(2)));
    // Linear map nats -> y from the first and last tick; every bpc tick must sit on it.
    const yOf = (v: number) => nats[0].y + ((v - nats[0].v) / (nats.at(-1)!.v - nats[0].v)) * (nats.at(-1)!.y - nats[0].y);
    const bpc = byClass(panel, 'text', 'bpc');
    expect(bpc.length).toBeGreaterThanOrEqual(3);
    for (const t of bpc) expect(Number(t.attrs.y)).toBeCloseTo(yOf(Number(t.text) * Math.LN2), 0);
    const steps = byClass(panel, 'text', 'x').map((t) => Number(t.text));
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBeGreaterThanOrEqual(50);
  });

  it('legend: one entry per run, labels escaped (and characters XML cannot hold replaced)', () => {
    const labels = byClass(root, 'text', 'legend-label').map((t) => t.text);
    expect(labels).toEqual(['lstm', tricky.replace('\u0001', '\ufffd')]);
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot; &apos;d&apos;\ufffd&gt;');
  });

  it('one panel for --x steps or --x time; wall time in the unit that fits', () => {
    const steps = parseXml(lossSvg(runs, { x: 'steps' }));
    expect(allElements(steps).filter((e) => e.attrs.class === 'panel')).toHaveLength(1);
    const time = parseXml(lossSvg(runs, { x: 'time', title: 'cells & co' }));
    const titles = byClass(time, 'text', 'axis-title').map((t) => t.text);
    expect(titles).toContain('wall time (s)');
    const long = parseXml(lossSvg([{ label: 'x', points: [point(10, 2), { ...point(20, 1), elapsedS: 2 * 3600 }] }], { x: 'time' }));
    expect(byClass(long, 'text', 'axis-title').map((t) => t.text)).toContain('wall time (min)');
    expect(allElements(time).some((e) => e.name === 'text' && e.text === 'cells & co')).toBe(true);
  });

  it('degenerate runs still make a valid chart: one point, a flat loss, no values', () => {
    for (const r of [
      [{ label: 'one', points: [point(10, 2, 2.1)] }],
      [{ label: 'flat', points: [point(10, 2), point(20, 2)] }],
      [{ label: 'none', points: [point(10, null)] }],
    ]) {
      const s = lossSvg(r, { x: 'both' });
      expect(s).not.toMatch(/NaN|Infinity/);
      expect(() => parseXml(s)).not.toThrow();
    }
  });
});

describe('the XML checker itself', () => {
  it.each([
    ['<a><b></a></b>', /closes/],
    ['<a x="1" x="2"/>', /twice/],
    ['<a>1 < 2</a>', /bad tag|raw/],
    ['<a>fish & chips</a>', /stray/],
    ['<a b="<"/>', /raw '<'/],
    ['<a/><b/>', /more than one root/],
    ['<a>', /never closed/],
  ])('rejects %s', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(message);
  });
});
