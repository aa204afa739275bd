/**
 * A sample as JSON, as `charnn sample --json` prints it and the server's /v1/sample returns it:
 * one place for the field names.
 */
import type { GenerateEnd } from './generate.js';

export interface SampleJsonOptions {
  /** The beam width, or null when sampling (then `temperature` is shown). */
  beam: number | null;
  temperature: number;
}

/** `text` is the whole sample, the prime included. */
export function sampleJson(
  index: number,
  seed: number,
  text: string,
  end: GenerateEnd,
  options: SampleJsonOptions,
): Record<string, unknown> {
  const out: Record<string, unknown> = { index, seed };
  if (options.beam !== null) out.beam = options.beam;
  else out.temperature = options.temperature;
  out.text = text;
  out.stopped_by = end.stoppedBy;
  out.symbols = end.symbols;
  if (end.logprobLn !== undefined) {
    out.logprob_ln = end.logprobLn;
    out.logprob_log10 = end.logprobLn / Math.LN10;
  }
  return out;
}
