/**
 * Gap-filling candidates as JSON, as `charnn fill --json` prints them and the server's /v1/fill
 * returns them: one place for the field names.
 */
import type { FillCandidate, FillResult } from './fill.js';

const log10 = (ln: number) => ln / Math.LN10;

export function fillJson(r: FillResult): Record<string, unknown> {
  return {
    text: r.template,
    ranking: r.directions.length === 2 ? 'mean of forward and backward' : 'forward',
    candidates: r.candidates.map((c: FillCandidate) => ({
      text: c.text,
      fills: c.fills,
      logprob_log10: log10(c.logprobLn),
      logprob_ln: c.logprobLn,
      forward_logprob_log10: log10(c.forwardLogprobLn),
      forward_logprob_ln: c.forwardLogprobLn,
      backward_logprob_log10: c.backwardLogprobLn === null ? null : log10(c.backwardLogprobLn),
      backward_logprob_ln: c.backwardLogprobLn,
    })),
  };
}
