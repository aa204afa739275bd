/**
 * One charnn measurement of the GPU benchmark, in its own process (a fresh engine each time):
 * `node gpu.mjs measure '<job JSON>'` prints one JSON line, {"value": ..., "unit": ...}.
 * charnn is used as a library (dist/node.js), the work timed inside the process:
 *   train  chars/s between the end of warm-up step 3 and the last step (B = 50, T = 50, Adam,
 *          clip 5), stopped by time; start-up and the final validation are outside the window
 *   sample one stream at temperature 0.8: chars/s after the first 100 characters
 *   score  one stream (`eval --reset none`) over the first `chars` characters: tokens/s
 *   lines  every line from the zero state (`eval --reset line`): tokens/s
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Job {
  kind: 'train' | 'sample' | 'score' | 'lines';
  engine: 'webgpu' | 'wasm';
  /** The webgpu engine's products (CHARNN_WEBGPU_PRODUCTS); default: the engine's choice. */
  products?: 'tiled' | 'direct';
  hidden: number;
  layers: number;
  corpus: string;
  /** Seconds of measured work (train, sample). */
  seconds: number;
  /** The checkpoint (sample, score, lines). */
  model?: string;
  /** Characters of the corpus used (score, lines). */
  chars?: number;
}

export interface Measured {
  value: number;
  unit: string;
  /** For webgpu: the adapter, and whether it is a software one (where the products are direct). */
  adapter?: string;
  fallback?: boolean;
}

const WARM_STEPS = 3;

type Library = typeof import('../../src/node.js');

export async function measure(job: Job): Promise<Measured> {
  if (job.products) process.env.CHARNN_WEBGPU_PRODUCTS = job.products;
  const lib = (await import(new URL('../dist/node.js', import.meta.url).href)) as Library;
  const gpu = job.engine === 'webgpu' ? await lib.useWebGpu() : null;
  if (gpu === null) lib.setEngine('wasm');
  const text = readFileSync(job.corpus, 'utf8');
  const result = await MEASURES[job.kind](lib, job, text);
  return gpu === null ? result : { ...result, adapter: gpu.description, fallback: gpu.fallback };
}

const MEASURES: Record<Job['kind'], (lib: Library, job: Job, text: string) => Promise<Measured>> = {
  async train(lib, job, text) {
    const [B, T] = [50, 50];
    const at: number[] = [];
    // Stopped once `seconds` have passed and there are 3 measured steps (a slow adapter, such as
    // SwiftShader, takes seconds per step).
    const stop = new AbortController();
    const onStep = () => {
      at.push(performance.now());
      if (at.length >= WARM_STEPS + 3 && at[at.length - 1] - at[0] > job.seconds * 1000) stop.abort();
    };
    const options = {
      cell: 'lstm' as const,
      hidden: job.hidden,
      layers: job.layers,
      batch: B,
      seq: T,
      valFrac: 0.01,
      out: null,
      evalEvery: 1_000_000,
    };
    await lib.train(text, 'bench', { ...options, steps: 1_000_000 }, { onStep }, stop.signal);
    const last = at.length - 1;
    return { value: ((last - (WARM_STEPS - 1)) * B * T) / ((at[last] - at[WARM_STEPS - 1]) / 1000), unit: 'chars/s' };
  },

  async sample(lib, job) {
    const model = lib.loadModel(job.model!);
    let n = 0;
    let t0 = 0;
    const end = () => performance.now() - t0 > job.seconds * 1000;
    for await (const ch of lib.sample(model, { length: 10_000_000, temperature: 0.8, seed: 1 })) {
      if (ch.length > 0) n++;
      if (n === 100) t0 = performance.now();
      if (n > 100 && n % 64 === 0 && end()) break;
    }
    return { value: (n - 100) / ((performance.now() - t0) / 1000), unit: 'chars/s' };
  },

  async score(lib, job, text) {
    const model = lib.loadModel(job.model!);
    await lib.evaluate(model, text.slice(0, 2000), { reset: 'none' }); // warm-up
    const t0 = performance.now();
    const r = await lib.evaluate(model, text.slice(0, job.chars), { reset: 'none' });
    return { value: r.tokens / ((performance.now() - t0) / 1000), unit: 'tokens/s' };
  },

  async lines(lib, job, text) {
    const model = lib.loadModel(job.model!);
    await lib.evaluate(model, text.slice(0, 2000), { reset: 'line' });
    const t0 = performance.now();
    const r = await lib.evaluate(model, text.slice(0, job.chars), { reset: 'line' });
    return { value: r.tokens / ((performance.now() - t0) / 1000), unit: 'tokens/s' };
  },
};
