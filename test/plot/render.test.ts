// The SVG renders: headless Chromium (Debian's /usr/bin/chromium, which .ci/run installs when missing) screenshots a chart
// through scripts/render-svg.sh, and the PNG (decoded here with node:zlib) shows the runs'
// colours in the plot area. Skipped where Chromium is not installed, with the reason in the
// run's summary. The PNG decoder is tested on its own either way.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { RunPoint } from '../../src/plot/run-log.js';
import { lossSvg, RUN_COLOURS } from '../../src/plot/svg.js';
import { decodePng } from '../helpers/png.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SCRIPT = resolve(__dirname, '../../scripts/render-svg.sh');

function curve(seed: number): RunPoint[] {
  const points: RunPoint[] = [];
  for (let step = 10; step <= 600; step += 10) {
    const loss = 1.3 + seed * 0.3 + 3 * Math.exp(-step / 120) + 0.05 * Math.sin(step * seed);
    points.push({ step, elapsedS: step * (0.1 + 0.05 * seed), lossNats: loss, valNats: step % 100 === 0 ? loss + 0.05 : null });
  }
  return points;
}

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));

describe('rendering the SVG', () => {
  it("headless Chromium draws both runs: many colours, the runs' colours in the plot area", (ctx) => {
    // The reason is printed in the run's summary (test/helpers/summary-reporter.ts).
    if (!hasChromium) ctx.skip(`${CHROMIUM} is not installed; apt-get install chromium to run it (.ci/run does)`);
    const dir = mkdtempSync(join(tmpdir(), 'charnn-render-'));
    const svgPath = join(dir, 'loss.svg');
    writeFileSync(
      svgPath,
      lossSvg(
        [
          { label: 'lstm', points: curve(1) },
          { label: 'gru', points: curve(2) },
        ],
        { x: 'both' },
      ),
    );
    const r = spawnSync('bash', [SCRIPT, svgPath, join(dir, 'loss.png')], { encoding: 'utf8', timeout: 90_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const png = decodePng(readFileSync(join(dir, 'loss.png')));
    const svg = readFileSync(svgPath, 'utf8');
    expect(png.width).toBe(Number(/width="(\d+)"/.exec(svg)![1]));
    expect(png.height).toBe(Number(/height="(\d+)"/.exec(svg)![1]));
    // The first panel's plot area (see svg.ts: 72 px margins, 300 px high from y = 16).
    const colours = new Set<number>();
    let inked = 0;
    const near = RUN_COLOURS.slice(0, 2).map(() => 0);
    for (let y = 20; y < 312; y++) {
      for (let x = 76; x < png.width - 76; x++) {
        const o = (y * png.width + x) * png.channels;
        const [R, G, B] = [png.data[o], png.data[o + 1], png.data[o + 2]];
        colours.add((R << 16) | (G << 8) | B);
        if (R < 200 || G < 200 || B < 200) inked++;
        RUN_COLOURS.slice(0, 2).forEach((c, i) => {
          const [r0, g0, b0] = hex(c);
          if (Math.abs(R - r0) + Math.abs(G - g0) + Math.abs(B - b0) < 40) near[i]++;
        });
      }
    }
    expect(colours.size).toBeGreaterThan(50);
    expect(inked).toBeGreaterThan(2000);
    for (const n of near) expect(n).toBeGreaterThan(300); // each run's lines and dots
  }, 120_000);
});

describe('the PNG decoder', () => {
  it('undoes every filter type, for RGB and RGBA', () => {
    for (const channels of [3, 4]) {
      const width = 5;
      const height = 5;
      const pixels = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37 + (i >> 3) * 11) & 0xff);
      const stride = width * channels;
      // Row y uses filter y (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth).
      const raw: number[] = [];
      for (let y = 0; y < height; y++) {
        raw.push(y);
        for (let i = 0; i < stride; i++) {
          const x = pixels[y * stride + i];
          const a = i >= channels ? pixels[y * stride + i - channels] : 0;
          const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
          const c = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels] : 0;
          const p = a + b - c;
          const pred = [
            0,
            a,
            b,
            (a + b) >> 1,
            Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c,
          ][y];
          raw.push((x - pred) & 0xff);
        }
      }
      const chunk = (type: string, body: Uint8Array) => {
        const head = Buffer.alloc(8);
        head.writeUInt32BE(body.length, 0);
        head.write(type, 4, 'latin1');
        return Buffer.concat([head, body, Buffer.alloc(4)]); // the decoder does not check CRCs
      };
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(width, 0);
      ihdr.writeUInt32BE(height, 4);
      ihdr[8] = 8;
      ihdr[9] = channels === 4 ? 6 : 2;
      const file = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', ihdr),
        chunk('IDAT', deflateSync(Buffer.from(raw))),
        chunk('IEND', new Uint8Array(0)),
      ]);
      const png = decodePng(file);
      expect([png.width, png.height, png.channels]).toEqual([width, height, channels]);
      expect(Array.from(png.data)).toEqual(Array.from(pixels));
    }
  });
});
