/**
 * Corpus evaluation: total log-probability of an encoded text ([EOS, line1, EOS, line2, EOS...])
 * under one direction, or the mean of both for a bilstm.
 *   reset 'none': one stream through the whole text, the state carried (as validation in training);
 *   reset 'line': every line scored on its own from the zero state (the sum of `score` over
 *                 lines), many lines at once as parallel streams (src/model/line-scorer.ts).
 */
import { availableParallelism } from 'node:os';
import type { EncodedCorpus } from '../data/corpus.js';
import type { IdArray } from '../data/ids.js';
import { UNK_ID } from '../tokenizer/vocab.js';
import type { CharLM } from './charlm.js';
import type { Direction } from './config.js';
import { lineScorerFor } from './line-scorer.js';
import { scoreLinesThreaded } from './line-threads.js';
import { scorerFor, type LogProbTotals } from './logprobs.js';
import type { ScoreDirection } from './score.js';

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

export function evaluateCorpus(model: CharLM, corpus: EncodedCorpus, direction: ScoreDirection, reset: ResetMode, options: EvalOptions = {}): EvalResult {
  if (direction === 'both') {
    const f = evaluateCorpus(model, corpus, 'forward', reset, options);
    const b = evaluateCorpus(model, corpus, 'backward', reset, options);
    return { ...f, logprobLn: (f.logprobLn + b.logprobLn) / 2, unkLogprobLn: (f.unkLogprobLn + b.unkLogprobLn) / 2 };
  }
  const totals = reset === 'none' ? streamTotals(model, corpus.ids, direction) : lineTotals(model, corpus, direction, options);
  return {
    tokens: corpus.ids.length - 1,
    chars: corpus.chars,
    lines: corpus.lines,
    unk: corpus.unk,
    logprobLn: totals.ln,
    unkLogprobLn: totals.unkLn,
  };
}

/** Every line from the zero state: on several threads for big inputs (bit-identical totals). */
function lineTotals(model: CharLM, corpus: EncodedCorpus, direction: Direction, options: EvalOptions): LogProbTotals {
  const wanted = options.threads ?? availableParallelism();
  const threads = Math.min(wanted, 1 + Math.floor(corpus.ids.length / MIN_TOKENS_PER_EXTRA_THREAD));
  const threaded = threads > 1 ? scoreLinesThreaded(model, direction, corpus.ids, corpus.lineStarts, corpus.lines, threads) : null;
  return threaded ?? lineScorerFor(model, direction).score(corpus.ids, corpus.lineStarts, corpus.lines);
}

/** Mean nats per token over a whole id stream with the state carried: the validation loss. */
export function streamNats(model: CharLM, ids: IdArray, direction: Direction): number {
  if (ids.length < 2) return NaN;
  const totals = streamTotals(model, ids, direction);
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
function streamTotals(model: CharLM, ids: IdArray, direction: Direction): LogProbTotals {
  const scorer = scorerFor(model, direction);
  scorer.reset();
  if (direction === 'forward') return scorer.logProbs(ids, null);
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
    scorer.logProbs(scratch.subarray(0, m), lps);
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
