/**
 * A line-scoring worker thread (see line-threads.ts): builds its copy of the model, then joins
 * whatever window is being scored and takes groups from the shared counter until none are
 * left, writing their totals into the shared results. A worker that cannot start just ends:
 * the main thread scores every group itself.
 */
import { workerData } from 'node:worker_threads';
import { setEngine } from '../tensor/backend.js';
import { CharLM } from './charlm.js';
import { LineScorer } from './line-scorer.js';
import { LINE_CTRL, finishGroup, takeGroup, type LineWorkerSetup } from './line-threads.js';
import { ParamSet, paramSpecs } from './params.js';

const setup = workerData as LineWorkerSetup;
const control = new Int32Array(setup.control);

/** The model and the result views; null if they cannot be built. */
function start(): { scorer: LineScorer; out: { ln: Float64Array; unkLn: Float64Array } } | null {
  try {
    setEngine(setup.engine);
    const params = ParamSet.zeros<Float32Array>(paramSpecs(setup.config), Float32Array);
    params.data.set(new Float32Array(setup.params));
    const scorer = new LineScorer(new CharLM(setup.config, params), setup.direction);
    const window = scorer.window;
    return { scorer, out: { ln: new Float64Array(setup.results, 0, window), unkLn: new Float64Array(setup.results, 8 * window, window) } };
  } catch {
    return null;
  }
}

const ready = start();
if (ready) {
  Atomics.add(control, LINE_CTRL.ready, 1);
  Atomics.notify(control, LINE_CTRL.ready);
}
let seen = 0; // the last window number seen
while (ready) {
  Atomics.wait(control, LINE_CTRL.command, seen); // returns at once if a window is already on
  seen = Atomics.load(control, LINE_CTRL.command);
  if (Atomics.load(control, LINE_CTRL.exit) === 1) break;
  const gen = seen;
  let holding = false; // a group taken and not finished
  try {
    ready.scorer.scoreGroups(
      setup.ids,
      setup.lineStarts,
      control[LINE_CTRL.first],
      control[LINE_CTRL.count],
      () => {
        const g = takeGroup(control, gen);
        holding = Number.isFinite(g);
        return g;
      },
      ready.out,
      (unk) => {
        holding = false;
        Atomics.add(control, LINE_CTRL.workerGroups, 1);
        finishGroup(control, unk);
      },
    );
  } catch {
    // The main thread checks `failed` once the window's groups are all accounted for.
    Atomics.add(control, LINE_CTRL.failed, 1);
    if (holding) finishGroup(control, 0);
  }
}
