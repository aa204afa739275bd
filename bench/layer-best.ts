/**
 * One layer of the 2 x 512 LSTM as a worker thread runs it in training (T = 50 steps, B = 25
 * streams, H = 512, D = 512 input), forward then backward through the Cell API on the wasm
 * engine: the best time of each over repeated calls for MS milliseconds (default 8000). The
 * best, not the median, because on a shared machine that is what the code can do.
 *
 *     npx tsx bench/layer-best.ts [MS]
 */
import { engineNamed } from '../src/engine/default-engine.js';
import { installPlatform } from '../src/platform/platform.js';
import { nodePlatform } from '../src/platform/node/node-platform.js';
import { layerRun } from './lib/layer.js';
import { Rng } from '../src/util/rng.js';
installPlatform(nodePlatform);
const engine = engineNamed('wasm');
const rng = new Rng(1);
const fill = (x: Float32Array) => {
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-0.01, 0.01);
  return x;
};
const [T, B, H, D] = [50, 25, 512, 512];
const layer = layerRun(engine, 'lstm', T, B, H, D, fill);
let fwd = Infinity,
  bwd = Infinity;
const until = performance.now() + Number(process.argv[2] ?? 8000);
while (performance.now() < until) {
  const t0 = performance.now();
  layer.forward();
  const t1 = performance.now();
  layer.backward();
  const t2 = performance.now();
  fwd = Math.min(fwd, t1 - t0);
  bwd = Math.min(bwd, t2 - t1);
}
console.log(`min fwd ${fwd.toFixed(1)} ms, min bwd ${bwd.toFixed(1)} ms, sum ${(fwd + bwd).toFixed(1)} ms`);
