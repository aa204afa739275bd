/**
 * Alternative continuations of one direction of a model, for searches (beam search, gap
 * filling): a Branch is a snapshot of the recurrent state after reading some symbols, with
 * ln P of the next symbol. Extending a branch copies its state into a shared single-step
 * runner (one per model and direction, see PerModel), reads one id and snapshots the result, so
 * any number of branches costs only ordinary memory. Searches run synchronously from start to
 * end, so the runner needs no hand-over between them.
 *
 * The steps are InferenceRunner.step, the same as sampling's: a branch extended with the
 * greedy choice at every step reads exactly what a greedy sample reads.
 *
 * Dimension legend: V vocabulary, H hidden, L layers.
 */
import type { CharLM } from './charlm.js';
import type { Direction } from './config.js';
import { InferenceRunner } from './inference.js';
import { PerModel } from './per-model.js';
import { copyState, zeroState, type RecurrentState } from './state.js';

export interface Branch {
  /** h, c (H) per layer after reading the branch's symbols; ordinary memory. */
  readonly state: RecurrentState<Float32Array>;
  /** (V) ln P(next symbol = v). */
  readonly logprobs: Float64Array;
}

const branchRunners = new PerModel((model: CharLM, direction) => new InferenceRunner<Float32Array>(model, direction, 1));

export class Brancher {
  private readonly runner: InferenceRunner<Float32Array>;
  private readonly V: number;

  constructor(private readonly model: CharLM, direction: Direction) {
    this.runner = branchRunners.get(model, direction);
    this.V = model.config.vocabSize;
  }

  /** The branch after reading ids (at least one) from the zero state. */
  root(ids: readonly number[]): Branch {
    const runner = this.runner;
    runner.reset();
    for (let i = 0; i + 1 < ids.length; i++) runner.step(ids[i], false);
    return this.snapshot(runner.step(ids[ids.length - 1], true)!);
  }

  /** The branch after reading one more id. */
  extend(from: Branch, id: number): Branch {
    copyState(this.runner.state, from.state);
    return this.snapshot(this.runner.step(id, true)!);
  }

  private snapshot(logits: Float32Array): Branch {
    const { layers, hidden } = this.model.config;
    const state = zeroState<Float32Array>(Float32Array, layers, 1, hidden);
    copyState(state, this.runner.state);
    return { state, logprobs: logSoftmax(logits, this.V) };
  }
}

/** ln softmax of logits (V), in float64, computed stably. */
export function logSoftmax(logits: Float32Array, V: number): Float64Array {
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (logits[v] > max) max = logits[v];
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[v] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(V);
  for (let v = 0; v < V; v++) out[v] = logits[v] - lse;
  return out;
}
