// The README's "Use a model in a web page" example (examples/web-page/, shown verbatim in the
// README) built as a user builds it: `import ... from 'charnn'` resolved through node_modules (a
// link to this package) by Vite, which follows the package's `browser` export and bundles the
// worker and the wasm kernels; then the built page, in headless Chromium, samples what the CLI
// samples for the same seed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliIn } from '../helpers/cli.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { serveFolder } from '../helpers/static-server.js';

const ROOT = resolve(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/web-page');
const MODEL = join(ROOT, 'test/fixtures/golden/old-lstm.safetensors');
const dir = mkdtempSync(join(tmpdir(), 'charnn-vite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README: "Use a model in a web page"', () => {
  it('shows examples/web-page/index.html and main.js verbatim', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use a model in a web page'));
    expect(section.length).toBeLessThan(readme.length);
    expect(section).toContain('```html\n' + readFileSync(join(EXAMPLE, 'index.html'), 'utf8') + '```');
    expect(section).toContain('```js\n' + readFileSync(join(EXAMPLE, 'main.js'), 'utf8') + '```');
  });

  it('the example builds with Vite and, in Chromium, samples and scores what the CLI does', async (ctx) => {
    if (chromiumMissing()) ctx.skip(chromiumMissing()!);
    for (const f of readdirSync(EXAMPLE)) copyFileSync(join(EXAMPLE, f), join(dir, f));
    mkdirSync(join(dir, 'node_modules'));
    mkdirSync(join(dir, 'public'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'charnn'), 'dir');
    copyFileSync(MODEL, join(dir, 'public', 'model.safetensors'));
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: dir, encoding: 'utf8' });
    expect(build.status, build.stderr + build.stdout).toBe(0);
    const assets = readdirSync(join(dir, 'dist', 'assets'));
    expect(assets.some((f) => f.endsWith('.wasm'))).toBe(true);
    expect(assets.some((f) => f.startsWith('worker'))).toBe(true);

    const cli = await cliIn(dir, ['sample', '-m', MODEL, '--json', '--prime', 'The ', '--seed', '42', '--temp', '0.8', '--lines', '1']);
    expect(cli.code, cli.err).toBe(0);
    const expected = (JSON.parse(cli.out) as { text: string }).text;
    const scored = await cliIn(dir, ['score', '-m', MODEL, '--json', expected.trimEnd()]);
    const log10 = (JSON.parse(scored.out) as { logprob_log10: number }).logprob_log10;

    const server = await serveFolder(join(dir, 'dist'), { isolated: false });
    const chrome = await launchChromium();
    try {
      const page = await chrome.browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      await page.waitForSelector('#go:not([disabled])');
      await page.click('#go');
      await page.waitForFunction(`document.getElementById('out').textContent.includes('log10 P')`);
      expect(await page.textContent('#out')).toBe(`${expected}\nlog10 P = ${log10.toFixed(4)}`);
      expect(errors).toEqual([]);
    } finally {
      await chrome.close();
      await server.close();
    }
  });
});
