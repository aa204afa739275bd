/**
 * A sample's text gathered from its generator (generate.ts) for a service: each piece handed on
 * as it comes (to be streamed), and the cancel flag looked at between pieces, so a client that
 * has gone away stops the generation within a piece (at most 64 characters on a CPU engine).
 */
import type { CharLM } from '../model/charlm.js';
import { generate, type GenerateEnd, type GenerateOptions } from '../generation/generate.js';
import type { Vocab } from '../tokenizer/vocab.js';
import { RequestError } from './request-error.js';

/** What a job is told by whoever runs it. */
export interface JobHooks {
  /** Text as it is made, for streaming: `index` is the sample's (or choice's) number. */
  text?(index: number, text: string): void;
  /** True once the request is to stop (its client went away, its time is up). */
  cancelled(): boolean;
}

export function cancelledError(): RequestError {
  return new RequestError(499, 'cancelled', 'the request was cancelled');
}

/**
 * The generated text (without the prime) in reading order, and how it ended. Forward samples
 * are handed to `onPiece` as generated; a backward one (generated right to left) is not.
 */
export async function generatedText(
  model: CharLM,
  vocab: Vocab,
  options: GenerateOptions,
  hooks: JobHooks,
  onPiece: ((piece: string) => void) | null,
): Promise<{ text: string; end: GenerateEnd }> {
  const backward = options.direction === 'backward';
  const parts: string[] = [];
  const pieces = generate(model, vocab, options);
  for (;;) {
    if (hooks.cancelled()) {
      await pieces.return(undefined as never); // releases the model's runner (the generator's finally)
      throw cancelledError();
    }
    const r = await pieces.next();
    if (r.done) return { text: (backward ? parts.reverse() : parts).join(''), end: r.value };
    if (backward) parts.push(Array.from(r.value).reverse().join(''));
    else {
      parts.push(r.value);
      if (onPiece && r.value.length > 0) onPiece(r.value);
    }
  }
}
