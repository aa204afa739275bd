// The page `charnn export web` writes, in a real browser (headless Chromium), served by a local
// static server with and without cross-origin isolation: the library in the page gives the CLI's
// bits (scores, evaluations, seeded samples, beam search, gap filling), trains as Node trains,
// stays responsive while it trains, saves a model the CLI loads, and shows bad input in the page.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, score, train } from '../../src/index.js';
import { cliIn } from '../helpers/cli.js';
import { chromiumMissing, launchChromium, type Chromium } from '../helpers/chromium.js';
import { serveFolder, type StaticServer } from '../helpers/static-server.js';

const ROOT = resolve(__dirname, '../..');
const MODEL = join(ROOT, 'test/fixtures/golden/old-bilstm.safetensors');
const missing = chromiumMissing();
const dir = mkdtempSync(join(tmpdir(), 'charnn-web-'));
const site = join(dir, 'site');

/** Sentences the model never saw (it was trained on corpora/default.txt). */
const SENTENCES = [
  'The quick zebra jumps over seven lazy foxes.',
  'Qué? 42 emus wander in Reykjavík!',
  '',
  'ALICE: Where is the old mill?',
];
const HELD_OUT = SENTENCES.join('\n') + '\n';
const CORPUS = readFileSync(join(ROOT, 'corpora/default.txt'), 'utf8').slice(0, 60_000);
const TRAIN_OPTIONS = { cell: 'lstm', hidden: 32, layers: 1, batch: 8, seq: 32, steps: 30, seed: 5, evalEvery: 15 } as const;

/** Runs `source` (an async function of one argument, as text: the test's own transpiler must not
 *  touch code that runs in the page) in the page and returns its JSON-able result. */
function inPage<T>(page: Page, source: string, arg: unknown = null): Promise<T> {
  return page.evaluate<T>(`(${source})(${JSON.stringify(arg)})`);
}

async function cliJson(args: string[]): Promise<Record<string, unknown>[]> {
  const r = await cliIn(dir, args);
  expect(r.err.includes('charnn:') ? r.err : '').toBe('');
  expect(r.code).toBe(0);
  return r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

let chrome: Chromium | null = null;
const cli: Record<string, Record<string, unknown>[]> = {};

beforeAll(async () => {
  if (missing) return;
  const exported = await cliIn(dir, ['export', 'web', '-m', MODEL, '-o', site]);
  expect(exported.code, exported.err).toBe(0);
  writeFileSync(join(dir, 'held-out.txt'), HELD_OUT);
  writeFileSync(join(dir, 'big.txt'), CORPUS + CORPUS);
  const m = ['-m', MODEL];
  cli.score = await cliJson(['score', ...m, '--json', '--direction', 'both', ...SENTENCES]);
  cli.forward = await cliJson(['score', ...m, '--json', ...SENTENCES]);
  cli.detail = await cliJson(['score', ...m, '--json', '--detail', SENTENCES[0]]);
  cli.evalLine = await cliJson(['eval', ...m, '--json', join(dir, 'held-out.txt')]);
  cli.evalBig = await cliJson(['eval', ...m, '--json', join(dir, 'big.txt')]);
  cli.evalNone = await cliJson(['eval', ...m, '--json', '--reset', 'none', '--direction', 'backward', join(dir, 'held-out.txt')]);
  cli.sample = await cliJson([
    'sample',
    ...m,
    '--json',
    '--seed',
    '11',
    '--length',
    '300',
    '--temp',
    '0.9',
    '--top-k',
    '20',
    '--prime',
    'The ',
  ]);
  cli.backward = await cliJson(['sample', ...m, '--json', '--seed', '3', '--lines', '2', '--direction', 'backward', '--prime', 'mill.']);
  cli.sampleTopP = await cliJson(['sample', ...m, '--json', '--seed', '11', '--length', '300', '--temp', '0.9', '--prime', 'The ']);
  cli.beam = await cliJson(['sample', ...m, '--json', '--beam', '4', '--lines', '1', '--prime', 'The ']);
  cli.fill = await cliJson(['fill', ...m, '--json', 'The qu_ck brown f*x.']);
  chrome = await launchChromium();
});

afterAll(async () => {
  await chrome?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh page on the exported folder, its model loaded; every error it throws uncaught is kept. */
async function openPage(server: StaticServer): Promise<{ page: Page; errors: string[] }> {
  const page = await chrome!.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction('window.charnnReady !== undefined');
  await page.evaluate('window.charnnReady');
  return { page, errors };
}

describe.each([
  { isolated: false, label: 'not isolated: one thread' },
  { isolated: true, label: 'cross-origin isolated: threads' },
])('the exported page, $label', ({ isolated }) => {
  let server: StaticServer;
  let page: Page;
  let errors: string[];
  const threads = isolated ? 2 : 1;

  beforeAll(async () => {
    if (missing) return;
    server = await serveFolder(site, { isolated });
    ({ page, errors } = await openPage(server));
  });
  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it('runs the exported model on the WebAssembly kernels the CLI uses; threads only when isolated', async (ctx) => {
    if (missing) ctx.skip(missing);
    const env = await inPage<{ engine: string; kernels: string; threads: number; crossOriginIsolated: boolean }>(
      page,
      'async () => window.charnn.environment()',
    );
    expect(env).toMatchObject({ engine: 'wasm', kernels: 'fma', crossOriginIsolated: isolated });
    expect(env.threads > 1).toBe(isolated);
    expect(await page.textContent('#model-name')).toContain('bilstm 2 x 12');
    expect(await page.isHidden('#message')).toBe(true);
  });

  it('scores and evaluations of sentences the model never saw equal the CLI, bit for bit', async (ctx) => {
    if (missing) ctx.skip(missing);
    const got = await inPage<{ both: number[]; forward: number[]; unk: number[]; line: unknown; none: unknown }>(
      page,
      `async ({ sentences, text }) => {
        const c = window.charnn, m = window.charnnModel;
        const both = await c.score(m, sentences, 'both'), forward = await c.score(m, sentences);
        const line = await c.evaluate(m, text), none = await c.evaluate(m, text, { reset: 'none', direction: 'backward' });
        return { both: both.map((s) => s.logprobLn), forward: forward.map((s) => s.logprobLn), unk: forward.map((s) => s.unk),
          line: [line.logprobLn, line.tokens, line.unk], none: [none.logprobLn, none.tokens, none.unk] };
      }`,
      { sentences: SENTENCES, text: HELD_OUT },
    );
    expect(got.both).toEqual(cli.score.map((s) => s.logprob_ln));
    expect(got.forward).toEqual(cli.forward.map((s) => s.logprob_ln));
    expect(got.unk).toEqual(cli.forward.map((s) => s.unk));
    expect(got.unk[1]).toBeGreaterThan(0); // 'Qué? 42 ...' has characters the model does not know
    expect(got.line).toEqual([cli.evalLine[0].logprob_ln, cli.evalLine[0].tokens, cli.evalLine[0].unk]);
    expect(got.none).toEqual([cli.evalNone[0].logprob_ln, cli.evalNone[0].tokens, cli.evalNone[0].unk]);
  });

  it('an evaluation of 120,000 characters (on several threads where isolated) equals the CLI, bit for bit', async (ctx) => {
    if (missing) ctx.skip(missing);
    // 100,000 tokens and more are scored on every core (src/scoring/line-threads.ts): in an
    // isolated page, Web Workers beside a main thread that may not block.
    const got = await inPage<number[]>(
      page,
      `async (text) => { const r = await window.charnn.evaluate(window.charnnModel, text); return [r.logprobLn, r.tokens, r.unk]; }`,
      CORPUS + CORPUS,
    );
    expect(got).toEqual([cli.evalBig[0].logprob_ln, cli.evalBig[0].tokens, cli.evalBig[0].unk]);
  });

  it('a seeded sample (streamed), a backward one, a beam search and gap filling equal the CLI', async (ctx) => {
    if (missing) ctx.skip(missing);
    const got = await inPage<{ sample: string; pieces: number; backward: string; beam: [string, number]; fill: [string, number][] }>(
      page,
      `async () => {
        const c = window.charnn, m = window.charnnModel;
        let sample = '', pieces = 0, backward = '';
        for await (const ch of c.sample(m, { seed: 11, length: 300, temperature: 0.9, topK: 20, prime: 'The ' })) { sample += ch; pieces++; }
        for await (const ch of c.sample(m, { seed: 3, lines: 2, direction: 'backward', prime: 'mill.' })) backward += ch;
        const beam = await c.beam(m, { beam: 4, lines: 1, prime: 'The ' });
        const fill = await c.fill(m, 'The qu_ck brown f*x.');
        return { sample, pieces, backward, beam: [beam.text, beam.logprobLn], fill: fill.candidates.map((k) => [k.text, k.logprobLn]) };
      }`,
    );
    expect('The ' + got.sample).toBe(cli.sample[0].text);
    expect(got.pieces).toBeGreaterThan(1); // an async iterator of characters, not one string at the end
    // The library yields a backward sample as it is generated, right to left; the CLI prints it in reading order.
    expect([...got.backward].reverse().join('') + 'mill.').toBe(cli.backward[0].text);
    expect(['The ' + got.beam[0], got.beam[1]]).toEqual([cli.beam[0].text, cli.beam[0].logprob_ln]);
    const candidates = cli.fill[0].candidates as { text: string; logprob_ln: number }[];
    expect(got.fill).toEqual(candidates.map((k) => [k.text, k.logprob_ln]));
  });

  it("the playground's in-page backend scores and samples as the CLI does", async (ctx) => {
    if (missing) ctx.skip(missing);
    const got = await inPage<{ models: { id: string }[]; bits: number; symbols: number; text: string; pieces: string[] }>(
      page,
      `async (sentence) => {
        const b = window.charnnBackend, models = await b.models(), id = models[0].id;
        const s = await b.score(id, sentence, 3);
        const pieces = [];
        const r = await b.sample(id, { prime: 'The ', length: 300, temperature: 0.9, topP: 1, seed: 11 }, (t) => pieces.push(t));
        return { models, bits: s.bits, symbols: s.symbols.length, text: r.text, pieces };
      }`,
      SENTENCES[0],
    );
    expect(got.models.map((m) => m.id)).toContain('model.safetensors');
    expect(got.bits).toBe(-(cli.forward[0].logprob_ln as number) / Math.LN2);
    expect(got.symbols).toBe([...SENTENCES[0]].length + 1);
    expect(got.text).toBe(cli.sampleTopP[0].text);
    expect(got.pieces.join('')).toBe(got.text);
  });

  it("the playground's UI in the page: the heatmap holds the CLI's bits, a seeded sample is the CLI's, fill is the CLI's", async (ctx) => {
    if (missing) ctx.skip(missing);
    await page.waitForSelector('#model option[value="model.safetensors"]', { state: 'attached' });
    await page.fill('#score-text', SENTENCES[0]);
    const symbols = [...SENTENCES[0]].length + 1;
    await page.waitForFunction(`document.querySelectorAll('#heatmap .cell').length === ${symbols}`);
    const bits = await page.$$eval('#heatmap .cell', (es) => es.map((e) => Number(e.getAttribute('data-bits'))));
    expect(bits).toEqual((cli.detail[0].detail as { bits: number }[]).map((d) => d.bits));

    await page.fill('#prime', 'The ');
    await page.fill('#seed', '11');
    await page.$$eval('#temperature, #top-p, #length', (es) => {
      const values: Record<string, string> = { temperature: '0.9', 'top-p': '1', length: '300' };
      for (const e of es as unknown as { id: string; value: string; dispatchEvent(e: Event): void }[]) {
        e.value = values[e.id];
        e.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => Event }).Event('input'));
      }
    });
    await page.click('#sample-form button[type=submit]');
    await page.waitForFunction("document.querySelector('#sample-status').textContent.startsWith('done')");
    expect(await page.textContent('#sample-output')).toBe(cli.sampleTopP[0].text);

    await page.fill('#fill-text', 'The qu_ck brown f*x.');
    await page.click('#fill-form button[type=submit]');
    await page.waitForSelector('#fill-output li');
    const items = await page.$$eval('#fill-output li', (lis) => lis.map((li) => li.textContent!.split('  (')[0]));
    expect(items).toEqual((cli.fill[0].candidates as { text: string }[]).slice(0, items.length).map((c) => c.text));
    expect(items.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it(`30 training steps in the page (${threads} thread(s)) give the losses Node gives for the same options and seed`, async (ctx) => {
    if (missing) ctx.skip(missing);
    const node: number[] = [];
    await train(CORPUS, 'corpus', { ...TRAIN_OPTIONS, threads }, { onStep: (r) => node.push(r.lossNats) });
    const got = await inPage<{ losses: number[]; threads: number; samples: number; steps: number; score: number }>(
      page,
      `async ({ text, options }) => {
        const c = window.charnn, losses = [];
        let threads = 0, samples = 0;
        const r = await c.train(text, 'corpus', options, {
          onStart: (info) => { threads = info.threads; },
          onStep: (s) => losses.push(s.lossNats),
          onEval: (e) => { if (typeof e.sample === 'string') samples++; },
        });
        return { losses, threads, samples, steps: r.steps, score: (await c.score(r, ['The cat.']))[0].logprobLn };
      }`,
      { text: CORPUS, options: { ...TRAIN_OPTIONS, threads } },
    );
    expect(got.threads).toBe(threads);
    expect(got.steps).toBe(30);
    expect(got.samples).toBe(2);
    expect(got.losses).toHaveLength(30);
    expect(got.losses).toEqual(node);
    expect(Number.isFinite(got.score)).toBe(true);
  });

  it('trains from the page UI while answering UI events within 100 ms, stops, and its download loads in the CLI and scores the same', async (ctx) => {
    if (missing) ctx.skip(missing);
    // Pasted: page.fill types 60,000 characters one by one (seconds); a paste is one input event.
    await inPage(
      page,
      `async (text) => { const t = document.getElementById('train-text'); t.value = text; t.dispatchEvent(new Event('input')); }`,
      CORPUS,
    );
    await page.fill('#train-steps', '100000');
    await page.fill('#train-hidden', '48');
    await page.click('#train-start');
    await page.waitForFunction(`/^step \\d+/.test(document.getElementById('train-status').textContent)`);
    // Input events while the worker trains: from the event's creation to its handler.
    await inPage(
      page,
      `async () => { window.latencies = [];
        document.getElementById('train-text').addEventListener('input', (e) => window.latencies.push(performance.now() - e.timeStamp)); }`,
    );
    await page.focus('#train-text');
    for (let i = 0; i < 8; i++) {
      await page.keyboard.type('x');
      await page.waitForTimeout(25);
    }
    const latencies = await inPage<number[]>(page, 'async () => window.latencies');
    const stepBefore = await page.textContent('#train-status');
    expect(await page.isEnabled('#train-stop')).toBe(true); // still training after the last event
    expect(latencies).toHaveLength(8);
    expect(Math.max(...latencies), `latencies ${latencies.map((l) => l.toFixed(1)).join(', ')} ms`).toBeLessThan(100);
    await page.click('#train-stop');
    await page.waitForFunction(`/^trained \\d+ steps \\(abort\\)/.test(document.getElementById('train-status').textContent)`);
    expect(stepBefore).toMatch(/^step \d+ \/ 100000/);
    expect(await page.textContent('#train-samples')).toMatch(/step \d+: /);
    expect(Number(await page.getAttribute('#train-chart', 'data-points'))).toBeGreaterThan(1);
    await page.click('#train-use');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#train-download')]);
    expect(download.suggestedFilename()).toBe('text.safetensors');
    const saved = join(dir, `page-${threads}.safetensors`);
    await download.saveAs(saved);
    const inThePage = await inPage<number[]>(
      page,
      `async (sentences) => (await window.charnn.score(window.charnnModel, sentences)).map((s) => s.logprobLn)`,
      SENTENCES,
    );
    expect(await page.textContent('#model-name')).toContain('trained in this page');
    // The library in Node and the CLI on the downloaded file: the page's bits. (They once
    // differed in the last bit: Chromium's Math.exp and Math.log are not Node's; the scores now
    // use src/numerics/fdlibm.ts's.)
    const inNode = await score(loadModel(saved), SENTENCES);
    expect(inNode.map((s) => s.logprobLn)).toEqual(inThePage);
    const inTheCli = await cliJson(['score', '-m', saved, '--json', ...SENTENCES]);
    expect(inTheCli.map((s) => s.logprob_ln)).toEqual(inThePage);
    const inspect = await cliJson(['inspect', '-m', saved, '--json']);
    expect(inspect[0]).toMatchObject({ cell: 'lstm', hidden: 48, layers: 1 });
  });

  it('bad input (not a checkpoint, an empty text, a text with no lines) gives a message in the page, which still works', async (ctx) => {
    if (missing) ctx.skip(missing);
    const scoreNow = () =>
      inPage<number>(page, `async (s) => (await window.charnn.score(window.charnnModel, [s]))[0].logprobLn`, SENTENCES[0]);
    const before = await scoreNow();

    await page.setInputFiles('#model-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a model at all\n') });
    await page.waitForSelector('#message.error:not([hidden])');
    expect(await page.textContent('#message')).toMatch(/^notes\.txt: /);
    expect(await scoreNow()).toBe(before); // the model in use is still there

    for (const [text, why] of [
      ['', /empty|nothing to learn/i],
      ['\n\n\n', /nothing to learn|no characters|empty/i],
    ] as const) {
      await page.evaluate(`document.getElementById('message').hidden = true`);
      await page.fill('#train-text', text);
      await page.fill('#train-steps', '5');
      await page.click('#train-start');
      await page.waitForSelector('#message.error:not([hidden])');
      expect(await page.textContent('#message')).toMatch(why);
      await page.waitForFunction(`!document.getElementById('train-start').disabled`);
    }
    await page.setInputFiles('#model-file', {
      name: 'again.safetensors',
      mimeType: 'application/octet-stream',
      buffer: readFileSync(MODEL),
    });
    await page.waitForFunction(`document.getElementById('model-name').textContent.startsWith('again.safetensors')`);
    expect(await scoreNow()).toBe(cli.forward[0].logprob_ln);
    expect(errors).toEqual([]);
  });
});

describe('a truncated download of the model', () => {
  it('says so in the page, and the page still loads another model and scores with it', async (ctx) => {
    if (missing) ctx.skip(missing);
    const server = await serveFolder(site, { isolated: false, truncate: ['/model.safetensors'] });
    const { page, errors } = await openPage(server);
    try {
      expect(await page.textContent('#message')).toMatch(/^model\.safetensors: /);
      expect(await page.textContent('#model-name')).toBe('no model loaded');
      await page.setInputFiles('#model-file', {
        name: 'good.safetensors',
        mimeType: 'application/octet-stream',
        buffer: readFileSync(MODEL),
      });
      await page.waitForFunction(`document.getElementById('model-name').textContent.startsWith('good.safetensors')`);
      const score = await inPage<number>(
        page,
        `async (s) => (await window.charnn.score(window.charnnModel, [s]))[0].logprobLn`,
        SENTENCES[0],
      );
      expect(score).toBe(cli.forward[0].logprob_ln);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
