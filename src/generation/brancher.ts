/**
 * Alternative continuations of one direction of a model, for searches (beam search, gap
 * filling): a Branch is a snapshot of the recurrent state after reading some symbols, with
 * ln P of the next symbol. Extending a branch loads its state into the shared single-step
 * runner (one per model and direction, see PerModel), reads one id and snapshots the result, so
 * any number of branches costs only ordinary memory. A search holds the runner from start to
 * end (withBrancher).
 *
 * The steps are InferenceRunner.step, the same as sampling's: a branch extended with the
 * greedy choice at every step reads exactly what a greedy sample reads.
 *
 * Dimension legend: V vocabulary, H hidden, L layers.
 */
import { hostFloats } from '../engine/engine.js';
import type { Floats } from '../engine/floats.js';
import type { CharLM } from '../model/charlm.js';
import type { Direction } from '../model/config.js';
import { InferenceRunner } from '../model/inference-runner.js';
import { PerModel } from '../model/per-model.js';
import { loadState, saveState, zeroHostState, type HostState } from '../model/recurrent-state.js';
import { logSoftmaxRow } from '../numerics/log-softmax.js';

export interface Branch {
  /** h, c (H) per layer after reading the branch's symbols; ordinary memory. */
  readonly state: HostState;
  /** (V) ln P(next symbol = v). */
  readonly logprobs: Float64Array;
}

export class Brancher {
  private readonly runner: InferenceRunner;
  private readonly V: number;
  private readonly logits: Floats; // (V) read back from the engine

  constructor(
    private readonly model: CharLM,
    direction: Direction,
  ) {
    this.runner = new InferenceRunner(model, direction, 1);
    this.V = model.config.vocabSize;
    this.logits = hostFloats(model.engine, this.V);
  }

  /** The branch after reading ids (at least one) from the zero state. */
  async root(ids: readonly number[]): Promise<Branch> {
    const runner = this.runner;
    runner.reset();
    for (let i = 0; i + 1 < ids.length; i++) runner.step(ids[i], false);
    runner.step(ids[ids.length - 1], true);
    return this.snapshot();
  }

  /** The branch after reading one more id. */
  async extend(from: Branch, id: number): Promise<Branch> {
    loadState(this.runner.engine, this.runner.state, from.state);
    this.runner.step(id, true);
    return this.snapshot();
  }

  private async snapshot(): Promise<Branch> {
    const { layers, hidden } = this.model.config;
    const state = zeroHostState(this.model.engine, layers, 1, hidden);
    await saveState(this.runner.engine, this.runner.state, state);
    await this.runner.engine.read(this.runner.logits, this.logits, 0, this.V);
    const logprobs = new Float64Array(this.V);
    logSoftmaxRow(this.logits, 0, this.V, logprobs, 0);
    return { state, logprobs };
  }
}

const branchers = new PerModel((model: CharLM, direction) => new Brancher(model, direction));

/** Runs a search with the (model, direction) brancher, alone (see PerModel). */
export function withBrancher<R>(model: CharLM, direction: Direction, search: (brancher: Brancher) => Promise<R>): Promise<R> {
  return branchers.use(model, direction, search);
}
