/**
 * Sentence probability (docs/ARCHITECTURE.md, "What a score is"): a sentence is scored from the zero state with
 * <EOS> as the first input, predicting every character and then <EOS>, so P is a proper
 * distribution over all finite strings. The backward model reads the sentence reversed:
 * it predicts the last character first and the sentence start (<EOS>) last.
 */
import { EOS_ID, UNK_ID, type Vocab } from '../tokenizer/vocab.js';
import type { CharLM } from '../model/charlm.js';
import type { Direction } from '../model/config.js';
import { withScorer } from './stream-scorer.js';

/** `both` is the mean of the two directions' log-probabilities (a bilstm only). */
export type ScoreDirection = Direction | 'both';

export interface SentenceScore {
  text: string;
  /** Natural-log probability of the sentence, <EOS> included. */
  logprobLn: number;
  /** Code points in the sentence. */
  chars: number;
  /** Predicted tokens: chars + 1 (<EOS>). */
  tokens: number;
  /** Characters not in the vocabulary (scored as <UNK>). */
  unk: number;
  /** Natural-log probability spent on <UNK> tokens (for perplexity excluding them). */
  unkLogprobLn: number;
  /** ln P of each token in reading order: the characters, then <EOS>. */
  perToken: Float64Array;
  /** The symbols predicted, in reading order: the characters, then '<EOS>'. */
  symbols: string[];
}

/** Scores sentences with one model (its buffers are shared per model and direction). */
export class SentenceScorer {
  constructor(
    readonly model: CharLM,
    readonly vocab: Vocab,
  ) {}

  async score(text: string, direction: ScoreDirection): Promise<SentenceScore> {
    if (direction === 'both') {
      const f = await this.score(text, 'forward');
      const b = await this.score(text, 'backward');
      const perToken = f.perToken.map((x, i) => (x + b.perToken[i]) / 2);
      return result(text, (f.logprobLn + b.logprobLn) / 2, f.chars, f.unk, (f.unkLogprobLn + b.unkLogprobLn) / 2, perToken);
    }
    const chars = this.vocab.encodeLine(text);
    const n = chars.length;
    const ids = sentenceIds(chars, direction);
    const perToken = new Float64Array(n + 1);
    const logprobLn = await withScorer(this.model, direction, async (scorer) => {
      scorer.reset();
      return (await scorer.logProbs(ids, perToken)).ln;
    });
    // Per-token values in reading order whatever the direction: chars, then <EOS> (the
    // backward model predicted the characters last to first, then the sentence start).
    if (direction === 'backward') perToken.subarray(0, n).reverse();
    let unk = 0;
    let unkLogprobLn = 0;
    for (let i = 0; i < n; i++) {
      if (chars[i] === UNK_ID) {
        unk++;
        unkLogprobLn += perToken[i];
      }
    }
    return result(text, logprobLn, n, unk, unkLogprobLn, perToken);
  }
}

/** The ids a direction reads for a sentence: [<EOS>, c1..cn, <EOS>], reversed for backward. */
export function sentenceIds(chars: Int32Array, direction: Direction): Int32Array {
  const n = chars.length;
  const ids = new Int32Array(n + 2);
  ids[0] = EOS_ID;
  ids[n + 1] = EOS_ID;
  for (let i = 0; i < n; i++) ids[direction === 'forward' ? i + 1 : n - i] = chars[i];
  return ids;
}

/** A score; `symbols` is made when first read (an array per character is the biggest part of a long sentence's score). */
function result(text: string, logprobLn: number, chars: number, unk: number, unkLogprobLn: number, perToken: Float64Array): SentenceScore {
  let symbols: string[] | null = null;
  return {
    text,
    logprobLn,
    chars,
    tokens: chars + 1,
    unk,
    unkLogprobLn,
    perToken,
    get symbols() {
      symbols ??= [...text, '<EOS>'];
      return symbols;
    },
  };
}
