/**
 * Sampling and scoring speed in the browser (headless Chromium, the page of `charnn export web`)
 * against Node's, on the same machine and model, alternating, and what the page loads.
 *
 *     npm run build && npx tsx bench/web.mts [--rounds 3]
 *
 * Model: an lstm 2 x 128 (the CLI's default size) on the bundled corpus's vocabulary; speed does
 * not depend on what it learned. Work: sample 20,000 characters (seed 1, temperature 0.8) from one
 * stream; score the corpus's first 2,000 lines one sentence at a time (score(), each from the
 * zero state); evaluate 100,000 characters with --reset none (one stream). Node runs in this
 * process; the page in a non-isolated Chromium tab (one thread; these are one-stream work).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluate, loadModel, sample, score, train } from '../src/node.js';
import { cliIn } from '../test/helpers/cli-in-process.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { serveFolder } from '../test/helpers/static-server.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const root = join(import.meta.dirname, '..');
const corpus = readFileSync(join(root, 'corpora/default.txt'), 'utf8');
const lines = corpus.split('\n').slice(0, 2000);
const evalText = corpus.slice(0, 100_000);
const dir = mkdtempSync(join(tmpdir(), 'charnn-bench-web-'));
const modelPath = join(dir, 'm.safetensors');
await train(corpus, 'bench', { cell: 'lstm', hidden: 128, layers: 2, steps: 1, threads: 1, out: modelPath, evalEvery: 1 });
const exported = await cliIn(dir, ['export', 'web', '-m', modelPath, '-o', join(dir, 'site')]);
if (exported.code !== 0) throw new Error(exported.err);

const WORK = `async ({ lines, evalText }) => {
  const c = window.charnn, m = window.charnnModel, t = () => performance.now();
  let t0 = t(), n = 0;
  for await (const ch of c.sample(m, { seed: 1, temperature: 0.8, length: 20000 })) n++;
  const sampleS = (t() - t0) / 1000;
  t0 = t();
  const scored = await c.score(m, lines);
  const scoreS = (t() - t0) / 1000;
  t0 = t();
  const ev = await c.evaluate(m, evalText, { reset: 'none' });
  const evalS = (t() - t0) / 1000;
  return { sample: n / sampleS, score: scored.reduce((a, s) => a + s.tokens, 0) / scoreS, eval: ev.tokens / evalS };
}`;

async function inNode(): Promise<Record<string, number>> {
  const m = loadModel(join(dir, 'site', 'model.safetensors'));
  let t0 = performance.now();
  let n = 0;
  for await (const _ of sample(m, { seed: 1, temperature: 0.8, length: 20000 })) n++;
  const sampleS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const scored = await score(m, lines);
  const scoreS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const ev = await evaluate(m, evalText, { reset: 'none' });
  const evalS = (performance.now() - t0) / 1000;
  return { sample: n / sampleS, score: scored.reduce((a, s) => a + s.tokens, 0) / scoreS, eval: ev.tokens / evalS };
}

const server = await serveFolder(join(dir, 'site'), { isolated: false });
const chrome = await launchChromium();
const page = await chrome.browser.newPage();
await page.goto(server.url);
await page.waitForFunction('window.charnnReady !== undefined');
await page.evaluate('window.charnnReady');
const version = chrome.browser.version();
const env = await page.evaluate<{ engine: string; kernels: string }>('window.charnn.environment()');
const results: { node: Record<string, number>; browser: Record<string, number> }[] = [];
for (let r = 0; r < rounds; r++) {
  const browserFirst = r % 2 === 1;
  const run = async (which: 'node' | 'browser') =>
    which === 'node' ? inNode() : page.evaluate<Record<string, number>>(`(${WORK})(${JSON.stringify({ lines, evalText })})`);
  const first = await run(browserFirst ? 'browser' : 'node');
  const second = await run(browserFirst ? 'node' : 'browser');
  results.push(browserFirst ? { browser: first, node: second } : { node: first, browser: second });
}
await chrome.close();
await server.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`Chromium ${version} (engine ${env.engine}, kernels ${env.kernels}) vs Node ${process.version}; ${rounds} rounds, medians`);
console.log('| work (lstm 2x128, one stream) | Node | Chromium | Chromium / Node |');
console.log('|---|---|---|---|');
const names: Record<string, string> = {
  sample: 'sample 20,000 characters',
  score: 'score 2,000 sentences (score())',
  eval: 'evaluate 100,000 characters, --reset none',
};
for (const k of ['sample', 'score', 'eval']) {
  const n = median(results.map((r) => r.node[k]));
  const b = median(results.map((r) => r.browser[k]));
  console.log(
    `| ${names[k]} | ${Math.round(n).toLocaleString('en')} chars/s | ${Math.round(b).toLocaleString('en')} chars/s | ${(b / n).toFixed(2)} |`,
  );
}
const sizes = JSON.parse(readFileSync(join(root, 'dist/web/sizes.json'), 'utf8')) as {
  gzipBytes: Record<string, number>;
  pageLoad: string[];
  pageLoadGzipBytes: number;
};
console.log(
  `\nThe page loads (gzipped, level 9): ${sizes.pageLoad.map((f) => `${f} ${(sizes.gzipBytes[f] / 1024).toFixed(1)} KB`).join(', ')}; total ${(sizes.pageLoadGzipBytes / 1024).toFixed(1)} KB, the model excluded`,
);
rmSync(dir, { recursive: true, force: true });
