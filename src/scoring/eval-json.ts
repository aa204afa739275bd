/**
 * An evaluation's figures, and the JSON `charnn eval --json` prints and the server's /v1/eval
 * returns: one place for the field names and the arithmetic.
 */
import type { EvalResult, ResetMode } from './evaluate.js';
import type { ScoreDirection } from './sentence-scorer.js';

export interface EvalFigures {
  natsPerToken: number;
  bpc: number;
  ppl: number;
  /** As SRILM's ppl without OOVs: <UNK> tokens and their probability left out (NaN when all are <UNK>). */
  pplExclUnk: number;
}

export function evalFigures(r: EvalResult): EvalFigures {
  const natsPerToken = -r.logprobLn / r.tokens;
  const known = r.tokens - r.unk;
  return {
    natsPerToken,
    bpc: natsPerToken / Math.LN2,
    ppl: Math.exp(natsPerToken),
    pplExclUnk: known > 0 ? Math.exp(-(r.logprobLn - r.unkLogprobLn) / known) : NaN,
  };
}

/** The JSON object of an evaluation; `file` leads it when the text came from a file (the CLI's). */
export function evalJson(
  r: EvalResult,
  options: { reset: ResetMode; direction: ScoreDirection; file?: string; files?: number | null },
): Record<string, unknown> {
  const f = evalFigures(r);
  return {
    ...(options.file !== undefined ? { file: options.file } : {}),
    // A folder or several files read as one text: how many files it held.
    ...(options.files !== undefined && options.files !== null ? { files: options.files } : {}),
    tokens: r.tokens,
    chars: r.chars,
    lines: r.lines,
    unk: r.unk,
    logprob_log10: r.logprobLn / Math.LN10,
    logprob_ln: r.logprobLn,
    nats_per_token: f.natsPerToken,
    bpc: f.bpc,
    ppl: f.ppl,
    ppl_excl_unk: f.pplExclUnk,
    reset: options.reset,
    direction: options.direction,
  };
}
