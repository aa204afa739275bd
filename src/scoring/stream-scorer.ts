/**
 * Log-probabilities of a token stream under one direction of a model, one stream (B = 1),
 * walked in chunks with the state carried, so memory stays bounded for any length.
 * This is the single path behind validation loss, `eval --reset none` and `score`. It runs on
 * the forward-only InferenceRunner, which gives DirectionRunner's logits exactly.
 */
import type { IdArray } from '../data/ids.js';
import { hostFloats } from '../engine/engine.js';
import type { Floats } from '../engine/floats.js';
import type { CharLM } from '../model/charlm.js';
import type { Direction } from '../model/config.js';
import { InferenceRunner } from '../model/inference-runner.js';
import { PerModel } from '../model/per-model.js';
import { loadState, saveState, type HostState } from '../model/recurrent-state.js';
import { logProbAt } from '../numerics/log-softmax.js';
import { UNK_ID } from '../tokenizer/vocab.js';

/** Steps per chunk: the input projections of the layers above the first and the decoder run
 *  as one matrix product per chunk (M = 256 already runs them at the kernels' full speed). */
export const CHUNK = 256;

export interface LogProbTotals {
  /** Summed natural-log probability of the targets. */
  ln: number;
  /** Targets that were <UNK>, and the log-probability they took. */
  unkCount: number;
  unkLn: number;
}

export class StreamScorer {
  private readonly runner: InferenceRunner;
  private readonly V: number;
  /** (CHUNK x V) the last chunk's logits, read back from the engine. */
  private readonly logits: Floats;

  constructor(model: CharLM, direction: Direction) {
    this.runner = new InferenceRunner(model, direction, CHUNK);
    this.V = model.config.vocabSize;
    this.logits = hostFloats(model.engine, CHUNK * this.V);
  }

  reset(): void {
    this.runner.reset();
  }

  /** The carried state, copied out (for a stream scored a window at a time, between windows). */
  saveState(to: HostState): Promise<void> {
    return saveState(this.runner.engine, this.runner.state, to);
  }

  loadState(from: HostState): void {
    loadState(this.runner.engine, this.runner.state, from);
  }

  /**
   * For ids (n >= 1) read from the current state: writes ln P(ids[i+1] | ids[..i]) into
   * out[i] for i < n-1, and leaves the state after reading ids[0..n-2] (the last id is only a
   * target, ready to be the first input of the next call). Returns the summed log-probability
   * and how much of it fell on <UNK> targets. Any id array type will do.
   */
  async logProbs(ids: IdArray, out: Float64Array | null): Promise<LogProbTotals> {
    const { V, logits } = this;
    let total = 0;
    let unkCount = 0;
    let unkLn = 0;
    for (let start = 0; start + 1 < ids.length; start += CHUNK) {
      const T = Math.min(CHUNK, ids.length - 1 - start);
      await this.runner.engine.read(this.runner.forward(ids, start, T), logits, 0, T * V);
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

/** The scorer of a (model, direction), shared by every evaluation and score of that model. */
const sharedScorers = new PerModel((model: CharLM, direction) => new StreamScorer(model, direction));

/** Runs fn with the (model, direction) scorer, alone (see PerModel); fn resets it first. */
export function withScorer<R>(model: CharLM, direction: Direction, fn: (scorer: StreamScorer) => Promise<R>): Promise<R> {
  return sharedScorers.use(model, direction, fn);
}
