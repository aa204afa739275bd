/**
 * What the training thread and its gradient workers share. Each step the main thread writes the
 * parameters and the whole batch into shared memory and bumps the command counter; every
 * worker wakes (Atomics.wait), copies the parameters into its own engine memory, runs forward
 * and backward on its shard of streams, writes its gradients and partial loss, and marks the
 * step done. Nothing is sent through postMessage per step, so a step costs two futex wake-ups
 * and a few copies of the parameter vector.
 *
 * Legend: P parameters, D directions (2 for bilstm), T steps, B streams of the whole batch.
 */
import type { ModelConfig } from '../../model/config.js';
import type { Engine } from '../../tensor/backend.js';
import type { Shard } from './shards.js';

/** Slots of the shared Int32 control array. */
export const CTRL = {
  /** Incremented by the main thread for every command; workers wait on it. */
  command: 0,
  /** STEP, EXIT, SAVE_STATE or LOAD_STATE. */
  kind: 1,
  /** 1 when the carried state must be zeroed before this step (a new epoch). */
  reset: 2,
  /** 1 when dropout is on for this step, and its seed (uint32 bits). */
  dropoutOn: 3,
  dropoutSeed: 4,
  /** Steps in this batch. */
  T: 5,
  /** First per-worker slot; worker w uses WORKER_BASE + 2w (done counter) and + 2w + 1 (status). */
  workerBase: 8,
} as const;

export const KIND_STEP = 1;
export const KIND_EXIT = 2;
/** Copy the worker's carried state into the shared state buffer / from it into the worker. */
export const KIND_SAVE_STATE = 3;
export const KIND_LOAD_STATE = 4;
export const STATUS_OK = 0;
export const STATUS_FAILED = 1;

export function doneSlot(worker: number): number {
  return CTRL.workerBase + 2 * worker;
}

export function statusSlot(worker: number): number {
  return CTRL.workerBase + 2 * worker + 1;
}

/** Everything a worker needs, sent once as workerData. */
export interface WorkerSetup {
  index: number;
  engine: Engine;
  config: ModelConfig;
  dropout: number;
  /** Largest T and the whole batch's B. */
  maxT: number;
  B: number;
  shard: Shard;
  control: SharedArrayBuffer; // Int32 slots, see CTRL
  params: SharedArrayBuffer; // Float32 (P)
  grads: SharedArrayBuffer; // Float32 (P) from byte gradsOffset: this worker's gradients (in the
  gradsOffset: number; // main thread's wasm memory when the engine is wasm, so the sum runs there)
  loss: SharedArrayBuffer; // Float64 (1), this worker's share of the mean loss
  error: SharedArrayBuffer; // Uint8 (ERROR_TEXT_BYTES): UTF-8 message of a failed step, NUL-padded
  batch: SharedArrayBuffer; // Int32 (D x 2 x maxT*B): per direction x then y, time-major
  state: SharedArrayBuffer; // Float32 (carriedStateSize): the whole batch's carried state, for checkpoints
}

export function controlSlots(workers: number): number {
  return CTRL.workerBase + 2 * workers;
}

/** Room for a failed step's message: read synchronously by the blocked main thread, which
 *  cannot receive postMessage until the step returns. */
export const ERROR_TEXT_BYTES = 1024;

export function writeErrorText(buffer: Uint8Array, message: string): void {
  buffer.fill(0);
  const { written } = new TextEncoder().encodeInto(message, buffer.subarray(0, buffer.length - 1));
  buffer[written] = 0;
}

export function readErrorText(buffer: Uint8Array): string {
  const end = buffer.indexOf(0);
  // TextDecoder does not accept views on shared memory: copy the bytes out first.
  return new TextDecoder().decode(buffer.slice(0, end < 0 ? buffer.length : end)) || 'unknown error';
}
