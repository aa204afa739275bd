// The webgpu engine on whole runs, against the wasm engine: training (every cell, dropout on,
// each optimizer, clipping), checkpoints both ways, resume across engines, and the scoring
// paths (score, evaluate, greedy samples). The GPU computes in float32 as wasm does, adding in
// another order, so losses agree within 1e-4 nats over 20 steps (the tolerance the wasm engine
// meets against the js reference) and scores within 1e-5 relative.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { provideEngine, setEngine } from '../../../src/engine/default-engine.js';
import type { WebGpuEngine } from '../../../src/engine/webgpu/webgpu-engine.js';
import { sampleText } from '../../../src/generation/sample.js';
import { evaluate, loadModel, score, type LoadedModel } from '../../../src/index.js';
import { CharLM } from '../../../src/model/charlm.js';
import { train } from '../../../src/train/loop.js';
import type { TrainOptions } from '../../../src/train/train-options.js';
import { Rng } from '../../../src/util/rng.js';
import { gpuOrSkip } from '../../helpers/webgpu.js';
import { CHAR_RNN } from '../../helpers/char-rnn.js';

const TEXT = Array.from({ length: 60 }, (_, i) => ['the cat sat on the mat', 'a dog ran far away', 'we sing, they dance!'][i % 3]).join(
  '\n',
);
const BASE: Partial<TrainOptions> = {
  ...CHAR_RNN,
  hidden: 16,
  layers: 2,
  batch: 4,
  seq: 12,
  steps: 20,
  evalEvery: 20,
  dropout: 0.1,
  lr: 1e-2,
  out: null,
  seed: 5,
};
const dir = mkdtempSync(join(tmpdir(), 'charnn-webgpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setEngine('wasm'));

/** The test's GPU engine, as the process's 'webgpu' engine. */
async function useGpu(ctx: { skip(note: string): void }): Promise<WebGpuEngine> {
  const gpu = await gpuOrSkip(ctx);
  provideEngine('webgpu', () => gpu);
  return gpu;
}

async function run(engine: 'wasm' | 'webgpu', options: Partial<TrainOptions>) {
  setEngine(engine);
  const losses: number[] = [];
  const norms: number[] = [];
  const result = await train(TEXT, 't', { ...BASE, ...options }, { onStep: (r) => (losses.push(r.lossNats), norms.push(r.gradNorm)) });
  return { losses, norms, result };
}

async function greedy(loaded: LoadedModel): Promise<string> {
  let text = '';
  const options = { temperature: 0, topK: 0, topP: 1, prime: 'the ', length: 40, direction: 'forward' as const, rng: new Rng(1) };
  for await (const ch of sampleText(loaded.model, loaded.vocab, options)) text += ch;
  return text;
}

const close = (a: number, b: number, tol: number) => Math.abs(a - b) / Math.max(1, Math.abs(b)) < tol;

describe('webgpu engine vs wasm: training', () => {
  for (const cell of ['rnn', 'lstm', 'gru', 'bilstm'] as const) {
    it(`${cell}: the same 20 losses and validation (1e-4 nats), the same greedy sample`, async (ctx) => {
      await useGpu(ctx);
      const wasm = await run('wasm', { cell });
      const gpu = await run('webgpu', { cell });
      expect(gpu.result.model.engine.name).toBe('webgpu');
      expect(gpu.losses).toHaveLength(20);
      for (let i = 0; i < 20; i++) expect(Math.abs(gpu.losses[i] - wasm.losses[i]), `step ${i + 1}`).toBeLessThan(1e-4);
      expect(Math.abs(gpu.result.valNats! - wasm.result.valNats!)).toBeLessThan(1e-4);
      expect(wasm.losses[19]).toBeLessThan(wasm.losses[0] - 0.25); // it learned: the comparison is not vacuous
      const loaded = (r: typeof gpu) => ({ model: r.result.model, vocab: r.result.vocab, meta: null as never });
      expect(await greedy(loaded(gpu))).toBe(await greedy(loaded(wasm)));
    });
  }

  for (const optimizer of ['rmsprop', 'sgd'] as const) {
    it(`${optimizer} with gradient clipping that bites: the same losses`, async (ctx) => {
      await useGpu(ctx);
      const options = { cell: 'lstm' as const, optimizer, clip: 0.05, lr: optimizer === 'sgd' ? 0.5 : 1e-2, steps: 12 };
      const wasm = await run('wasm', options);
      const gpu = await run('webgpu', options);
      for (let i = 0; i < 12; i++) {
        expect(Math.abs(gpu.losses[i] - wasm.losses[i]), `step ${i + 1}`).toBeLessThan(1e-4);
        expect(Math.abs(gpu.norms[i] - wasm.norms[i]) / wasm.norms[i], `step ${i + 1}`).toBeLessThan(1e-4);
      }
      expect(Math.min(...gpu.norms)).toBeGreaterThan(0.05); // every step was clipped
    });
  }
});

describe('webgpu engine vs wasm: checkpoints, resume, scoring', () => {
  it('a checkpoint saved from the GPU loads on wasm with the same weights; a wasm run resumes on the GPU', async (ctx) => {
    await useGpu(ctx);
    const out = join(dir, 'gpu.safetensors');
    const gpu = await run('webgpu', { cell: 'gru', steps: 8, out });
    setEngine('wasm');
    const onWasm = loadModel(out);
    expect(onWasm.model.engine.name).toBe('wasm');
    expect(Array.from((await onWasm.model.hostWeights()).data)).toEqual(Array.from((await gpu.result.model.hostWeights()).data));

    // Stopped at 8 on wasm, resumed to 14 on each engine: the same losses.
    const stopped = join(dir, 'wasm.safetensors');
    await run('wasm', { cell: 'lstm', steps: 8, out: stopped });
    const resumedWasm = await run('wasm', { steps: 14, resume: stopped, out: join(dir, 'r1.safetensors') });
    const resumedGpu = await run('webgpu', { steps: 14, resume: stopped, out: join(dir, 'r2.safetensors') });
    expect(resumedGpu.losses).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(Math.abs(resumedGpu.losses[i] - resumedWasm.losses[i])).toBeLessThan(1e-4);
  });

  it('score (each direction) and evaluate (reset line and none) agree with wasm on the same weights (1e-5 relative)', async (ctx) => {
    const gpu = await useGpu(ctx);
    const trained = await run('wasm', { cell: 'bilstm', steps: 10 });
    const weights = await trained.result.model.hostWeights();
    const onWasm: LoadedModel = { model: trained.result.model, vocab: trained.result.vocab, meta: null as never };
    const onGpu: LoadedModel = {
      model: new CharLM(trained.result.model.config, weights, gpu),
      vocab: trained.result.vocab,
      meta: null as never,
    };
    const sentences = ['the cat sat', 'a dog', 'zebra!', ''];
    for (const direction of ['forward', 'backward', 'both'] as const) {
      const [a, b] = [await score(onGpu, sentences, direction), await score(onWasm, sentences, direction)];
      a.forEach((s, i) =>
        expect(close(s.logprobLn, b[i].logprobLn, 1e-5), `${direction} ${s.text}: ${s.logprobLn} vs ${b[i].logprobLn}`).toBe(true),
      );
    }
    const text = TEXT.slice(0, 400);
    for (const reset of ['line', 'none'] as const) {
      const [a, b] = [await evaluate(onGpu, text, { reset }), await evaluate(onWasm, text, { reset })];
      expect(a.tokens).toBe(b.tokens);
      expect(close(a.logprobLn, b.logprobLn, 1e-5), `${reset}: ${a.logprobLn} vs ${b.logprobLn}`).toBe(true);
    }
  });
});

describe('webgpu engine: a training step stays on the device', () => {
  it('after the first steps, no buffer is made; each step submits a few batches and reads back 2 values', async (ctx) => {
    const gpu = await useGpu(ctx);
    const at: ReturnType<WebGpuEngine['stats']>[] = [];
    setEngine('webgpu');
    await train(TEXT, 't', { ...BASE, cell: 'lstm', steps: 12, evalEvery: 1000 }, { onStep: () => at.push(gpu.stats()) });
    const [a, b] = [at[2], at[11]];
    expect(b.buffers).toBe(a.buffers);
    expect(b.bytes).toBe(a.bytes);
    // Per step: the loss and the gradient norm (clipping) come back, one read each.
    expect((b.reads - a.reads) / 9).toBe(2);
    expect((b.submits - a.submits) / 9).toBeLessThanOrEqual(3);
    expect((b.dispatches - a.dispatches) / 9).toBeGreaterThan(50); // the step's work was recorded as kernels
  });
});
