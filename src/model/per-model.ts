/**
 * Buffers kept per (model, direction): runners and scorers are made once per model and reused
 * by every later call (engine memory is not garbage-collected, so a runner per call would grow
 * it); they go away with the model. Calls are async (reads from the engine are), so two calls
 * on one model may be in progress at once: each use of a shared value runs alone, in call order,
 * and what a caller must carry from one use to the next (a stream's state) it keeps itself.
 */
import type { Direction } from './config.js';

interface Slot<V> {
  value: V;
  /** Settles when the last use queued so far has ended. */
  tail: Promise<void>;
}

export class PerModel<M extends object, V> {
  private readonly byModel = new WeakMap<M, Map<Direction, Slot<V>>>();

  constructor(private readonly make: (model: M, direction: Direction) => V) {}

  /** Runs fn with the (model, direction) value once every earlier use of it has ended. */
  use<R>(model: M, direction: Direction, fn: (value: V) => Promise<R> | R): Promise<R> {
    const s = this.slot(model, direction);
    const result = s.tail.then(() => fn(s.value));
    s.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  /**
   * The value itself, for a caller that uses it synchronously from start to end (no await in
   * between: nobody else can come in) and only while no async use can be pending, as on the CPU
   * engines, where every use of these values is synchronous but for its reads.
   */
  now(model: M, direction: Direction): V {
    return this.slot(model, direction).value;
  }

  private slot(model: M, direction: Direction): Slot<V> {
    let byDirection = this.byModel.get(model);
    if (!byDirection) this.byModel.set(model, (byDirection = new Map()));
    let slot = byDirection.get(direction);
    if (slot === undefined) byDirection.set(direction, (slot = { value: this.make(model, direction), tail: Promise.resolve() }));
    return slot;
  }
}
