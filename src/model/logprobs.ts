/**
 * Log-probabilities of a token stream under one direction of a model, one stream (B = 1),
 * walked in chunks with the state carried, so memory stays bounded for any length.
 * This is the single path behind validation loss, `eval --reset none` and `score`. It runs on
 * the forward-only InferenceRunner (inference.ts), which gives DirectionRunner's logits exactly.
 */
import type { Floats } from '../tensor/types.js';
import type { CharLM } from './charlm.js';
import type { Direction } from './config.js';
import { InferenceRunner } from './inference.js';
import type { RecurrentState } from './state.js';
import { UNK_ID } from '../tokenizer/vocab.js';
import { PerModel } from './per-model.js';
import type { IdArray } from '../data/ids.js';

/** Steps per chunk: the input projections of the layers above the first and the decoder run
 *  as one matrix product per chunk (M = 256 already runs them at the kernels' full speed). */
export const CHUNK = 256;

export class StreamScorer<F extends Floats = Float32Array> {
  private readonly runner: InferenceRunner<F>;
  /** The carried state (B = 1), the runner's own. */
  readonly state: RecurrentState<F>;
  private readonly V: number;

  constructor(model: CharLM<F>, direction: Direction) {
    this.runner = new InferenceRunner<F>(model, direction, CHUNK);
    this.state = this.runner.state;
    this.V = model.config.vocabSize;
  }

  reset(): void {
    this.runner.reset();
  }

  /**
   * For ids (n >= 1) read from the current state: writes ln P(ids[i+1] | ids[..i]) into
   * out[i] for i < n-1, and leaves the state after reading ids[0..n-2] (the last id is only a
   * target, ready to be the first input of the next call). Returns the summed log-probability
   * and how much of it fell on <UNK> targets. Any id array type will do.
   */
  logProbs(ids: IdArray, out: Float64Array | null): LogProbTotals {
    const V = this.V;
    let total = 0;
    let unkCount = 0;
    let unkLn = 0;
    for (let start = 0; start + 1 < ids.length; start += CHUNK) {
      const T = Math.min(CHUNK, ids.length - 1 - start);
      const logits = this.runner.forward(ids, start, T);
      for (let t = 0; t < T; t++) {
        const target = ids[start + t + 1];
        const lp = logProbAt(logits, t * V, V, target);
        total += lp;
        if (target === UNK_ID) {
          unkCount++;
          unkLn += lp;
        }
        if (out) out[start + t] = lp;
      }
    }
    return { ln: total, unkCount, unkLn };
  }
}

export interface LogProbTotals {
  /** Summed natural-log probability of the targets. */
  ln: number;
  /** Targets that were <UNK>, and the log-probability they took. */
  unkCount: number;
  unkLn: number;
}

/**
 * The scorer of a (model, direction), shared by every evaluation and score of that model
 * (see PerModel). Callers reset it and use it synchronously.
 */
const sharedScorers = new PerModel((model: CharLM<Floats>, direction) => new StreamScorer<Floats>(model, direction));

export function scorerFor<F extends Floats>(model: CharLM<F>, direction: Direction): StreamScorer<F> {
  return sharedScorers.get(model as CharLM<Floats>, direction) as StreamScorer<F>;
}

/** ln softmax(logits[o .. o+V))[target], computed stably. */
export function logProbAt(logits: Floats, o: number, V: number, target: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (logits[o + v] > max) max = logits[o + v];
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[o + v] - max);
  return logits[o + target] - max - Math.log(sum);
}
