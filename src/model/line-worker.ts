/**
 * A line-scoring worker thread (see line-threads.ts): builds its copy of the model, says it is
 * ready, then for every window scores its share of the groups into the shared results.
 */
import { workerData } from 'node:worker_threads';
import { setEngine } from '../tensor/backend.js';
import { CharLM } from './charlm.js';
import { LineScorer } from './line-scorer.js';
import { LINE_CTRL, type LineWorkerSetup } from './line-threads.js';
import { ParamSet, paramSpecs } from './params.js';

const setup = workerData as LineWorkerSetup;
const control = new Int32Array(setup.control);
const done = LINE_CTRL.workerBase + 2 * (setup.share - 1);

let scorer: LineScorer;
let out: { ln: Float64Array; unkLn: Float64Array };
try {
  setEngine(setup.engine);
  const params = ParamSet.zeros<Float32Array>(paramSpecs(setup.config), Float32Array);
  params.data.set(new Float32Array(setup.params));
  scorer = new LineScorer(new CharLM(setup.config, params), setup.direction);
  const window = scorer.window;
  out = { ln: new Float64Array(setup.results, 0, window), unkLn: new Float64Array(setup.results, 8 * window, window) };
} catch {
  Atomics.add(control, LINE_CTRL.failed, 1);
  Atomics.notify(control, LINE_CTRL.ready);
  process.exit(1);
}
Atomics.add(control, LINE_CTRL.ready, 1);
Atomics.notify(control, LINE_CTRL.ready);

let seen = 0;
for (;;) {
  Atomics.wait(control, LINE_CTRL.command, seen);
  seen = Atomics.load(control, LINE_CTRL.command);
  if (Atomics.load(control, LINE_CTRL.exit) === 1) break;
  try {
    control[done + 1] = scorer.scoreShare(setup.ids, setup.lineStarts, control[LINE_CTRL.first], control[LINE_CTRL.count], setup.share, setup.shares, out);
  } catch {
    Atomics.add(control, LINE_CTRL.failed, 1); // the main thread checks after every window
  }
  Atomics.store(control, done, seen);
  Atomics.notify(control, done);
}
