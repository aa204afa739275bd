/**
 * Scoring many lines (sentences) at once: `eval --reset line`, where each line is scored on its
 * own from the zero state with <EOS> as its first input (the frame [EOS, c1..cn, EOS], read
 * reversed by the backward model). One stream per line would run the model at B = 1; here up
 * to B lines run side by side as B parallel streams of one DirectionRunner, each from its own
 * zero state, which turns the per-step matrix-vector products into matrix products and pays the
 * per-call costs once per B lines (the gain is modest on the wasm engine, whose B = 1 products
 * already run near the SIMD arithmetic limit: BENCHMARKS.md has the figures).
 *
 * Grouping: the lines of a window (at most limits.window lines, so memory stays bounded for any
 * number of lines: index arrays only, no per-line objects) are ordered by length, longest first, and
 * cut into groups of B consecutive lines. A group runs in time chunks of T steps (T*B <= the
 * runner's rows) with the state carried between chunks; since its streams are ordered longest
 * first, the streams still running at any step are a prefix 0..b-1, so after each chunk the
 * finished ones are dropped by running the next chunk with a smaller B (the runner reads the
 * first B*H values of each state buffer). Positions past a line's end within a chunk are padding:
 * computed (streams do not interact) but left out of every sum.
 *
 * Exactness: each stream's arithmetic is the one-stream arithmetic (rows of a batched product
 * are independent), each line's log-probabilities are summed in reading order as
 * StreamScorer.logProbs sums them, and the line totals are added up in file order, so the
 * totals equal the one-line-at-a-time totals (bit for bit when the matrix kernels give each row
 * the same result whatever the number of rows, as the JS reference and the wasm kernels do).
 *
 * Dimension legend: B streams (lines) per group, T steps per chunk, H hidden, V vocabulary,
 * S = a line's steps (its characters + 1: inputs EOS, c1..cn; targets c1..cn, EOS).
 */
import type { IdArray } from '../data/ids.js';
import { hostFloats, type Engine } from '../engine/engine.js';
import type { Floats } from '../engine/floats.js';
import type { CharLM } from '../model/charlm.js';
import type { Direction } from '../model/config.js';
import { DirectionRunner } from '../model/direction-runner.js';
import { PerModel } from '../model/per-model.js';
import { zeroState, type RecurrentState } from '../model/recurrent-state.js';
import { logProbAt } from '../numerics/log-softmax.js';
import { EOS_ID, UNK_ID } from '../tokenizer/vocab.js';
import type { LogProbTotals } from './stream-scorer.js';

export interface LineScorerLimits {
  /** Most lines run side by side. */
  streams: number;
  /** Most steps per chunk. */
  steps: number;
  /** Most rows (T*B) per chunk: bounds the runner's buffers. */
  rows: number;
  /** Lines ordered and grouped together (bounds the index and total arrays). */
  window: number;
}

/** Engine floats per row the runner's buffers take for this model, roughly. */
function floatsPerRow(model: CharLM): number {
  const { hidden: H, layers: L, vocabSize: V } = model.config;
  return L * H * 14 + 2 * V; // gates and their gradients (2 x 4H), h, c, aux, dh, masks...
}

/**
 * Defaults: 64 streams, chunks of at most 256 steps, runner buffers of about 16 MB (a chunk of a
 * thousand or two rows ran as fast as more, with less engine memory).
 */
export function defaultLimits(model: CharLM): LineScorerLimits {
  const streams = 64;
  const rows = Math.max(streams, Math.min(64 * 256, Math.floor((4 << 20) / floatsPerRow(model))));
  return { streams, steps: 256, rows, window: 1 << 16 };
}

/** Lines are counting-sorted by min(S, SORT_CAP); the (rare) ones at the cap then exactly. */
const SORT_CAP = 4096;

export class LineScorer {
  private readonly engine: Engine;
  private readonly runner: DirectionRunner;
  private readonly state: RecurrentState;
  private readonly logits: Floats; // (rows x V) a chunk's logits, read back from the engine
  private readonly direction: Direction;
  private readonly V: number;
  private readonly H: number;
  private readonly limits: LineScorerLimits;
  private readonly rows: number; // T*B of any chunk is at most this
  private readonly x: Int32Array; // (rows) one chunk's inputs, time-major
  private readonly lineLn: Float64Array; // (window) per line of the window, in window order
  private readonly lineUnkLn: Float64Array;
  private readonly order: Int32Array; // (window) window line indices, longest first
  private readonly steps: Int32Array; // (window) S of each window line
  private readonly bucket: Int32Array; // (SORT_CAP + 1) counting sort

  /** Lines per window: score() and scoreGroups() handle at most this many lines at a time. */
  get window(): number {
    return this.limits.window;
  }

  /** Lines per group (run side by side). */
  get streams(): number {
    return this.limits.streams;
  }

  constructor(model: CharLM, direction: Direction, limits: LineScorerLimits = defaultLimits(model)) {
    const { streams, steps, rows, window } = limits;
    if (!(streams >= 1 && steps >= 1 && rows >= streams && window >= 1))
      throw new RangeError(`bad line scorer limits ${JSON.stringify(limits)}`);
    this.engine = model.engine;
    this.limits = limits;
    this.direction = direction;
    this.V = model.config.vocabSize;
    this.H = model.config.hidden;
    // The runner holds maxT * maxB rows; forward() only needs T*B <= that and B <= maxB, so a
    // chunk may trade streams for steps.
    const maxT = Math.floor(rows / streams);
    this.rows = maxT * streams;
    this.runner = new DirectionRunner(model, direction, maxT, streams);
    this.state = zeroState(model.engine, model.config.layers, streams, model.config.hidden);
    this.logits = hostFloats(model.engine, this.rows * this.V);
    this.x = new Int32Array(rows);
    this.lineLn = new Float64Array(window);
    this.lineUnkLn = new Float64Array(window);
    this.order = new Int32Array(window);
    this.steps = new Int32Array(window);
    this.bucket = new Int32Array(SORT_CAP + 1);
  }

  /**
   * Totals over lines [0, lines) of an encoded corpus (ids `[EOS, line 0, EOS, line 1, EOS...]`
   * with lineStarts as in EncodedCorpus), each line scored from the zero state. With `out`
   * (lines), out[i] = ln P(line i) (its characters and its <EOS>). With `sum`, the line totals
   * are added to it, in file order, and it is returned: a text scored in pieces then has
   * exactly the totals of one call over the whole text.
   */
  async score(
    ids: IdArray,
    lineStarts: Int32Array,
    lines: number,
    out: Float64Array | null = null,
    sum: LogProbTotals = { ln: 0, unkCount: 0, unkLn: 0 },
    progress: ((tokens: number) => void) | null = null,
  ): Promise<LogProbTotals> {
    for (let first = 0; first < lines; first += this.limits.window) {
      const count = Math.min(this.limits.window, lines - first);
      sum.unkCount += await this.scoreWindow(ids, lineStarts, first, count, progress);
      // In file order, as one line at a time would add them.
      for (let i = 0; i < count; i++) {
        sum.ln += this.lineLn[i];
        sum.unkLn += this.lineUnkLn[i];
      }
      if (out) out.set(this.lineLn.subarray(0, count), first);
    }
    return sum;
  }

  /** Scores lines first .. first+count-1 into lineLn / lineUnkLn[0 .. count); returns the <UNK> targets. */
  private scoreWindow(
    ids: IdArray,
    lineStarts: Int32Array,
    first: number,
    count: number,
    progress: ((tokens: number) => void) | null,
  ): Promise<number> {
    let next = 0;
    return this.scoreGroups(ids, lineStarts, first, count, () => next++, null, progress && ((_unk, tokens) => progress(tokens)));
  }

  /**
   * Scores the groups of a window that `nextGroup` hands out: it returns group numbers 0, 1, 2,
   * ... (once each across every caller), and this stops at the first one past the window's end.
   * Threads share a window this way (line-threads.ts: a shared atomic counter), so a thread that
   * runs faster (the other core busy with someone else's work, or shorter groups) takes more
   * groups rather than waiting. Every thread orders the window the same way, so a group number
   * means the same lines on every thread. With `out`, each scored line's totals are also copied
   * to out.ln / out.unkLn at its window index; then `groupDone` gets the group's <UNK> targets
   * and its tokens (for progress reports). Returns the <UNK> targets of the lines scored.
   */
  async scoreGroups(
    ids: IdArray,
    lineStarts: Int32Array,
    first: number,
    count: number,
    nextGroup: () => number,
    out: { ln: Float64Array; unkLn: Float64Array } | null,
    groupDone: ((unkCount: number, tokens: number) => void) | null,
  ): Promise<number> {
    const { order, steps, lineLn, lineUnkLn } = this;
    const { streams } = this.limits;
    for (let i = 0; i < count; i++) steps[i] = lineStarts[first + i + 1] - lineStarts[first + i]; // chars + 1
    this.sortLongestFirst(count);
    let unkCount = 0;
    for (let g = nextGroup() * streams; g < count; g = nextGroup() * streams) {
      const group = order.subarray(g, Math.min(count, g + streams));
      const groupUnk = await this.scoreGroup(ids, lineStarts, first, group);
      unkCount += groupUnk;
      if (out) {
        for (const i of group) {
          out.ln[i] = lineLn[i];
          out.unkLn[i] = lineUnkLn[i];
        }
      }
      if (groupDone) {
        let tokens = 0;
        for (const i of group) tokens += steps[i];
        groupDone(groupUnk, tokens);
      }
    }
    return unkCount;
  }

  /** order[0 .. count) = 0 .. count-1 by steps descending, ties in file order (stable). */
  private sortLongestFirst(count: number): void {
    const { order, steps, bucket } = this;
    // Counting sort on min(S, SORT_CAP); the (rare) lines at the cap are then sorted exactly.
    bucket.fill(0);
    for (let i = 0; i < count; i++) bucket[SORT_CAP - Math.min(steps[i], SORT_CAP)]++;
    let at = 0;
    for (let k = 0; k <= SORT_CAP; k++) {
      const c = bucket[k];
      bucket[k] = at;
      at += c;
    }
    for (let i = 0; i < count; i++) order[bucket[SORT_CAP - Math.min(steps[i], SORT_CAP)]++] = i;
    const long = bucket[0]; // lines with S >= SORT_CAP come first
    if (long > 1) order.subarray(0, long).sort((a, b) => steps[b] - steps[a] || a - b);
  }

  /**
   * One group: window lines `group` (longest first) as parallel streams from the zero state.
   * Writes each line's totals; returns its <UNK> targets.
   */
  private async scoreGroup(ids: IdArray, lineStarts: Int32Array, first: number, group: Int32Array): Promise<number> {
    const { engine, runner, state, x, steps, lineLn, lineUnkLn, logits, V, H } = this;
    const backward = this.direction === 'backward';
    let B = group.length;
    for (let k = 0; k < state.h.length; k++) {
      engine.fill(state.h[k], 0, 0, B * H);
      engine.fill(state.c[k], 0, 0, B * H);
    }
    for (let b = 0; b < B; b++) {
      lineLn[group[b]] = 0;
      lineUnkLn[group[b]] = 0;
    }
    let unkCount = 0;
    const maxS = steps[group[0]];
    let t0 = 0;
    while (B > 0) {
      const T = Math.min(maxS - t0, this.limits.steps, Math.floor(this.rows / B));
      // Inputs: stream b reads its line's frame from position t0; EOS pads past its end.
      for (let b = 0; b < B; b++) {
        const i = group[b];
        const S = steps[i];
        const n = Math.min(T, S - t0);
        // Forward frame: ids[lineStart - 1 ..]; backward: the same frame from its end.
        if (backward) {
          const end = lineStarts[first + i + 1] - 1 - t0; // frame position t0, reversed
          for (let t = 0; t < n; t++) x[t * B + b] = ids[end - t];
        } else {
          const start = lineStarts[first + i] - 1 + t0;
          for (let t = 0; t < n; t++) x[t * B + b] = ids[start + t];
        }
        for (let t = n; t < T; t++) x[t * B + b] = EOS_ID;
      }
      await engine.read(runner.forward(x.subarray(0, T * B), T, B, state, null), logits, 0, T * B * V);
      for (let b = 0; b < B; b++) {
        const i = group[b];
        const n = Math.min(T, steps[i] - t0);
        let ln = lineLn[i];
        let unkLn = lineUnkLn[i];
        // Targets: the frame shifted by one, in reading order of this direction.
        const start = lineStarts[first + i] + t0; // forward: target of step t is ids[start + t]
        const end = lineStarts[first + i + 1] - 2 - t0; // backward: ids[end - t]
        for (let t = 0; t < n; t++) {
          const target = backward ? ids[end - t] : ids[start + t];
          const lp = logProbAt(logits, (t * B + b) * V, V, target);
          ln += lp;
          if (target === UNK_ID) {
            unkCount++;
            unkLn += lp;
          }
        }
        lineLn[i] = ln;
        lineUnkLn[i] = unkLn;
      }
      t0 += T;
      while (B > 0 && steps[group[B - 1]] <= t0) B--; // finished streams are a suffix
    }
    return unkCount;
  }
}

/** The line scorer of a (model, direction), made once per model (engine memory is never freed). */
const sharedLineScorers = new PerModel((model: CharLM, direction) => new LineScorer(model, direction));

/** Runs fn with the (model, direction) line scorer, alone (see PerModel). */
export function withLineScorer<R>(model: CharLM, direction: Direction, fn: (scorer: LineScorer) => Promise<R>): Promise<R> {
  return sharedLineScorers.use(model, direction, fn);
}
