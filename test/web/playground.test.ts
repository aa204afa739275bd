// The playground page in real headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core, which downloads nothing), served by a real charnn server: typing a sentence
// draws the heatmap with charnn score's numbers, the keyboard alone moves through it and shows
// the alternatives, a sample with a seed is the CLI's text, gaps are filled, and a failure is
// shown in the page. Skipped, with the reason, where Chromium is not installed.
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, type Chromium } from '../helpers/chromium.js';
import { cliInProcess } from '../helpers/cli.js';
import { startServer, tinyCheckpoint, type Running } from '../server/fixture.js';

const SKIP = chromiumMissing();
const hasChromium = SKIP === null;

let path: string;
let s: Running;
let browser: Chromium;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  path = await tinyCheckpoint('lstm', 'tiny');
  s = await startServer({ models: [path] });
  browser = await launchChromium();
  page = await browser.browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${s.url}/`);
  await page.waitForSelector('#model option', { state: 'attached' });
});
afterAll(async () => {
  await browser?.close();
  await s?.server.close();
});

const cliOut = async (args: string[]) => (await cliInProcess(args, dirname(path))).out;

describe('the playground in headless Chromium', () => {
  it("typing a sentence draws the heatmap: each character's surprisal is charnn score's, as a number and a colour", async (ctx) => {
    if (!hasChromium) ctx.skip(SKIP);
    await page.fill('#score-text', 'the cat sat.');
    await page.waitForFunction("document.querySelectorAll('#heatmap .cell').length === 13");
    const cells = await page.$$eval('#heatmap .cell', (es) =>
      es.map((e) => ({
        bits: e.getAttribute('data-bits'),
        shown: e.querySelector('.num')!.textContent,
        ch: e.querySelector('.ch')!.textContent,
        cls: e.className,
      })),
    );
    const expected = JSON.parse(await cliOut(['score', '--json', '--detail', '-m', path, 'the cat sat.']));
    expect(cells.map((c) => c.ch)).toEqual(['t', 'h', 'e', '␣', 'c', 'a', 't', '␣', 's', 'a', 't', '.', '⏎']);
    expect(cells.map((c) => Number(c.bits))).toEqual(expected.detail.map((d: { bits: number }) => d.bits));
    expect(cells.map((c) => c.shown)).toEqual(expected.detail.map((d: { bits: number }) => d.bits.toFixed(1)));
    for (const c of cells) expect(c.cls).toContain(`b${Math.min(9, Math.floor(Number(c.bits)))}`);
    expect(await page.textContent('#heatmap .summary')).toContain(`${expected.bits.toFixed(1)} bits`);
    expect(errors).toEqual([]);
  });

  it("with the keyboard alone: Tab reaches the heatmap, arrows move, the alternatives are score --top's", async (ctx) => {
    if (!hasChromium) ctx.skip(SKIP);
    await page.focus('#score-text');
    await page.keyboard.press('Tab');
    expect(await page.evaluate("document.activeElement?.classList.contains('cell')")).toBe(true);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate("document.activeElement?.querySelector('.ch')?.textContent")).toBe('e');
    expect(await page.textContent('#alternatives')).toContain('Position 3 of "the cat sat."');
    const rows = await page.$$eval('#alternatives tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    const top = JSON.parse(await cliOut(['score', '--json', '--top', '5', '-m', path, 'the cat sat.'])).detail[2].top;
    const shown = (sym: string) => (sym === '<EOS>' ? '⏎' : sym === ' ' ? '␣' : sym);
    expect(rows).toEqual(
      top.map((t: { symbol: string; prob: number }) => [shown(t.symbol), t.prob.toFixed(3), (-Math.log2(t.prob)).toFixed(1)]),
    );
  });

  it("a sample with a seed is charnn sample's text, streamed into the page", async (ctx) => {
    if (!hasChromium) ctx.skip(SKIP);
    await page.fill('#prime', 'the ');
    await page.fill('#seed', '9');
    await page.$eval('#length', (e) => {
      (e as unknown as { value: string }).value = '150';
      e.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => Event }).Event('input'));
    });
    await page.focus('#prime');
    await page.keyboard.press('Enter');
    await page.waitForFunction("document.querySelector('#sample-status').textContent.startsWith('done')");
    const text = await page.textContent('#sample-output');
    const expected = await cliOut([
      'sample',
      '-m',
      path,
      '--prime',
      'the ',
      '--seed',
      '9',
      '--temp',
      '0.8',
      '--top-p',
      '1',
      '--length',
      '150',
    ]);
    expect(text + '\n').toBe(expected);
    expect(await page.textContent('#sample-status')).toBe('done: seed 9, stopped by length');
  });

  it('gaps are filled as charnn fill fills them; a sentence without a gap is an error shown in the page', async (ctx) => {
    if (!hasChromium) ctx.skip(SKIP);
    await page.fill('#fill-text', 'the c_t sat.');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#fill-output li');
    const items = await page.$$eval('#fill-output li', (lis) => lis.map((li) => li.textContent));
    const expected = JSON.parse(await cliOut(['fill', '--json', '-m', path, 'the c_t sat.'])).candidates;
    expect(items.map((t) => t!.split('  (')[0])).toEqual(expected.map((c: { text: string }) => c.text));
    await page.fill('#fill-text', 'no gap here');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#fill-error:not([hidden])');
    expect(await page.getAttribute('#fill-error', 'role')).toBe('alert');
    expect(await page.textContent('#fill-error')).toMatch(/gap/);
  });
});
