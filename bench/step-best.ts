/**
 * One thread's share of a 2 x 512 LSTM training step (B = 25 of the 50 streams, T = 50, V = 65):
 * Objective.step (forward and backward, loss and gradients; no optimizer) repeated for SECONDS
 * (default 20); prints the best and the median wall time of a step, after an optional LABEL.
 *
 *     npx tsx bench/step-best.ts [SECONDS] [LABEL]
 */
import { CharLM, initParams } from '../src/model/charlm.js';
import { Objective } from '../src/model/objective.js';
import { engineParams } from '../src/model/param-set.js';
import { nodePlatform } from '../src/platform/node/node-platform.js';
import { installPlatform } from '../src/platform/platform.js';
import { Rng } from '../src/util/rng.js';
installPlatform(nodePlatform); // the wasm engine's kernels come from the platform
const [T, B, V] = [50, 25, 65];
const config = { cell: 'lstm' as const, vocabSize: V, hidden: 512, layers: 2, dropout: 0 };
const model = new CharLM(config, initParams(config, new Rng(1)));
const grads = engineParams(model.engine, model.params.specs);
const obj = new Objective(model, T, B);
const rng = new Rng(2);
const x = Int32Array.from({ length: T * B }, () => Math.floor(rng.next() * V));
const y = Int32Array.from({ length: T * B }, () => Math.floor(rng.next() * V));
const times: number[] = [];
const until = performance.now() + 1000 * Number(process.argv[2] ?? 20);
while (performance.now() < until) {
  const t0 = performance.now();
  await obj.step([{ x, y }], T, B, null, grads);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(
  `${process.argv[3] ?? ''} steps ${times.length} min ${times[0].toFixed(0)} ms, median ${times[times.length >> 1].toFixed(0)} ms`,
);
