/**
 * `eval --reset line` on every core: the lines of each window are ordered and grouped as
 * LineScorer does, and this thread and worker threads (line-worker.ts), each with its own copy
 * of the model, take the groups one at a time from a shared counter until none are left. Taking
 * them as they go, rather than dealing them out in turn, keeps both cores busy to the end of a
 * window when one runs slower (a neighbour's load on a shared machine; and the groups, longest
 * first, were uneven in turn). Every line is computed exactly as one
 * thread computes it (same groups, same kernels) and the totals are added in file order, so the
 * result is bit-identical to LineScorer.score on one thread.
 *
 * The corpus ids and line starts are read in place: they live on SharedArrayBuffers
 * (data/ids.ts, data/corpus.ts). Everything here is synchronous: workers are waited for with
 * Atomics.wait, so a worker that cannot start makes this return null (after START_TIMEOUT_MS),
 * and the caller scores on one thread.
 *
 * Legend: W windows of at most `window` lines; share 0 is this thread, share w + 1 worker w.
 */
import { Worker } from 'node:worker_threads';
import type { IdArray } from '../data/ids.js';
import { CharnnError } from '../errors.js';
import { getEngine } from '../tensor/backend.js';
import type { CharLM } from './charlm.js';
import type { Direction } from './config.js';
import { lineScorerFor } from './line-scorer.js';
import type { LogProbTotals } from './logprobs.js';

/** Slots of the shared Int32 control array. */
export const LINE_CTRL = {
  command: 0, // bumped by this thread for every window; workers wait on it
  exit: 1, // 1: workers leave their loop
  first: 2, // the window: lines first .. first + count - 1
  count: 3,
  ready: 4, // workers add 1 when built (or failed: see failed)
  failed: 5,
  nextGroup: 6, // the window's next group to score: every thread takes one with Atomics.add
  workerBase: 8, // worker w: done counter at workerBase + 2w, <UNK> count at + 2w + 1
} as const;

export interface LineWorkerSetup {
  engine: ReturnType<typeof getEngine>;
  config: CharLM['config'];
  direction: Direction;
  params: SharedArrayBuffer; // Float32 (P)
  ids: IdArray; // on a SharedArrayBuffer
  lineStarts: Int32Array; // on a SharedArrayBuffer
  share: number; // this worker's number, 1 .. threads - 1 (0 is the main thread)
  control: SharedArrayBuffer;
  results: SharedArrayBuffer; // Float64 (2 x window): ln, then unkLn, per window line
}

const START_TIMEOUT_MS = 20_000;
const WORKER_URL = new URL('../../dist/model/line-worker.js', import.meta.url);

/** True when the arrays can be handed to workers without a copy. */
function shared(x: ArrayBufferView): boolean {
  return x.buffer instanceof SharedArrayBuffer;
}

/**
 * Totals over lines [0, lines) as LineScorer.score gives them (added to `sum`, as there), on
 * `threads` threads; null when that is not possible here (arrays not shared, a worker failed to
 * start; `sum` is then untouched), and the caller should score on one thread.
 */
export function scoreLinesThreaded(
  model: CharLM,
  direction: Direction,
  ids: IdArray,
  lineStarts: Int32Array,
  lines: number,
  threads: number,
  sum: LogProbTotals = { ln: 0, unkCount: 0, unkLn: 0 },
): LogProbTotals | null {
  if (threads < 2 || !shared(ids) || !shared(lineStarts)) return null;
  const scorer = lineScorerFor(model, direction);
  const window = scorer.window;
  const workers = threads - 1;
  const control = new Int32Array(new SharedArrayBuffer(4 * (LINE_CTRL.workerBase + 2 * workers)));
  const results = new SharedArrayBuffer(8 * 2 * window);
  const out = { ln: new Float64Array(results, 0, window), unkLn: new Float64Array(results, 8 * window, window) };
  const params = new SharedArrayBuffer(4 * model.params.data.length);
  new Float32Array(params).set(model.params.data);

  const started: Worker[] = [];
  try {
    for (let w = 0; w < workers; w++) {
      const setup: LineWorkerSetup = {
        engine: getEngine(),
        config: model.config,
        direction,
        params,
        ids,
        lineStarts,
        share: w + 1,
        control: control.buffer as SharedArrayBuffer,
        results,
      };
      const worker = new Worker(WORKER_URL, { workerData: setup });
      worker.unref();
      worker.on('error', () => {}); // a failed start is seen through the control array
      started.push(worker);
    }
    if (!waitReady(control, workers)) return null;

    for (let first = 0; first < lines; first += window) {
      const count = Math.min(window, lines - first);
      control[LINE_CTRL.first] = first;
      control[LINE_CTRL.count] = count;
      Atomics.store(control, LINE_CTRL.nextGroup, 0);
      const command = Atomics.add(control, LINE_CTRL.command, 1) + 1;
      Atomics.notify(control, LINE_CTRL.command);
      sum.unkCount += scorer.scoreGroups(ids, lineStarts, first, count, () => takeGroup(control), out);
      for (let w = 0; w < workers; w++) {
        waitFor(control, LINE_CTRL.workerBase + 2 * w, command);
        sum.unkCount += control[LINE_CTRL.workerBase + 2 * w + 1];
      }
      if (Atomics.load(control, LINE_CTRL.failed) > 0) throw new CharnnError('a line-scoring thread failed', 'try --threads 1');
      // In file order, as one thread adds them.
      for (let i = 0; i < count; i++) {
        sum.ln += out.ln[i];
        sum.unkLn += out.unkLn[i];
      }
    }
    return sum;
  } finally {
    Atomics.store(control, LINE_CTRL.exit, 1);
    Atomics.add(control, LINE_CTRL.command, 1);
    Atomics.notify(control, LINE_CTRL.command);
    for (const w of started) void w.terminate();
  }
}

/** The next group of the current window, for whichever thread asks first. */
export function takeGroup(control: Int32Array): number {
  return Atomics.add(control, LINE_CTRL.nextGroup, 1);
}

/** Blocks until every worker is built; false if one failed or they took too long. */
function waitReady(control: Int32Array, workers: number): boolean {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (Atomics.load(control, LINE_CTRL.failed) > 0) return false;
    const ready = Atomics.load(control, LINE_CTRL.ready);
    if (ready >= workers) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(control, LINE_CTRL.ready, ready, left);
  }
}

function waitFor(control: Int32Array, slot: number, value: number): void {
  for (;;) {
    const seen = Atomics.load(control, slot);
    if (seen === value) return;
    Atomics.wait(control, slot, seen);
  }
}
