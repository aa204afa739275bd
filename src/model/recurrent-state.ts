/**
 * The recurrent state carried between chunks (truncated BPTT, streaming evaluation, sampling):
 * per layer h (B x H) and, for an lstm, c (B x H), in an engine's memory. Carrying it is copying
 * values: no gradient flows back across a chunk boundary. A HostState is a copy of one in
 * ordinary memory (a sampling session's while another holds the runner, a search branch's).
 */
import { hostFloats, type CpuEngine, type Engine, type Tensor } from '../engine/engine.js';
import type { Floats } from '../engine/floats.js';

export interface RecurrentState {
  B: number;
  h: Tensor[]; // per layer (B x H)
  c: Tensor[]; // per layer (B x H); zeros and unused for rnn and gru
}

export function zeroState(engine: Engine, layers: number, B: number, H: number): RecurrentState {
  const make = () => engine.zeros(B * H);
  return { B, h: Array.from({ length: layers }, make), c: Array.from({ length: layers }, make) };
}

export function resetState(engine: Engine, state: RecurrentState): void {
  for (const x of state.h) engine.fill(x, 0);
  for (const x of state.c) engine.fill(x, 0);
}

/** A recurrent state's values in host memory. */
export interface HostState {
  h: Floats[];
  c: Floats[];
}

/** A zero state in host memory, in the engine's precision. */
export function zeroHostState(engine: Engine, layers: number, B: number, H: number): HostState {
  const make = () => hostFloats(engine, B * H);
  return { h: Array.from({ length: layers }, make), c: Array.from({ length: layers }, make) };
}

/** Copies an engine state into host memory. */
export async function saveState(engine: Engine, from: RecurrentState, to: HostState): Promise<void> {
  for (let k = 0; k < to.h.length; k++) {
    await engine.read(from.h[k], to.h[k]);
    await engine.read(from.c[k], to.c[k]);
  }
}

/** saveState on a CPU engine, at once. */
export function copyStateOut(engine: CpuEngine, from: RecurrentState, to: HostState): void {
  for (let k = 0; k < to.h.length; k++) {
    to.h[k].set(engine.floatsOf(from.h[k]).subarray(0, to.h[k].length));
    to.c[k].set(engine.floatsOf(from.c[k]).subarray(0, to.c[k].length));
  }
}

/** Sets an engine state from host memory. */
export function loadState(engine: Engine, to: RecurrentState, from: HostState): void {
  for (let k = 0; k < from.h.length; k++) {
    engine.write(to.h[k], from.h[k]);
    engine.write(to.c[k], from.c[k]);
  }
}
