/**
 * How much the time of one and the same training step varies on this machine: the gradient
 * step (forward and backward of B = 50 streams, T = 50, no optimizer) of a model on N threads,
 * the same weights and batch every time, repeated for SECONDS; prints the 10th, 50th and 90th
 * percentile. Whatever spread it shows comes from the machine (other programs, other virtual
 * machines on the same cores), not from the work.
 *
 *     npx tsx bench/step-spread.ts [CELL] [HIDDEN] [THREADS] [SECONDS]     (lstm 128 2 10)
 */
import { CharLM, initParams } from '../src/model/charlm.js';
import type { CellType } from '../src/model/config.js';
import { engineParams } from '../src/model/param-set.js';
import { nodePlatform } from '../src/platform/node/node-platform.js';
import { installPlatform } from '../src/platform/platform.js';
import { createGradientSource } from '../src/train/threads/gradients.js';
import { Rng } from '../src/util/rng.js';

installPlatform(nodePlatform); // the wasm engine's kernels come from the platform

const [cell = 'lstm', hidden = '128', threads = '2', seconds = '10'] = process.argv.slice(2);
const [T, B, V] = [50, 50, 65];
const config = { cell: cell as CellType, vocabSize: V, hidden: Number(hidden), layers: 2, dropout: 0 };
const model = new CharLM(config, initParams(config, new Rng(1)));
const grads = engineParams(model.engine, model.params.specs);
const source = await createGradientSource(model, T, B, Number(threads), 0);
const rng = new Rng(2);
const batch = model.directions.map(() => ({
  x: Int32Array.from({ length: T * B }, () => Math.floor(rng.next() * V)),
  y: Int32Array.from({ length: T * B }, () => Math.floor(rng.next() * V)),
}));
const times: number[] = [];
const until = performance.now() + 1000 * Number(seconds);
while (performance.now() < until) {
  const t0 = performance.now();
  await source.step(batch, T, null, grads);
  times.push(performance.now() - t0);
}
await source.close();
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
console.log(
  `${cell} 2x${hidden}, ${source.threads} thread(s), ${times.length} steps: 10% ${at(0.1)} ms, 50% ${at(0.5)} ms, 90% ${at(0.9)} ms`,
);
