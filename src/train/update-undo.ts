/**
 * Divergence recovery's memory (see the training loop): the parameters and optimizer state before
 * the latest update, to undo it if it broke the weights.
 */
import type { Engine, Tensor } from '../engine/engine.js';
import type { Optimizer } from './optimizer.js';

/** The parameters and optimizer state before the latest update, to undo it if it broke the
 *  weights (a copy of P floats per buffer per step, in the engine: a small part of a step). */
export class UpdateUndo {
  private readonly params: Tensor;
  private readonly moments: Tensor[];
  private readonly size: number;
  private steps = 0;

  constructor(
    private readonly engine: Engine,
    size: number,
    moments: number,
  ) {
    this.size = size;
    this.params = engine.zeros(size);
    this.moments = Array.from({ length: moments }, () => engine.zeros(size));
  }

  save(params: Tensor, optimizer: Optimizer): void {
    this.engine.copy(this.params, params, this.size);
    this.moments.forEach((m, i) => this.engine.copy(m, optimizer.moments[i], this.size));
    this.steps = optimizer.steps;
  }

  /** Undoes the latest update; false when there was none since the last save. */
  restore(params: Tensor, optimizer: Optimizer): boolean {
    if (optimizer.steps === this.steps) return false;
    this.engine.copy(params, this.params, this.size);
    this.moments.forEach((m, i) => this.engine.copy(optimizer.moments[i], m, this.size));
    optimizer.steps = this.steps;
    return true;
  }
}
