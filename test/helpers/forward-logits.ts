/**
 * Logits over a whole sequence for one stream from the zero state, through the training path
 * (DirectionRunner): what the tests compare the other paths with.
 */
import type { Floats } from '../../src/engine/floats.js';
import type { CharLM } from '../../src/model/charlm.js';
import type { Direction } from '../../src/model/config.js';
import { DirectionRunner } from '../../src/model/direction-runner.js';
import { zeroState } from '../../src/model/recurrent-state.js';
import { floatsOf } from './cpu.js';

/** Logits (T x V) after each of the ids (T), run by one direction from the zero state. */
export function forwardLogits(model: CharLM, direction: Direction, ids: Int32Array): Floats {
  const T = ids.length;
  const runner = new DirectionRunner(model, direction, T, 1);
  const state = zeroState(model.engine, model.config.layers, 1, model.config.hidden);
  return floatsOf(model, runner.forward(ids, T, 1, state, null)).slice(0, T * model.config.vocabSize);
}
