/**
 * A small line chart for the terminal, as plain text lines: `line` series are drawn with
 * braille dots (2 x 4 dots per character cell, consecutive points joined), `marker` series
 * with one glyph per point (drawn over the lines). Series are told apart by glyph, so the
 * chart reads without colour; `paint` may colour each series too (the caller decides; this
 * file prints nothing and knows no terminal library).
 *
 * Legend: w x h character cells of plot area = (2w) x (4h) dots; the y range is the min and max
 * of every finite value (the max on the top dot row, the min on the bottom one); non-finite
 * and null values are skipped.
 */

export interface ChartSeries {
  label: string;
  /** [x, y] pairs; a null or non-finite y (or x) is skipped. */
  points: ReadonlyArray<readonly [number, number | null]>;
  style: 'line' | 'marker';
  /** The glyph of a `marker` series (one terminal column wide). */
  glyph?: string;
}

export interface ChartOptions {
  /** Plot area in character cells (the labels and axes come on top of this). */
  width?: number;
  height?: number;
  /** Unit of the y values, printed above the y axis (e.g. 'nats'). */
  yUnit: string;
  /** Name of the x axis, printed after the last x label (e.g. 'steps'). */
  xLabel: string;
  /** Colours series i's text; the identity by default. */
  paint?: (series: number, text: string) => string;
}

const BRAILLE_BASE = 0x2800;
/** Bit of the braille dot at (column dx in 0..1, row dy in 0..3) of a cell. */
const DOT_BITS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];
const DEFAULT_MARKER = '●';
/** What a line series looks like in the legend. */
const LINE_SAMPLE = '⠤⠤';

interface Cell {
  dots: number; // braille bits
  glyph: string | null; // a marker, drawn instead of the dots
  owner: number; // series index that drew last (its colour)
}

export function renderChart(series: readonly ChartSeries[], options: ChartOptions): string[] {
  const w = Math.max(2, Math.floor(options.width ?? 60));
  const h = Math.max(2, Math.floor(options.height ?? 12));
  const paint = options.paint ?? ((_i: number, text: string) => text);
  const clean = series.map((s) =>
    s.points.filter((p): p is [number, number] => Number.isFinite(p[0]) && p[1] !== null && Number.isFinite(p[1])),
  );
  const all = clean.flat();
  if (all.length === 0) return [];
  const [xMin, xMax] = padFlat(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const [yMin, yMax] = padFlat(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const dotCols = 2 * w;
  const dotRows = 4 * h;
  const colOf = (x: number) => Math.round(((x - xMin) / (xMax - xMin)) * (dotCols - 1));
  const rowOf = (y: number) => Math.round(((yMax - y) / (yMax - yMin)) * (dotRows - 1));

  const grid: Cell[][] = Array.from({ length: h }, () => Array.from({ length: w }, () => ({ dots: 0, glyph: null, owner: -1 })));
  const dot = (c: number, r: number, owner: number) => {
    const cell = grid[r >> 2][c >> 1];
    cell.dots |= DOT_BITS[c & 1][r & 3];
    if (cell.glyph === null) cell.owner = owner;
  };
  // Lines first, markers over them.
  clean.forEach((points, i) => {
    if (series[i].style !== 'line') return;
    const path = columnMeans(points, colOf).map(([c, y]) => [c, rowOf(y)] as const);
    if (path.length === 1) dot(path[0][0], path[0][1], i);
    for (let k = 1; k < path.length; k++) line(path[k - 1], path[k], (c, r) => dot(c, r, i));
  });
  clean.forEach((points, i) => {
    if (series[i].style !== 'marker') return;
    for (const [x, y] of points) {
      const cell = grid[rowOf(y) >> 2][colOf(x) >> 1];
      cell.glyph = series[i].glyph ?? DEFAULT_MARKER;
      cell.owner = i;
    }
  });

  // Labels on the top, bottom and two middle rows; the value of row r is that of its first dot
  // row that maps there (the top row's is yMax, the bottom row's yMin).
  const labelRows = [...new Set([0, Math.round((h - 1) / 3), Math.round((2 * (h - 1)) / 3), h - 1])];
  const decimals = Math.max(2, Math.min(6, Math.ceil(-Math.log10((yMax - yMin) / 3)) + 1));
  const yLabel = (r: number) => (yMax - (r / (h - 1)) * (yMax - yMin)).toFixed(decimals);
  const gutter = Math.max(...labelRows.map((r) => yLabel(r).length), options.yUnit.length);

  const out: string[] = [options.yUnit.padStart(gutter)];
  for (let r = 0; r < h; r++) {
    const labelled = labelRows.includes(r);
    let row = (labelled ? yLabel(r) : '').padStart(gutter) + ' ' + (labelled ? '┤' : '│');
    let run = '';
    let runOwner = -1;
    const flush = () => {
      if (run) row += runOwner >= 0 ? paint(runOwner, run) : run;
      run = '';
    };
    for (const cell of grid[r]) {
      const text = cell.glyph ?? (cell.dots ? String.fromCodePoint(BRAILLE_BASE + cell.dots) : ' ');
      const owner = cell.glyph !== null || cell.dots ? cell.owner : -1;
      if (owner !== runOwner) flush();
      runOwner = owner;
      run += text;
    }
    flush();
    out.push(row.trimEnd());
  }
  out.push(' '.repeat(gutter + 1) + xAxis(w));
  out.push(' '.repeat(gutter + 2) + xLabels(w, xMin, xMax, all, options.xLabel));
  const legend = series.map((s, i) => paint(i, s.style === 'line' ? LINE_SAMPLE : (s.glyph ?? DEFAULT_MARKER)) + ' ' + s.label);
  out.push(' '.repeat(gutter + 2) + legend.join('   '));
  return out;
}

/** A zero-width range becomes one around the value, so a flat series sits mid-height. */
function padFlat(lo: number, hi: number): [number, number] {
  if (hi > lo) return [lo, hi];
  const d = Math.abs(lo) * 0.05 || 0.5;
  return [lo - d, hi + d];
}

/** The mean y of the points falling in each dot column, by column. */
function columnMeans(points: ReadonlyArray<readonly [number, number]>, colOf: (x: number) => number): [number, number][] {
  const sums = new Map<number, [number, number]>();
  for (const [x, y] of points) {
    const c = colOf(x);
    const s = sums.get(c) ?? [0, 0];
    s[0] += y;
    s[1]++;
    sums.set(c, s);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([c, [sum, n]]) => [c, sum / n]);
}

/** Every dot of the segment from a to b (Bresenham). */
function line(a: readonly [number, number], b: readonly [number, number], plot: (c: number, r: number) => void): void {
  let [c, r] = a;
  const [c1, r1] = b;
  const dc = Math.abs(c1 - c);
  const dr = -Math.abs(r1 - r);
  const sc = c < c1 ? 1 : -1;
  const sr = r < r1 ? 1 : -1;
  let err = dc + dr;
  for (;;) {
    plot(c, r);
    if (c === c1 && r === r1) return;
    const e2 = 2 * err;
    if (e2 >= dr) {
      err += dr;
      c += sc;
    }
    if (e2 <= dc) {
      err += dc;
      r += sr;
    }
  }
}

/** └ then the axis, with ticks under the first, middle and last columns. */
function xAxis(w: number): string {
  const ticks = new Set([0, Math.floor((w - 1) / 2), w - 1]);
  let s = '└';
  for (let c = 0; c < w; c++) s += ticks.has(c) ? '┬' : '─';
  return s;
}

/** The x values under the ticks (left-aligned, centred, right-aligned), then the axis name. */
function xLabels(w: number, xMin: number, xMax: number, points: ReadonlyArray<readonly [number, number]>, name: string): string {
  const integers = points.every((p) => Number.isInteger(p[0]));
  const fmt = (x: number) => (integers ? String(Math.round(x)) : x.toFixed(1));
  const mid = Math.floor((w - 1) / 2);
  const chars = Array.from({ length: w }, () => ' ');
  const put = (text: string, start: number) => {
    for (let i = 0; i < text.length; i++) if (start + i >= 0 && start + i < w) chars[start + i] = text[i];
  };
  const left = fmt(xMin);
  const right = fmt(xMax);
  const middle = fmt(xMin + ((xMax - xMin) * mid) / (w - 1));
  const midStart = mid - Math.floor(middle.length / 2);
  // The middle label only where it does not run into the ends.
  // One x value (a single point): only the middle label, where the point is.
  if (left === right) put(middle, midStart);
  else {
    put(left, 0);
    // The middle label only where it does not run into the ends.
    if (midStart > left.length && midStart + middle.length < w - right.length) put(middle, midStart);
    put(right, w - right.length);
  }
  return chars.join('') + ' ' + name;
}
