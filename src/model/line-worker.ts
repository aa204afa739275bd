/**
 * A line-scoring worker thread (see line-threads.ts): builds its copy of the model, says it is
 * ready, then for every window scores the groups it takes (line-threads.ts) into the shared results.
 */
import { workerData } from 'node:worker_threads';
import { setEngine } from '../tensor/backend.js';
import { CharLM } from './charlm.js';
import { LineScorer } from './line-scorer.js';
import { LINE_CTRL, takeGroup, type LineWorkerSetup } from './line-threads.js';
import { ParamSet, paramSpecs } from './params.js';

const setup = workerData as LineWorkerSetup;
const control = new Int32Array(setup.control);
const done = LINE_CTRL.workerBase + 2 * (setup.share - 1);

/** The model and the result views; null (and the failure counted) if they cannot be built. */
function start(): { scorer: LineScorer; out: { ln: Float64Array; unkLn: Float64Array } } | null {
  try {
    setEngine(setup.engine);
    const params = ParamSet.zeros<Float32Array>(paramSpecs(setup.config), Float32Array);
    params.data.set(new Float32Array(setup.params));
    const scorer = new LineScorer(new CharLM(setup.config, params), setup.direction);
    const window = scorer.window;
    return { scorer, out: { ln: new Float64Array(setup.results, 0, window), unkLn: new Float64Array(setup.results, 8 * window, window) } };
  } catch {
    Atomics.add(control, LINE_CTRL.failed, 1);
    return null;
  }
}

const ready = start();
if (ready) Atomics.add(control, LINE_CTRL.ready, 1);
Atomics.notify(control, LINE_CTRL.ready);

const nextGroup = () => takeGroup(control);

// A thread that could not start just ends: the main thread has seen the failure count.
let seen = 0;
while (ready) {
  Atomics.wait(control, LINE_CTRL.command, seen);
  seen = Atomics.load(control, LINE_CTRL.command);
  if (Atomics.load(control, LINE_CTRL.exit) === 1) break;
  try {
    control[done + 1] = ready.scorer.scoreGroups(setup.ids, setup.lineStarts, control[LINE_CTRL.first], control[LINE_CTRL.count], nextGroup, ready.out);
  } catch {
    Atomics.add(control, LINE_CTRL.failed, 1); // the main thread checks after every window
  }
  Atomics.store(control, done, seen);
  Atomics.notify(control, done);
}
