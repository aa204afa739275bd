/**
 * Corpus evaluation: total log-probability of an encoded text ([EOS, line1, EOS, line2, EOS...])
 * under one direction, or the mean of both for a bilstm.
 *   reset 'none': one stream through the whole text, the state carried (as validation in training);
 *   reset 'line': every line scored on its own from the zero state (the sum of `score` over
 *                 lines), many lines at once as parallel streams (line-scorer.ts).
 */
import type { EncodedCorpus } from '../data/corpus.js';
import { isCpuEngine } from '../engine/engine.js';
import type { IdArray } from '../data/ids.js';
import { CharnnError } from '../errors.js';
import type { CharLM } from '../model/charlm.js';
import type { Direction } from '../model/config.js';
import { zeroHostState, type HostState } from '../model/recurrent-state.js';
import { platform } from '../platform/platform.js';
import { UNK_ID } from '../tokenizer/vocab.js';
import { withLineScorer } from './line-scorer.js';
import { scoreLinesThreaded } from './line-threads.js';
import type { ScoreDirection } from './sentence-scorer.js';
import { withScorer, type LogProbTotals, type StreamScorer } from './stream-scorer.js';

export type ResetMode = 'line' | 'none';

export interface EvalResult {
  /** Predicted tokens: characters + one <EOS> per line. */
  tokens: number;
  chars: number;
  lines: number;
  /** Characters scored as <UNK>. */
  unk: number;
  logprobLn: number;
  unkLogprobLn: number;
}

export interface EvalOptions {
  /** Threads for --reset line (the result does not depend on it); default: every core. One
   *  stream (--reset none) is a chain of dependent steps and runs on one thread. */
  threads?: number;
}

/** Below this many tokens, starting worker threads costs more than it saves. */
export const MIN_TOKENS_PER_EXTRA_THREAD = 100_000;

export async function evaluateCorpus(
  model: CharLM,
  corpus: EncodedCorpus,
  direction: ScoreDirection,
  reset: ResetMode,
  options: EvalOptions = {},
): Promise<EvalResult> {
  const evaluator = new CorpusEvaluator(model, direction, reset, options);
  await evaluator.add(corpus);
  return evaluator.result();
}

/**
 * An evaluation fed a text in pieces (CorpusPieces: whole lines, consecutive pieces sharing the
 * <EOS> between them), so a text read once from stdin is evaluated in bounded memory. The
 * totals are bit-identical to one evaluateCorpus over the whole text: line totals are added in
 * file order onto running sums (reset line), and the carried stream is scored in the same
 * 256-step chunks with its log-probabilities added in reading order (reset none). The backward
 * model with reset none reads the stream from its end, so it takes the whole text as one piece.
 */
export class CorpusEvaluator {
  private readonly parts: DirectionTotals[];
  private tokens = 0;
  private chars = 0;
  private lines = 0;
  private unk = 0;

  constructor(model: CharLM, direction: ScoreDirection, reset: ResetMode, options: EvalOptions = {}) {
    const directions: Direction[] = direction === 'both' ? ['forward', 'backward'] : [direction];
    this.parts = directions.map((d) => new DirectionTotals(model, d, reset, options));
  }

  /** True when this evaluation needs the whole text as one piece (backward, reset none). */
  get needsWholeText(): boolean {
    return this.parts.some((p) => p.wholeText);
  }

  async add(piece: EncodedCorpus): Promise<void> {
    for (const part of this.parts) await part.add(piece);
    this.tokens += piece.ids.length - 1;
    this.chars += piece.chars;
    this.lines += piece.lines;
    this.unk += piece.unk;
  }

  async result(): Promise<EvalResult> {
    const totals: LogProbTotals[] = [];
    for (const part of this.parts) totals.push(await part.finish());
    // 'both': the mean of the two directions.
    const ln = totals.length === 1 ? totals[0].ln : (totals[0].ln + totals[1].ln) / 2;
    const unkLn = totals.length === 1 ? totals[0].unkLn : (totals[0].unkLn + totals[1].unkLn) / 2;
    return { tokens: this.tokens, chars: this.chars, lines: this.lines, unk: this.unk, logprobLn: ln, unkLogprobLn: unkLn };
  }
}

/** One direction's running totals over the pieces of a text. */
class DirectionTotals {
  readonly wholeText: boolean;
  private readonly totals: LogProbTotals = { ln: 0, unkCount: 0, unkLn: 0 };
  private pieces = 0;
  /** reset none, forward: the stream's next window (WINDOW + 1 ids) and its fill, and the
   *  stream's state between windows (the scorer is shared: each window borrows it). */
  private window: Int32Array | null = null;
  private lps: Float64Array | null = null;
  private fill = 0;
  private carried: HostState | null = null;

  constructor(
    private readonly model: CharLM,
    private readonly direction: Direction,
    private readonly reset: ResetMode,
    private readonly options: EvalOptions,
  ) {
    this.wholeText = reset === 'none' && direction === 'backward';
  }

  async add(piece: EncodedCorpus): Promise<void> {
    const first = this.pieces++ === 0;
    if (this.reset === 'line') {
      await lineTotals(this.model, piece, this.direction, this.options, this.totals);
      return;
    }
    if (this.wholeText) {
      if (!first) throw new CharnnError('internal error: the backward model with --reset none needs the whole text at once');
      const t = await streamTotals(this.model, piece.ids, 'backward');
      Object.assign(this.totals, t);
      return;
    }
    // Forward, state carried: the pieces joined into one stream, scored a window at a time.
    if (first) {
      const { layers, hidden } = this.model.config;
      this.carried = zeroHostState(this.model.engine, layers, 1, hidden);
      this.window = new Int32Array(WINDOW + 1);
      this.lps = new Float64Array(WINDOW + 1);
    }
    const window = this.window!;
    const ids = piece.ids;
    // A later piece's first id is the <EOS> that ended the piece before, already in the stream.
    for (let k = first ? 0 : 1; k < ids.length;) {
      const m = Math.min(ids.length - k, window.length - this.fill);
      for (let j = 0; j < m; j++) window[this.fill + j] = ids[k + j];
      this.fill += m;
      k += m;
      if (this.fill === window.length) await this.flush();
    }
  }

  async finish(): Promise<LogProbTotals> {
    if (this.window !== null && this.fill >= 2) await this.flush();
    return this.totals;
  }

  /** Scores the window's ids from the carried state; its last id starts the next window. */
  private async flush(): Promise<void> {
    const window = this.window!;
    const lps = this.lps!;
    const n = this.fill;
    const carried = this.carried!;
    await withScorer(this.model, 'forward', async (scorer) => {
      scorer.loadState(carried);
      await scorer.logProbs(window.subarray(0, n), lps);
      await scorer.saveState(carried);
    });
    const t = this.totals;
    // In reading order, as StreamScorer.logProbs sums one pass over the whole stream.
    for (let k = 0; k + 1 < n; k++) {
      const lp = lps[k];
      t.ln += lp;
      if (window[k + 1] === UNK_ID) {
        t.unkCount++;
        t.unkLn += lp;
      }
    }
    window[0] = window[n - 1];
    this.fill = 1;
  }
}

/** Every line from the zero state, added to `sum`: on several threads for big inputs (bit-identical totals). */
async function lineTotals(
  model: CharLM,
  corpus: EncodedCorpus,
  direction: Direction,
  options: EvalOptions,
  sum: LogProbTotals,
): Promise<void> {
  // Threads are CPU engines' (they share the weights' memory); a GPU engine scores on the GPU.
  const wanted = isCpuEngine(model.engine) ? (options.threads ?? platform().cores()) : 1;
  const threads = Math.min(wanted, 1 + Math.floor(corpus.ids.length / MIN_TOKENS_PER_EXTRA_THREAD));
  const threaded =
    threads > 1 ? await scoreLinesThreaded(model, direction, corpus.ids, corpus.lineStarts, corpus.lines, threads, sum) : null;
  if (threaded === null)
    await withLineScorer(model, direction, (scorer) => scorer.score(corpus.ids, corpus.lineStarts, corpus.lines, null, sum));
}

/** Mean nats per token over a whole id stream with the state carried: the validation loss. */
export async function streamNats(model: CharLM, ids: IdArray, direction: Direction): Promise<number> {
  if (ids.length < 2) return NaN;
  const totals = await streamTotals(model, ids, direction);
  return -totals.ln / (ids.length - 1);
}

/** Ids per window of the reversed stream: a multiple of the stream scorer's 256-step chunks. */
const WINDOW = 1 << 16;

/**
 * One stream through ids with the state carried. The backward model reads the stream from its
 * end: it goes to the scorer in reversed windows of WINDOW + 1 ids (consecutive windows share
 * one id: the last target of one is the first input of the next) through an Int32Array
 * scratch, so the stream is never copied whole (StreamScorer.logProbs takes any IdArray). The
 * per-token values are summed here in reading order, so the totals are exactly those of one
 * logProbs pass over a reversed copy.
 */
function streamTotals(model: CharLM, ids: IdArray, direction: Direction): Promise<LogProbTotals> {
  return withScorer(model, direction, (scorer) => {
    scorer.reset();
    return direction === 'forward' ? scorer.logProbs(ids, null) : reversedTotals(scorer, ids);
  });
}

/** streamTotals for the backward model: ids read from the end, a window at a time. */
async function reversedTotals(scorer: StreamScorer, ids: IdArray): Promise<LogProbTotals> {
  const n = ids.length;
  let ln = 0;
  let unkCount = 0;
  let unkLn = 0;
  const scratch = new Int32Array(Math.min(n, WINDOW + 1));
  const lps = new Float64Array(Math.min(n, WINDOW + 1));
  const last = n - 1;
  for (let s = 0; s + 1 < n; s += WINDOW) {
    const m = Math.min(WINDOW + 1, n - s);
    for (let k = 0; k < m; k++) scratch[k] = ids[last - s - k];
    await scorer.logProbs(scratch.subarray(0, m), lps);
    for (let k = 0; k + 1 < m; k++) {
      const lp = lps[k];
      ln += lp;
      if (scratch[k + 1] === UNK_ID) {
        unkCount++;
        unkLn += lp;
      }
    }
  }
  return { ln, unkCount, unkLn };
}
