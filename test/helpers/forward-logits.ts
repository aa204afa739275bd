/**
 * Inference entry points over whole sequences, for one stream from the zero state.
 */
import type { Floats, FloatCtor } from '../tensor/types.js';
import type { CharLM } from './charlm.js';
import type { Direction } from './config.js';
import { DirectionRunner } from './runner.js';
import { zeroState } from './state.js';

/** Logits (T x V) after each of the ids (T), run by one direction from the zero state. */
export function forwardLogits<F extends Floats>(model: CharLM<F>, direction: Direction, ids: Int32Array): F {
  const ctor = model.params.data.constructor as FloatCtor;
  const T = ids.length;
  const runner = new DirectionRunner<F>(model, direction, T, 1, ctor);
  const state = zeroState<F>(ctor, model.config.layers, 1, model.config.hidden);
  return runner.forward(ids, T, 1, state, null).slice(0, T * model.config.vocabSize) as F;
}
