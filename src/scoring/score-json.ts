/**
 * A sentence's score as JSON, exactly as `charnn score --json` prints it and the server's
 * /v1/score returns it: one place for the field names and the arithmetic, so both give the same bits.
 */
import type { ScoreDirection, SentenceScore } from './sentence-scorer.js';

/** The most likely symbols at each position ('<EOS>' and '<UNK>' by name), for `detail[i].top`. */
export type PositionAlternatives = { symbol: string; logprobLn: number }[][];

export interface ScoreJsonOptions {
  direction: ScoreDirection;
  /** A per-character breakdown (`detail`); implied by `top`. */
  detail: boolean;
}

export function scoreJson(s: SentenceScore, options: ScoreJsonOptions, top: PositionAlternatives | null): Record<string, unknown> {
  const bits = -s.logprobLn / Math.LN2;
  const out: Record<string, unknown> = {
    text: s.text,
    logprob_log10: s.logprobLn / Math.LN10,
    logprob_ln: s.logprobLn,
    bits,
    chars: s.chars,
    tokens: s.tokens,
    unk: s.unk,
    ppl: Math.exp(-s.logprobLn / s.tokens),
    bpc: bits / s.tokens,
  };
  if (options.direction !== 'forward') out.direction = options.direction === 'both' ? 'mean of forward and backward' : 'backward';
  if (options.detail || top) {
    out.detail = s.symbols.map((symbol, i) => {
      const d: Record<string, unknown> = { symbol, logprob_ln: s.perToken[i], bits: -s.perToken[i] / Math.LN2 };
      if (top) d.top = top[i].map((t) => ({ symbol: t.symbol, prob: Math.exp(t.logprobLn), logprob_ln: t.logprobLn }));
      return d;
    });
  }
  return out;
}
