/**
 * The model's whole next-symbol distribution at every position of a sentence (what `score
 * --top` shows): ln softmax of the logits, framed as SentenceScorer frames the sentence (zero
 * state, <EOS> first; the backward model reads it reversed), on the same runner path with the
 * same chunks and the same log-softmax, so row i at the symbol scored there is exactly
 * SentenceScorer's perToken[i].
 *
 * Legend: n characters, n + 1 positions (the characters, then <EOS>), V vocabulary.
 */
import { hostFloats } from '../engine/engine.js';
import type { CharLM } from '../model/charlm.js';
import type { Direction } from '../model/config.js';
import { InferenceRunner } from '../model/inference-runner.js';
import { PerModel } from '../model/per-model.js';
import { logSoftmaxRow } from '../numerics/log-softmax.js';
import type { Vocab } from '../tokenizer/vocab.js';
import { sentenceIds } from './sentence-scorer.js';
import { CHUNK } from './stream-scorer.js';

export interface SentenceDistributions {
  V: number;
  /** ((n+1) x V) ln P(symbol v at position i | its context), rows in reading order. */
  logProbs: Float64Array;
  /** (n+1) the id at each position, reading order: the characters' ids (<UNK> for unknown ones), then <EOS>. */
  targets: Int32Array;
}

/** One runner (and its logits read back) per (model, direction), reused by every call. */
const runners = new PerModel((model: CharLM, direction) => ({
  runner: new InferenceRunner(model, direction, CHUNK),
  logits: hostFloats(model.engine, CHUNK * model.config.vocabSize),
}));

export function sentenceDistributions(model: CharLM, vocab: Vocab, text: string, direction: Direction): Promise<SentenceDistributions> {
  const V = model.config.vocabSize;
  const chars = vocab.encodeLine(text);
  const n = chars.length;
  const ids = sentenceIds(chars, direction);
  const logProbs = new Float64Array((n + 1) * V);
  const targets = new Int32Array(n + 1);
  // Prediction k (of ids[k+1]) is reading position k forward; backward, position n-1-k for the
  // characters and n for the closing <EOS>.
  const rowOf = (k: number) => (direction === 'forward' || k === n ? k : n - 1 - k);
  return runners.use(model, direction, async ({ runner, logits }) => {
    runner.reset();
    for (let start = 0; start + 1 < ids.length; start += CHUNK) {
      const T = Math.min(CHUNK, ids.length - 1 - start);
      await model.engine.read(runner.forward(ids, start, T), logits, 0, T * V);
      for (let t = 0; t < T; t++) {
        const row = rowOf(start + t);
        logSoftmaxRow(logits, t * V, V, logProbs, row * V);
        targets[row] = ids[start + t + 1];
      }
    }
    return { V, logProbs, targets };
  });
}

/** The k most likely symbols at a position, most likely first (ties: the lower id first). */
export function topSymbols(d: SentenceDistributions, position: number, k: number): { id: number; logprobLn: number }[] {
  const row = d.logProbs.subarray(position * d.V, (position + 1) * d.V);
  const order = Array.from({ length: d.V }, (_, v) => v).sort((a, b) => row[b] - row[a] || a - b);
  return order.slice(0, Math.max(0, k)).map((id) => ({ id, logprobLn: row[id] }));
}
