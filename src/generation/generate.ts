/**
 * One entry point for `sample`: drawing (sample.ts) or, with a beam width, the most likely
 * continuation (beam.ts). Both yield characters in generation order and return how they ended;
 * a beam search also returns its log-probability. Options are checked before
 * (sample-options.ts).
 */
import type { Vocab } from '../tokenizer/vocab.js';
import type { CharLM } from '../model/charlm.js';
import { beamSearch } from './beam.js';
import { samplePieces, type SampleEnd, type SampleOptions } from './sample.js';

export interface GenerateOptions extends SampleOptions {
  /** Beam width: search for the most likely continuation instead of drawing; 0 = draw. */
  beam?: number;
}

export interface GenerateEnd extends SampleEnd {
  /** ln P of the generated symbols given the prime (beam search only). */
  logprobLn?: number;
}

/** The text of a sample, or of a beam search with a width, in pieces (sample.ts samplePieces). */
export function generate(model: CharLM, vocab: Vocab, options: GenerateOptions): AsyncGenerator<string, GenerateEnd, void> {
  return options.beam ? beamPieces(model, vocab, options) : samplePieces(model, vocab, options);
}

async function* beamPieces(model: CharLM, vocab: Vocab, options: GenerateOptions): AsyncGenerator<string, GenerateEnd, void> {
  const r = await beamSearch(model, vocab, {
    width: options.beam ?? 0,
    prime: options.prime,
    length: options.length,
    lines: options.lines,
    stop: options.stop,
    direction: options.direction,
  });
  yield r.chars.join('');
  return { stoppedBy: r.stoppedBy, symbols: r.symbols, logprobLn: r.logprobLn };
}
