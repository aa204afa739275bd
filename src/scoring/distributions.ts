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
import { primeContext } from '../generation/sample.js';
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
  const chars = vocab.encodeLine(text);
  const n = chars.length;
  // Prediction k (of ids[k+1]) is reading position k forward; backward, position n-1-k for the
  // characters and n for the closing <EOS>.
  return distributionsOf(model, direction, sentenceIds(chars, direction), (k) => (direction === 'forward' || k === n ? k : n - 1 - k));
}

/**
 * The forward model's distributions over a text of any number of lines read as one stream, as
 * `sample` reads its prime: from the zero state, <EOS> first, each line end an <EOS>, the state
 * carried across lines. Position i predicts the i-th symbol of the text (a line end is <EOS>);
 * nothing is predicted after the last one. For one line this is sentenceDistributions without
 * its closing <EOS>, bit for bit.
 */
export function textDistributions(model: CharLM, vocab: Vocab, text: string): Promise<SentenceDistributions> {
  return distributionsOf(model, 'forward', Int32Array.from(primeContext(vocab, text, 'forward')), (k) => k);
}

/** Row rowOf(k) is ln softmax of the logits after reading ids[0..k], with target ids[k+1]. */
function distributionsOf(
  model: CharLM,
  direction: Direction,
  ids: Int32Array,
  rowOf: (k: number) => number,
): Promise<SentenceDistributions> {
  const V = model.config.vocabSize;
  const positions = ids.length - 1;
  const logProbs = new Float64Array(positions * V);
  const targets = new Int32Array(positions);
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

/** For each position of a sentence: the k symbols the model found most likely there
 *  ('<EOS>' and '<UNK>' by name), as `score --top` shows them. */
export async function positionAlternatives(
  model: CharLM,
  vocab: Vocab,
  text: string,
  direction: Direction,
  k: number,
): Promise<{ symbol: string; logprobLn: number }[][]> {
  const d = await sentenceDistributions(model, vocab, text, direction);
  return Array.from(d.targets, (_, i) => topSymbols(d, i, k).map((t) => ({ symbol: vocab.symbolOf(t.id), logprobLn: t.logprobLn })));
}

/** The k most likely symbols at a position, most likely first (ties: the lower id first). */
export function topSymbols(d: SentenceDistributions, position: number, k: number): { id: number; logprobLn: number }[] {
  const row = d.logProbs.subarray(position * d.V, (position + 1) * d.V);
  const order = Array.from({ length: d.V }, (_, v) => v).sort((a, b) => row[b] - row[a] || a - b);
  return order.slice(0, Math.max(0, k)).map((id) => ({ id, logprobLn: row[id] }));
}
