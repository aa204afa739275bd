/**
 * One entry point for `sample`: drawing (sample.ts) or, with a beam width, the most likely
 * continuation (beam.ts). Both yield characters in generation order and return how they ended;
 * a beam search also returns its log-probability. Options are checked here.
 */
import { UsageError } from '../errors.js';
import type { Vocab } from '../tokenizer/vocab.js';
import type { CharLM } from '../model/charlm.js';
import { beamSearch } from './beam.js';
import { checkSampleOptions, checkStopOptions, sampleText, type SampleEnd, type SampleOptions } from './sample.js';

export interface GenerateOptions extends SampleOptions {
  /** Beam width: search for the most likely continuation instead of drawing; 0 = draw. */
  beam?: number;
}

export interface GenerateEnd extends SampleEnd {
  /** ln P of the generated symbols given the prime (beam search only). */
  logprobLn?: number;
}

export const MAX_BEAM = 256;

export function checkGenerateOptions(o: GenerateOptions): void {
  const beam = o.beam ?? 0;
  if (!Number.isInteger(beam) || beam < 0 || beam > MAX_BEAM)
    throw new UsageError(`--beam must be an integer from 1 to ${MAX_BEAM}, got ${beam}`);
  if (beam > 0) checkStopOptions(o);
  else checkSampleOptions(o);
}

export async function* generate(model: CharLM, vocab: Vocab, options: GenerateOptions): AsyncGenerator<string, GenerateEnd, void> {
  if (!options.beam) return yield* sampleText(model, vocab, options);
  const r = await beamSearch(model, vocab, {
    width: options.beam,
    prime: options.prime,
    length: options.length,
    lines: options.lines,
    stop: options.stop,
    direction: options.direction,
  });
  yield* r.chars;
  return { stoppedBy: r.stoppedBy, symbols: r.symbols, logprobLn: r.logprobLn };
}
