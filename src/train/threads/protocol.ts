/**
 * What the training thread and its gradient workers share. Each step the main thread writes the
 * parameters and the whole batch into shared memory, opens the step's round of chunks
 * (util/round-counter.ts) and bumps the command counter; every thread, the main one included,
 * then takes chunks of streams (shards.ts planChunks) until none are left, runs forward and
 * backward on each (chunk-runner.ts) and counts it done. The carried state of every stream lives
 * in shared memory, so any thread can run any chunk. Nothing is sent through postMessage per
 * step, so a step costs a few futex wake-ups and a few copies of the parameter vector.
 *
 * Legend: P parameters, D directions (2 for bilstm), T steps, B streams of the whole batch.
 */
import type { ModelConfig } from '../../model/config.js';
import type { EngineName } from '../../engine/engine.js';
import type { Shard } from './shards.js';

/** Dropout of one step: the probability and that step's seed. */
export interface StepDropout {
  p: number;
  seed: number;
}

/** Slots of the shared Int32 control array. */
export const CTRL = {
  /** Incremented by the main thread for every command (a step's number is its command); workers wait on it. */
  command: 0,
  /** STEP or EXIT. */
  kind: 1,
  /** 1 when dropout is on for this step, and its seed (uint32 bits). */
  dropoutOn: 2,
  dropoutSeed: 3,
  /** Steps in this batch. */
  T: 4,
  /** The step's next chunk (a round counter, the round being the command). */
  nextChunk: 5,
  /** Chunks of the step finished (their loss and gradients written), failed ones included. */
  chunksDone: 6,
  /** Chunks that failed in a worker; worker w's message is in its error buffer. */
  failed: 7,
  /** First per-worker slot: worker w's status at workerBase + w. */
  workerBase: 8,
} as const;

export const KIND_STEP = 1;
export const KIND_EXIT = 2;
export const STATUS_OK = 0;
export const STATUS_FAILED = 1;

export function statusSlot(worker: number): number {
  return CTRL.workerBase + worker;
}

/** Everything a worker needs, sent once as workerData. */
export interface WorkerSetup {
  index: number;
  engine: EngineName;
  config: ModelConfig;
  dropout: number;
  /** Largest T and the whole batch's B. */
  maxT: number;
  B: number;
  chunks: Shard[];
  control: SharedArrayBuffer; // Int32 slots, see CTRL
  params: SharedArrayBuffer; // Float32 (P)
  /** Per chunk: where its gradients go (P floats from byte offset; in the main thread's wasm
   *  memory when the engine is wasm, so the sum runs there). */
  chunkGrads: { buffer: SharedArrayBuffer; offset: number }[];
  chunkLoss: SharedArrayBuffer; // Float64 (chunks): each chunk's share of the mean loss
  error: SharedArrayBuffer; // Uint8 (ERROR_TEXT_BYTES): UTF-8 message of a failed chunk, NUL-padded
  batch: SharedArrayBuffer; // Int32 (D x 2 x maxT*B): per direction x then y, time-major
  state: SharedArrayBuffer; // Float32 (carriedStateSize): every stream's carried state
}

export function controlSlots(workers: number): number {
  return CTRL.workerBase + workers;
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
