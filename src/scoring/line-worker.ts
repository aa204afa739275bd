/**
 * A line-scoring worker thread's work (see line-threads.ts): builds its copy of the model, then
 * joins whatever window is being scored and takes groups from the shared counter until none are
 * left, writing their totals into the shared results. A worker that cannot start just ends: the
 * main thread scores every group itself. The platform's worker script calls runLineWorker.
 */
import { engineNamed } from '../engine/default-engine.js';
import { CharLM } from '../model/charlm.js';
import { hostParams, paramSpecs } from '../model/param-set.js';
import type { WorkerContext } from '../platform/platform.js';
import { LineScorer } from './line-scorer.js';
import { LINE_CTRL, finishGroup, takeGroup, type LineWorkerSetup } from './line-threads.js';

/** The model and the result views; null if they cannot be built. */
function start(setup: LineWorkerSetup): { scorer: LineScorer; out: { ln: Float64Array; unkLn: Float64Array } } | null {
  try {
    const params = hostParams(paramSpecs(setup.config), new Float32Array(setup.params));
    const scorer = new LineScorer(new CharLM(setup.config, params, engineNamed(setup.engine)), setup.direction);
    const window = scorer.window;
    return { scorer, out: { ln: new Float64Array(setup.results, 0, window), unkLn: new Float64Array(setup.results, 8 * window, window) } };
  } catch {
    return null;
  }
}

export async function runLineWorker(context: WorkerContext): Promise<void> {
  const setup = context.data as LineWorkerSetup;
  const control = new Int32Array(setup.control);
  const ready = start(setup);
  if (!ready) return;
  Atomics.add(control, LINE_CTRL.ready, 1);
  Atomics.notify(control, LINE_CTRL.ready);
  context.ready();
  let seen = 0; // the last window number seen
  for (;;) {
    Atomics.wait(control, LINE_CTRL.command, seen); // returns at once if a window is already on
    seen = Atomics.load(control, LINE_CTRL.command);
    if (Atomics.load(control, LINE_CTRL.exit) === 1) break;
    const gen = seen;
    let holding = false; // a group taken and not finished
    try {
      await ready.scorer.scoreGroups(
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
}
