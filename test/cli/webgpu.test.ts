// `--engine webgpu` through the real binary: train, sample, score and eval on the GPU (the
// adapter test/helpers/webgpu.ts finds: SwiftShader on CI), against the same commands on wasm;
// and what a user without a GPU or without the optional package sees.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliChild, expectCleanError } from '../helpers/cli.js';
import { gpuEngine, gpuEnv, gpuOrSkip } from '../helpers/webgpu.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-cli-webgpu-'));
const LINES = ['the cat sat on the mat.', 'the dog sat on the log.', 'a cat and a dog ate.'];
const TRAIN = [
  '--steps',
  '6',
  '--hidden',
  '12',
  '--layers',
  '2',
  '--batch',
  '4',
  '--seq',
  '12',
  '--eval-every',
  '6',
  '--samples',
  '1',
  '--seed',
  '7',
];

const run = (args: string[], input?: string) => cliChild(args, dir, input, { env: { ...gpuEnv(), NO_COLOR: '1' } });
const json = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  writeFileSync(join(dir, 'tiny.txt'), Array.from({ length: 40 }, (_, i) => LINES[i % LINES.length]).join('\n') + '\n');
  // The wasm model every GPU command below is compared with.
  if (typeof (await gpuEngine()) === 'string') return;
  expect(run(['train', 'tiny.txt', ...TRAIN, '-o', 'wasm.safetensors']).code).toBe(0);
});

describe('charnn --engine webgpu', () => {
  it('train: the same losses as wasm (1e-4), a checkpoint, and a note that the adapter is software', async (ctx) => {
    const gpu = await gpuOrSkip(ctx);
    const r = run(['train', 'tiny.txt', ...TRAIN, '--engine', 'webgpu', '-o', 'gpu.safetensors', '--log', 'gpu.jsonl']);
    expect(r.err).toMatch(/Trained 6 steps/);
    expect(r.code).toBe(0);
    if (gpu.fallback)
      expect(r.err).toMatch(/^charnn: note: the WebGPU adapter is a software one \(.+\): correct, but slower than --engine wasm$/m);
    expect(r.err).not.toMatch(/XDG_RUNTIME_DIR|\n\s+at /);
    const wasm = run(['train', 'tiny.txt', ...TRAIN, '-o', 'wasm2.safetensors', '--log', 'wasm.jsonl']);
    expect(wasm.code).toBe(0);
    const log = (file: string) => json(readFileSync(join(dir, file), 'utf8'));
    const [a, b] = [log('gpu.jsonl'), log('wasm.jsonl')];
    expect(a.length).toBe(b.length);
    expect(a.length).toBeGreaterThan(0);
    a.forEach((x, i) => {
      expect(Math.abs((x.loss_nats as number) - (b[i].loss_nats as number))).toBeLessThan(1e-4);
      if ('val_nats' in x) expect(Math.abs((x.val_nats as number) - (b[i].val_nats as number))).toBeLessThan(1e-4);
    });
  });

  it('sample with a seed prints what wasm prints; score and eval agree to 1e-5', async (ctx) => {
    await gpuOrSkip(ctx);
    const both = (args: string[], input?: string) => [
      run([...args, '--engine', 'webgpu'], input),
      run([...args, '--engine', 'wasm'], input),
    ];
    const [s1, s2] = both(['sample', '-m', 'wasm.safetensors', '--seed', '3', '--length', '80', '--num', '2', '--prime', 'the ']);
    expect(s1.code).toBe(0);
    expect(s1.out).toBe(s2.out);
    expect(s1.out.length).toBeGreaterThan(20);
    const [c1, c2] = both(['score', '-m', 'wasm.safetensors', '--json'], 'the cat sat.\na dog\n');
    expect(c1.code).toBe(0);
    const [x, y] = [json(c1.out), json(c2.out)];
    expect(x).toHaveLength(2);
    x.forEach((e, i) =>
      expect(Math.abs((e.logprob_ln as number) - (y[i].logprob_ln as number)) / Math.abs(y[i].logprob_ln as number)).toBeLessThan(1e-5),
    );
    const [e1, e2] = both(['eval', 'tiny.txt', '-m', 'wasm.safetensors', '--json']);
    expect(e1.code).toBe(0);
    const [p, q] = [json(e1.out)[0], json(e2.out)[0]];
    expect(p.tokens).toBe(q.tokens);
    expect(Math.abs((p.logprob_ln as number) - (q.logprob_ln as number)) / Math.abs(q.logprob_ln as number)).toBeLessThan(1e-5);
  });

  it("auto picks wasm on a software adapter or none, and says why; the result is wasm's", async (ctx) => {
    const gpu = await gpuOrSkip(ctx);
    const args = ['sample', '-m', 'wasm.safetensors', '--seed', '3', '--length', '40'];
    const wasm = run([...args, '--engine', 'wasm']);
    const auto = run([...args, '--engine', 'auto']);
    expect(auto.code).toBe(0);
    if (gpu.fallback) {
      expect(auto.err).toMatch(/^charnn: engine auto: wasm, because the WebGPU adapter is a software one \(.+\)$/m);
      expect(auto.out).toBe(wasm.out);
    } else expect(auto.err).toMatch(/^charnn: engine auto: webgpu, on .+$/m);
    const none = cliChild([...args, '--engine', 'auto'], dir, '', {
      env: { ...gpuEnv(), VK_ICD_FILENAMES: join(dir, 'none.json'), NO_COLOR: '1' },
    });
    expect(none.code).toBe(0);
    expect(none.err).toMatch(
      /(?:^|\n)charnn: engine auto: wasm, because no WebGPU adapter: this system offers no GPU that WebGPU can use\n$/,
    );
    expect(none.out).toBe(wasm.out);
  });

  it('no adapter: a line saying so and what to do, exit 1', () => {
    const r = cliChild(['sample', '-m', 'x.safetensors', '--engine', 'webgpu'], dir, '', {
      env: { ...gpuEnv(), VK_ICD_FILENAMES: join(dir, 'no-such-driver.json'), NO_COLOR: '1' },
    });
    // Dawn's native code prints its own diagnostics (the Vulkan loader's missing file, with the
    // C++ source line) on stderr before charnn's message, which no JavaScript can silence; what
    // charnn adds is its two lines, last, and no JavaScript stack.
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /(?:^|\n)charnn: no WebGPU adapter: this system offers no GPU that WebGPU can use\nhint: use --engine wasm[^\n]*\n$/,
    );
    expect(r.err).not.toMatch(/\.[cm]?[jt]s:\d+/);
  });

  it('without the optional webgpu package: one line naming it and how to install it, exit 1', () => {
    const hide = join(__dirname, '../helpers/hide-webgpu.mjs');
    const r = spawnSync(process.execPath, ['--import', hide, BIN, 'sample', '-m', 'x.safetensors', '--engine', 'webgpu'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expectCleanError(
      { code: r.status, out: r.stdout, err: r.stderr },
      1,
      /^charnn: the webgpu engine needs the optional package `webgpu`, which did not load: .*\nhint: install it with `npm install webgpu`/,
    );
  });
});
