/**
 * Buffers kept per (model, direction). Engine memory is not garbage-collected, so runners and
 * scorers are made once per model and reused by every later call; they go away with the model.
 */
import type { Direction } from './config.js';

export class PerModel<M extends object, V> {
  private readonly byModel = new WeakMap<M, Map<Direction, V>>();

  constructor(private readonly make: (model: M, direction: Direction) => V) {}

  get(model: M, direction: Direction): V {
    let byDirection = this.byModel.get(model);
    if (!byDirection) this.byModel.set(model, (byDirection = new Map()));
    let value = byDirection.get(direction);
    if (value === undefined) byDirection.set(direction, (value = this.make(model, direction)));
    return value;
  }
}
