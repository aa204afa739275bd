/**
 * Training curves as an SVG document (plain text, no dependency): loss in nats per character
 * (left axis) and bits per character (right axis, bpc = nats / ln 2) against steps, wall
 * time, or both (two panels, one above the other). Each run has a colour; training loss is a
 * thin line, validation loss a thick line with a dot at each evaluation. Every string that
 * comes from outside (labels) is escaped.
 *
 * Legend: W x H the document in px; a panel's plot area spans [left, right] x [top, bottom];
 * x and y map data to px linearly.
 */
import type { RunPoint } from './run-log.js';
import { niceDomain, niceTicks } from './ticks.js';
import { escapeXml } from './xml.js';
import { UsageError } from '../errors.js';
import { checkOptionNames, checkOptions } from '../options/check-options.js';
import { choice, optionalInt, optionalText } from '../options/option-spec.js';
import { describe, expectOptions } from '../util/arguments.js';

export interface PlotRun {
  label: string;
  points: RunPoint[];
}

export type PlotX = 'steps' | 'time' | 'both';

export interface SvgOptions {
  x: PlotX;
  /** Document width in px (default 900). */
  width?: number;
  title?: string;
}

/** Okabe & Ito's colour-blind-safe palette (its yellow left out: too pale on white). */
export const RUN_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const MARGIN = { left: 72, right: 72, top: 16, bottom: 52 };
const PANEL_HEIGHT = 300;
const TITLE_HEIGHT = 32;
/** Rough width of a character of the 12 px font, to size the legend box. */
const CHAR_PX = 6.8;

/** The arguments checked: a UsageError naming the one that is wrong, never a TypeError inside. */
function checkSvgArguments(runs: unknown, options: unknown): void {
  if (
    !Array.isArray(runs) ||
    !runs.every((r) => typeof r === 'object' && r !== null && typeof r.label === 'string' && Array.isArray(r.points))
  )
    throw new UsageError(`lossSvg: runs must be an array of { label, points } (points from parseRunLog), got ${describe(runs)}`);
  expectOptions('lossSvg', 'options', options);
  if (options === undefined) throw new UsageError("lossSvg: options must be an object such as { x: 'both' }, got undefined");
  checkOptionNames('lossSvg', SVG_OPTIONS, options);
  // An option left undefined is one not given.
  checkOptions('lossSvg', SVG_OPTIONS, Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
}

/** lossSvg's options, as a table for their checks (`charnn plot`'s flags are its own). */
const SVG_OPTIONS = {
  x: choice('--x <axis>', 'steps, time or both', 'both', ['steps', 'time', 'both']),
  width: optionalInt('--width <px>', 'document width', 100, 20_000),
  title: optionalText('--title <text>', 'a title'),
};

/** Coordinates to a tenth of a pixel. */
const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

/** The whole SVG document. */
export function lossSvg(runs: readonly PlotRun[], options: SvgOptions): string {
  checkSvgArguments(runs, options);
  const W = options.width ?? 900;
  const axes: ('steps' | 'time')[] = options.x === 'both' ? ['steps', 'time'] : [options.x];
  const titleH = options.title ? TITLE_HEIGHT : 0;
  const panelH = PANEL_HEIGHT + MARGIN.top + MARGIN.bottom;
  const H = titleH + axes.length * panelH;

  // One y domain for every panel, over every finite value.
  const ys = runs
    .flatMap((r) => r.points.flatMap((p) => [p.lossNats, p.valNats]))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const [y0, y1] = ys.length > 0 ? niceDomain(Math.min(...ys), Math.max(...ys), 6) : [0, 1];

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${escapeXml(FONT)}" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
  ];
  if (options.title)
    out.push(
      `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600" fill="#222">${escapeXml(options.title)}</text>`,
    );
  axes.forEach((axis, i) => {
    const top = titleH + i * panelH + MARGIN.top;
    out.push(...panel(runs, axis, { left: MARGIN.left, right: W - MARGIN.right, top, bottom: top + PANEL_HEIGHT }, [y0, y1], i));
  });
  out.push(...legend(runs, W - MARGIN.right - 8, titleH + MARGIN.top + 8));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** How wall time is shown: seconds, minutes or hours, by the longest run. */
function timeUnit(maxS: number): { name: string; seconds: number } {
  if (maxS <= 180) return { name: 's', seconds: 1 };
  if (maxS <= 3 * 3600) return { name: 'min', seconds: 60 };
  return { name: 'h', seconds: 3600 };
}

function panel(runs: readonly PlotRun[], axis: 'steps' | 'time', box: Box, [y0, y1]: [number, number], index: number): string[] {
  const maxS = Math.max(0, ...runs.flatMap((r) => r.points.map((p) => p.elapsedS)));
  const unit = timeUnit(maxS);
  const xOf = axis === 'steps' ? (p: RunPoint) => p.step : (p: RunPoint) => p.elapsedS / unit.seconds;
  const xs = runs.flatMap((r) => r.points.map(xOf));
  const [x0, x1] = niceDomain(0, Math.max(0, ...xs), 8);
  const px = (x: number) => box.left + ((x - x0) / (x1 - x0)) * (box.right - box.left);
  const py = (y: number) => box.bottom - ((y - y0) / (y1 - y0)) * (box.bottom - box.top);
  const clip = `plot${index}`;
  const out: string[] = [
    `<g class="panel" data-x="${axis}">`,
    `<clipPath id="${clip}"><rect x="${fmt(box.left)}" y="${fmt(box.top)}" width="${fmt(box.right - box.left)}" height="${fmt(box.bottom - box.top)}"/></clipPath>`,
  ];

  // Grid and ticks: nats on the left, bpc on the right, x below.
  const yTicks = niceTicks(y0, y1, 6);
  for (const v of yTicks.values) {
    const y = fmt(py(v));
    out.push(`<line class="grid" x1="${fmt(box.left)}" x2="${fmt(box.right)}" y1="${y}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(
      `<text class="tick y" x="${fmt(box.left - 6)}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${v.toFixed(yTicks.decimals)}</text>`,
    );
  }
  const bpcTicks = niceTicks(y0 / Math.LN2, y1 / Math.LN2, 6);
  for (const b of bpcTicks.values) {
    const y = fmt(py(b * Math.LN2));
    out.push(`<line x1="${fmt(box.right)}" x2="${fmt(box.right + 4)}" y1="${y}" y2="${y}" stroke="#444"/>`);
    out.push(
      `<text class="tick bpc" x="${fmt(box.right + 7)}" y="${y}" dominant-baseline="middle" fill="#444">${b.toFixed(bpcTicks.decimals)}</text>`,
    );
  }
  const xTicks = niceTicks(x0, x1, 8);
  for (const v of xTicks.values) {
    const x = fmt(px(v));
    out.push(`<line class="grid" x1="${x}" x2="${x}" y1="${fmt(box.top)}" y2="${fmt(box.bottom)}" stroke="#f0f0f0"/>`);
    out.push(
      `<text class="tick x" x="${x}" y="${fmt(box.bottom + 16)}" text-anchor="middle" fill="#444">${v.toFixed(xTicks.decimals)}</text>`,
    );
  }
  out.push(
    `<rect x="${fmt(box.left)}" y="${fmt(box.top)}" width="${fmt(box.right - box.left)}" height="${fmt(box.bottom - box.top)}" fill="none" stroke="#888"/>`,
  );
  const midY = fmt((box.top + box.bottom) / 2);
  out.push(
    `<text class="axis-title" transform="translate(${fmt(box.left - 52)} ${midY}) rotate(-90)" text-anchor="middle" fill="#222">loss (nats per char)</text>`,
  );
  out.push(
    `<text class="axis-title" transform="translate(${fmt(box.right + 52)} ${midY}) rotate(90)" text-anchor="middle" fill="#222">bits per char (bpc)</text>`,
  );
  out.push(
    `<text class="axis-title" x="${fmt((box.left + box.right) / 2)}" y="${fmt(box.bottom + 38)}" text-anchor="middle" fill="#222">${axis === 'steps' ? 'steps' : `wall time (${unit.name})`}</text>`,
  );

  // The curves: every run's training loss first, then the validation curves over them (clipped
  // to the plot area), then the validation dots (not clipped: a dot at the last step stays whole).
  out.push(`<g clip-path="url(#${clip})" fill="none" stroke-linejoin="round" stroke-linecap="round">`);
  runs.forEach((run, r) => {
    const train = run.points.filter((p) => p.lossNats !== null && Number.isFinite(p.lossNats));
    out.push(
      ...curve(
        train.map((p) => [px(xOf(p)), py(p.lossNats!)]),
        'train',
        r,
        1.2,
        run.label,
      ),
    );
  });
  runs.forEach((run, r) => {
    const val = run.points.filter((p) => p.valNats !== null && Number.isFinite(p.valNats));
    if (val.length > 1)
      out.push(
        ...curve(
          val.map((p) => [px(xOf(p)), py(p.valNats!)]),
          'val',
          r,
          2.6,
          run.label,
        ),
      );
  });
  out.push('</g>');
  runs.forEach((run, r) => {
    const dots = run.points.filter((p) => p.valNats !== null && Number.isFinite(p.valNats));
    if (dots.length === 0) return;
    out.push(`<g class="val-points" fill="${colourOf(r)}" stroke="#fff" stroke-width="1">`);
    for (const p of dots) {
      const where = axis === 'steps' ? `step ${p.step}` : `${fmt(xOf(p))} ${unit.name}`;
      const v = p.valNats!;
      out.push(
        `<circle class="val-point" cx="${fmt(px(xOf(p)))}" cy="${fmt(py(v))}" r="3.5"><title>${escapeXml(run.label)}, ${where}: validation ${v.toFixed(4)} nats (${(v / Math.LN2).toFixed(3)} bpc)</title></circle>`,
      );
    }
    out.push('</g>');
  });
  out.push('</g>');
  return out;
}

function colourOf(run: number): string {
  return RUN_COLOURS[run % RUN_COLOURS.length];
}

/** Past the palette, runs repeat its colours dashed. */
function dashOf(run: number): string {
  return run >= RUN_COLOURS.length ? ' stroke-dasharray="6 3"' : '';
}

/** A polyline through the points (a lone point is a dot). */
function curve(points: [number, number][], kind: 'train' | 'val', run: number, width: number, label: string): string[] {
  if (points.length === 0) return [];
  const title = `<title>${escapeXml(label)}: ${kind === 'train' ? 'training' : 'validation'} loss</title>`;
  if (points.length === 1)
    return [
      `<circle class="${kind}" cx="${fmt(points[0][0])}" cy="${fmt(points[0][1])}" r="${width}" fill="${colourOf(run)}">${title}</circle>`,
    ];
  const opacity = kind === 'train' ? ' stroke-opacity="0.75"' : '';
  return [
    `<polyline class="${kind}" points="${points.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ')}" stroke="${colourOf(run)}" stroke-width="${width}"${opacity}${dashOf(run)}>${title}</polyline>`,
  ];
}

/** Top right of the first panel (where training curves, falling from the left, seldom are). */
function legend(runs: readonly PlotRun[], right: number, top: number): string[] {
  const key = 'thin: training, thick + dots: validation';
  const rowH = 18;
  const textW = Math.max(key.length * CHAR_PX * 0.9, ...runs.map((r) => [...r.label].length * CHAR_PX + 44));
  const w = textW + 16;
  const h = (runs.length + 1) * rowH + 10;
  const left = right - w;
  const out = [
    `<g class="legend">`,
    `<rect x="${fmt(left)}" y="${fmt(top)}" width="${fmt(w)}" height="${fmt(h)}" fill="#ffffff" fill-opacity="0.9" stroke="#ccc" rx="3"/>`,
  ];
  runs.forEach((run, r) => {
    const y = top + 8 + r * rowH + rowH / 2;
    const c = colourOf(r);
    out.push(
      `<line x1="${fmt(left + 8)}" x2="${fmt(left + 22)}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="${c}" stroke-width="1.2"${dashOf(r)}/>`,
    );
    out.push(
      `<line x1="${fmt(left + 26)}" x2="${fmt(left + 40)}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="${c}" stroke-width="2.6"${dashOf(r)}/>`,
    );
    out.push(`<circle cx="${fmt(left + 33)}" cy="${fmt(y)}" r="3.5" fill="${c}" stroke="#fff"/>`);
    out.push(
      `<text class="legend-label" x="${fmt(left + 46)}" y="${fmt(y)}" dominant-baseline="middle" fill="#222">${escapeXml(run.label)}</text>`,
    );
  });
  out.push(
    `<text x="${fmt(left + 8)}" y="${fmt(top + 8 + runs.length * rowH + rowH / 2)}" dominant-baseline="middle" fill="#666" font-size="11">${key}</text>`,
  );
  out.push('</g>');
  return out;
}
