/**
 * `eval --reset line` on every core: the lines of each window are ordered and grouped as
 * LineScorer does, and this thread and worker threads (line-worker.ts), each with its own copy
 * of the model, take the groups one at a time from a shared counter until none are left.
 * Taking them as they go, rather than dealing them out in turn, keeps both cores busy to the end
 * of a window when one runs slower (a neighbour's load on a shared machine; and the groups,
 * longest first, were uneven in turn). It also means nobody waits for a worker to start: this
 * thread begins scoring at once, and a worker joins the window in progress once it has built its
 * model (about 0.15 s), or never, if it cannot start; the work is then all done here.
 *
 * Every line is computed exactly as one thread computes it (same groups, same kernels) and the
 * totals are added in file order, so the result is bit-identical to LineScorer.score on one
 * thread, whoever scored which group.
 *
 * The corpus ids and line starts are read in place: they live on SharedArrayBuffers
 * (data/ids.ts, data/corpus.ts). This thread waits for the groups still being scored with
 * Atomics.wait. The workers are started through the platform (src/platform/platform.ts); on
 * Node, src/platform/node/line-scorer-worker.ts runs line-worker.ts in each.
 *
 * Legend: a window is at most `window` lines, cut into groups of `streams` lines; its number
 * (gen) is the command count.
 */
import type { IdArray } from '../data/ids.js';
import type { EngineName } from '../engine/engine.js';
import { CharnnError } from '../errors.js';
import type { CharLM } from '../model/charlm.js';
import type { Direction } from '../model/config.js';
import { platform, type PlatformWorker } from '../platform/platform.js';
import { openRound, takeNext, waitForCount } from '../util/round-counter.js';
import { isShared } from '../util/shared-memory.js';
import { withLineScorer } from './line-scorer.js';
import type { LogProbTotals } from './stream-scorer.js';

/** Slots of the shared Int32 control array. */
export const LINE_CTRL = {
  command: 0, // the current window's number (gen); bumped by this thread, workers wait on it
  exit: 1, // 1: workers leave their loop
  first: 2, // the window: lines first .. first + count - 1
  count: 3,
  take: 4, // the window's next group (util/round-counter.ts, the round is the window's gen)
  done: 5, // groups of the window scored (and their results written)
  unk: 6, // <UNK> targets in those groups
  failed: 7, // groups a worker failed to score
  ready: 8, // workers that have built their model
  workerGroups: 9, // groups scored by workers, over all windows
} as const;
const CONTROL_SLOTS = 10;

export interface LineWorkerSetup {
  engine: EngineName;
  config: CharLM['config'];
  direction: Direction;
  params: SharedArrayBuffer; // Float32 (P)
  ids: IdArray; // on a SharedArrayBuffer
  lineStarts: Int32Array; // on a SharedArrayBuffer
  control: SharedArrayBuffer;
  results: SharedArrayBuffer; // Float64 (2 x window): ln, then unkLn, per window line
}

/**
 * The next group of window `gen` for whichever thread asks first; Infinity once that window is
 * over (a worker that saw it late must not take a group of the next one, whose lines it has not
 * read). Groups past the window's end are handed out too: the caller stops at the first.
 */
export function takeGroup(control: Int32Array, gen: number): number {
  return takeNext(control, LINE_CTRL.take, gen);
}

/** Records a scored group (its results already written) and its <UNK> targets. */
export function finishGroup(control: Int32Array, unkCount: number): void {
  Atomics.add(control, LINE_CTRL.unk, unkCount);
  Atomics.add(control, LINE_CTRL.done, 1);
  Atomics.notify(control, LINE_CTRL.done);
}

export interface LineThreadOptions {
  /** Wait for every worker to be built before the first window (tests: so that workers surely
   *  take part); by default this thread starts at once and workers join when ready. */
  waitForWorkers?: boolean;
  /** Filled in with how the groups were shared out. */
  stats?: { groups: number; workerGroups: number };
}

/** True when the arrays can be handed to workers without a copy. */
function shared(x: ArrayBufferView): boolean {
  return isShared(x.buffer);
}

/**
 * Totals over lines [0, lines) as LineScorer.score gives them (added to `sum`, as there), on up
 * to `threads` threads; null when that is not possible here (fewer than 2 threads, arrays not
 * shared; `sum` is then untouched), and the caller should score on one thread.
 */
export async function scoreLinesThreaded(
  model: CharLM,
  direction: Direction,
  ids: IdArray,
  lineStarts: Int32Array,
  lines: number,
  threads: number,
  sum: LogProbTotals = { ln: 0, unkCount: 0, unkLn: 0 },
  options: LineThreadOptions = {},
): Promise<LogProbTotals | null> {
  if (threads < 2 || !shared(ids) || !shared(lineStarts)) return null;
  return withLineScorer(model, direction, async (scorer) => {
    const { window, streams } = scorer;
    const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
    const results = new SharedArrayBuffer(8 * 2 * window);
    const out = { ln: new Float64Array(results, 0, window), unkLn: new Float64Array(results, 8 * window, window) };
    const params = new SharedArrayBuffer(4 * model.parameterCount());
    await model.engine.read(model.params.data, new Float32Array(params));

    const started: PlatformWorker[] = [];
    try {
      for (let w = 1; w < threads; w++) {
        const setup: LineWorkerSetup = {
          engine: model.engine.name,
          config: model.config,
          direction,
          params,
          ids,
          lineStarts,
          control: control.buffer,
          results,
        };
        const worker = platform().startWorker('line-scorer', setup);
        worker.unref();
        worker.onError(() => {}); // a worker that cannot start takes no groups: this thread does them
        started.push(worker);
      }
      if (options.waitForWorkers) waitForCount(control, LINE_CTRL.ready, started.length);

      let groups = 0;
      for (let first = 0; first < lines; first += window) {
        const count = Math.min(window, lines - first);
        const gen = control[LINE_CTRL.command] + 1;
        control[LINE_CTRL.first] = first;
        control[LINE_CTRL.count] = count;
        Atomics.store(control, LINE_CTRL.done, 0);
        Atomics.store(control, LINE_CTRL.unk, 0);
        openRound(control, LINE_CTRL.take, gen);
        Atomics.store(control, LINE_CTRL.command, gen);
        Atomics.notify(control, LINE_CTRL.command);
        await scorer.scoreGroups(
          ids,
          lineStarts,
          first,
          count,
          () => takeGroup(control, gen),
          out,
          (unk) => finishGroup(control, unk),
        );
        const windowGroups = Math.ceil(count / streams);
        waitForCount(control, LINE_CTRL.done, windowGroups); // groups workers are still scoring
        groups += windowGroups;
        if (Atomics.load(control, LINE_CTRL.failed) > 0) throw new CharnnError('a line-scoring thread failed', 'try --threads 1');
        sum.unkCount += control[LINE_CTRL.unk];
        // In file order, as one thread adds them.
        for (let i = 0; i < count; i++) {
          sum.ln += out.ln[i];
          sum.unkLn += out.unkLn[i];
        }
      }
      if (options.stats) {
        options.stats.groups = groups;
        options.stats.workerGroups = Atomics.load(control, LINE_CTRL.workerGroups);
      }
      return sum;
    } finally {
      Atomics.store(control, LINE_CTRL.exit, 1);
      Atomics.add(control, LINE_CTRL.command, 1);
      Atomics.notify(control, LINE_CTRL.command);
      for (const w of started) void w.terminate();
    }
  });
}
