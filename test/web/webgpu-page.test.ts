// The webgpu engine in a browser: the page `charnn export web` writes, in headless Chromium with
// WebGPU on SwiftShader, switched to the GPU by the library's useWebGpu() (navigator.gpu): the
// same WGSL kernels as in Node, giving the wasm engine's results (the CLI's) within float32
// rounding, and its seeded sample (the same draws: the probabilities agree to float32 rounding,
// far finer than what separates the draws of this seed).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIn } from '../helpers/cli.js';
import { chromiumMissing, launchChromium, type Chromium } from '../helpers/chromium.js';
import { serveFolder, type StaticServer } from '../helpers/static-server.js';

const ROOT = resolve(__dirname, '../..');
const MODEL = join(ROOT, 'test/fixtures/golden/old-bilstm.safetensors');
const SENTENCES = ['The quick zebra jumps over seven lazy foxes.', 'ALICE: Where is the old mill?', ''];
const missing = chromiumMissing();
const dir = mkdtempSync(join(tmpdir(), 'charnn-web-gpu-'));

let chrome: Chromium | null = null;
let server: StaticServer | null = null;
let page: Page | null = null;

async function cliJson(args: string[]): Promise<Record<string, unknown>[]> {
  const r = await cliIn(dir, args);
  expect(r.code, r.err).toBe(0);
  return r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  if (missing) return;
  const site = join(dir, 'site');
  expect((await cliIn(dir, ['export', 'web', '-m', MODEL, '-o', site])).code).toBe(0);
  chrome = await launchChromium({ webgpu: true });
  server = await serveFolder(site, { isolated: false });
  page = await chrome.browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction('window.charnnReady !== undefined');
  await page.evaluate('window.charnnReady');
});

afterAll(async () => {
  await page?.close();
  await server?.close();
  await chrome?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the webgpu engine in Chromium', () => {
  it('useWebGpu() switches the page to the GPU; scores, an evaluation and a seeded sample match the CLI on wasm', async (ctx) => {
    if (missing) ctx.skip(missing);
    const m = ['-m', MODEL];
    const scores = await cliJson(['score', ...m, '--json', '--direction', 'both', ...SENTENCES]);
    const text = readFileSync(join(ROOT, 'corpora/default.txt'), 'utf8').slice(0, 4000);
    writeFileSync(join(dir, 'text.txt'), text);
    const evaluation = (await cliJson(['eval', ...m, '--json', join(dir, 'text.txt')]))[0];
    const sample = (await cliJson(['sample', ...m, '--json', '--seed', '11', '--length', '120', '--prime', 'The ']))[0];
    const got = await page!.evaluate(
      `(async ({ sentences, text }) => {
        const c = window.charnn;
        const gpu = await c.useWebGpu();
        const model = await c.loadModel('model.safetensors');
        const scores = await c.score(model, sentences, 'both');
        const evaluation = await c.evaluate(model, text);
        let sample = '';
        for await (const ch of c.sample(model, { seed: 11, length: 120, prime: 'The ' })) sample += ch;
        return { gpu, engine: model.model.engine.name, env: c.environment().engine, scores: scores.map((s) => s.logprobLn), sample,
          evaluation: [evaluation.logprobLn, evaluation.tokens] };
      })(${JSON.stringify({ sentences: SENTENCES, text })})`,
    );
    const r = got as {
      gpu: { fallback: boolean };
      engine: string;
      env: string;
      scores: number[];
      sample: string;
      evaluation: [number, number];
    };
    expect(r.engine).toBe('webgpu');
    expect(r.env).toBe('webgpu');
    expect(r.gpu.fallback).toBe(true); // SwiftShader, as asked for
    r.scores.forEach((s, i) => {
      const want = scores[i].logprob_ln as number;
      expect(Math.abs(s - want) / Math.abs(want), `${SENTENCES[i]}: ${s} vs ${want}`).toBeLessThan(1e-5);
    });
    expect('The ' + r.sample).toBe(sample.text);
    expect(r.evaluation[1]).toBe(evaluation.tokens);
    const want = evaluation.logprob_ln as number;
    expect(Math.abs(r.evaluation[0] - want) / Math.abs(want)).toBeLessThan(1e-5);
  });
});
