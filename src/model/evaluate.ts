/**
 * Corpus evaluation: total log-probability of an encoded text ([EOS, line1, EOS, line2, EOS...])
 * under one direction, or the mean of both for a bilstm.
 *   reset 'none': one stream through the whole text, the state carried (as validation in training);
 *   reset 'line': every line scored on its own from the zero state (the sum of `score` over lines).
 */
import type { EncodedCorpus } from '../data/corpus.js';
import type { CharLM } from './charlm.js';
import type { Direction } from './config.js';
import { scorerFor, type LogProbTotals, type StreamScorer } from './logprobs.js';
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

export function evaluateCorpus(model: CharLM, corpus: EncodedCorpus, direction: ScoreDirection, reset: ResetMode): EvalResult {
  if (direction === 'both') {
    const f = evaluateCorpus(model, corpus, 'forward', reset);
    const b = evaluateCorpus(model, corpus, 'backward', reset);
    return { ...f, logprobLn: (f.logprobLn + b.logprobLn) / 2, unkLogprobLn: (f.unkLogprobLn + b.unkLogprobLn) / 2 };
  }
  const scorer = scorerFor(model, direction);
  const totals = reset === 'none' ? streamTotals(scorer, corpus.ids, direction) : lineTotals(scorer, corpus, direction);
  return {
    tokens: corpus.ids.length - 1,
    chars: corpus.chars,
    lines: corpus.lines,
    unk: corpus.unk,
    logprobLn: totals.ln,
    unkLogprobLn: totals.unkLn,
  };
}

/** Mean nats per token over a whole id stream with the state carried: the validation loss. */
export function streamNats(model: CharLM, ids: Int32Array, direction: Direction): number {
  if (ids.length < 2) return NaN;
  const totals = streamTotals(scorerFor(model, direction), ids, direction);
  return -totals.ln / (ids.length - 1);
}

function streamTotals(scorer: StreamScorer, ids: Int32Array, direction: Direction): LogProbTotals {
  scorer.reset();
  return scorer.logProbs(direction === 'forward' ? ids : ids.slice().reverse(), null);
}

function lineTotals(scorer: StreamScorer, corpus: EncodedCorpus, direction: Direction): LogProbTotals {
  const sum: LogProbTotals = { ln: 0, unkCount: 0, unkLn: 0 };
  for (let i = 0; i < corpus.lines; i++) {
    // Line i with its frame: the <EOS> before it through its own <EOS>.
    const segment = corpus.ids.subarray(corpus.lineStarts[i] - 1, corpus.lineStarts[i + 1]);
    scorer.reset();
    const t = scorer.logProbs(direction === 'forward' ? segment : segment.slice().reverse(), null);
    sum.ln += t.ln;
    sum.unkCount += t.unkCount;
    sum.unkLn += t.unkLn;
  }
  return sum;
}
