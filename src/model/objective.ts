/**
 * The training objective for one batch: the mean cross-entropy (nats per character) of the
 * forward language model, or for a bilstm the mean of the forward and backward models' losses
 * (each direction has its own batches, walked through its own stream order: see
 * docs/ARCHITECTURE.md, "bilstm").
 *
 * It owns one runner and one carried state per direction, so the hidden state flows from
 * batch j to batch j+1 of each stream (truncated BPTT).
 */
import type { Tensor } from '../engine/engine.js';
import type { ParamSet } from './param-set.js';
import { directionViews, type CharLM } from './charlm.js';
import type { Direction } from './config.js';
import { DirectionRunner, type DropoutSpec } from './direction-runner.js';
import { resetState, zeroState, type RecurrentState } from './recurrent-state.js';

/** One direction's batch: x and y time-major (T*B), y[t*B + b] the target after x[t*B + b]. */
export interface DirectionBatch {
  x: Int32Array;
  y: Int32Array;
}

export class Objective {
  readonly model: CharLM;
  readonly runners: DirectionRunner[];
  readonly states: RecurrentState[];

  constructor(model: CharLM, maxT: number, B: number) {
    this.model = model;
    this.runners = model.directions.map((d: Direction) => new DirectionRunner(model, d, maxT, B));
    this.states = model.directions.map(() => zeroState(model.engine, model.config.layers, B, model.config.hidden));
  }

  /** Forget the carried state (a new epoch starts every stream from its beginning). */
  reset(): void {
    for (const s of this.states) resetState(this.model.engine, s);
  }

  /**
   * Forward over one batch per direction, returning the mean loss in nats per character.
   * With grads, also backpropagates and accumulates (+=) into grads.
   *
   * When the batch is split across worker threads by streams, each share passes the whole
   * batch's stream count as totalStreams: its loss and gradients are then its part of the
   * whole batch's mean, and the shares add up to the one-thread result.
   */
  async step(
    batches: DirectionBatch[],
    T: number,
    B: number,
    dropout: DropoutSpec | null,
    grads: ParamSet<Tensor> | null,
    totalStreams = B,
  ): Promise<number> {
    const D = this.runners.length;
    const scale = 1 / (T * totalStreams * D);
    // The losses are awaited after every backward is recorded: an engine that computes
    // elsewhere (a GPU) runs the forward pass while the backward pass is being recorded.
    const losses: Promise<number>[] = [];
    for (let d = 0; d < D; d++) {
      const runner = this.runners[d];
      runner.forward(batches[d].x, T, B, this.states[d], dropout);
      const loss = runner.loss(batches[d].y, grads !== null, scale);
      loss.catch(() => undefined); // awaited below: a failure is reported there, once
      losses.push(loss);
      if (grads) runner.backward(directionViews(grads, this.model.config, runner.direction));
    }
    let total = 0;
    for (const loss of losses) total += await loss;
    return total * scale;
  }
}
