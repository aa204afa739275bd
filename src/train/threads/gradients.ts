/**
 * Where the training loop gets the loss and gradients of a batch: on this thread alone
 * (LocalGradients), or split by streams over this thread and worker threads
 * (ThreadedGradients, see protocol.ts). Both give the batch's mean loss and accumulate the mean's
 * gradients into `grads`; the threaded sum differs from the one-thread sum only by float
 * rounding (shards are added in a fixed order, so a run is still repeatable for a given
 * thread count).
 *
 * Legend: T steps, B streams of the whole batch, D directions, P parameters.
 */
import { Worker } from 'node:worker_threads';
import { CharnnError } from '../../errors.js';
import type { CharLM } from '../../model/charlm.js';
import { Objective, type DirectionBatch } from '../../model/objective.js';
import type { ParamSet } from '../../model/params.js';
import type { DropoutSpec } from '../../nn/dropout.js';
import { addInto, allocFloats, getEngine } from '../../tensor/backend.js';
import { CTRL, ERROR_TEXT_BYTES, KIND_EXIT, KIND_LOAD_STATE, KIND_SAVE_STATE, KIND_STEP, STATUS_FAILED, controlSlots, doneSlot, readErrorText, statusSlot, type WorkerSetup } from './protocol.js';
import { carriedStateSize, copyShardState, gatherShard, planShards, type Shard } from './shards.js';

/** Dropout of one step: the probability and that step's seed. */
export interface StepDropout {
  p: number;
  seed: number;
}

export interface GradientSource {
  /** Threads in use (1 = this one only). */
  readonly threads: number;
  /** Zero every stream's carried state (a new epoch). */
  reset(): void;
  /** Mean loss (nats per character) of the batch (T x B per direction); accumulates its gradients. */
  step(batches: DirectionBatch[], T: number, dropout: StepDropout | null, grads: ParamSet): number;
  /** Every stream's carried state, flat (layout: carriedStateSize in shards.ts), for a checkpoint. */
  saveState(): Float32Array;
  /** Sets every stream's carried state from saveState()'s layout (resuming). */
  loadState(flat: Float32Array): void;
  /** Stops the workers. */
  close(): Promise<void>;
}

export class LocalGradients implements GradientSource {
  readonly threads = 1;
  private readonly objective: Objective<Float32Array>;

  constructor(private readonly model: CharLM, maxT: number, private readonly B: number) {
    this.objective = new Objective(model, maxT, B);
  }

  saveState(): Float32Array {
    const { layers, hidden } = this.model.config;
    const flat = new Float32Array(carriedStateSize(this.objective.states.length, layers, this.B, hidden));
    copyShardState(flat, this.objective.states, layers, this.B, hidden, { first: 0, count: this.B }, true);
    return flat;
  }

  loadState(flat: Float32Array): void {
    const { layers, hidden } = this.model.config;
    checkStateSize(flat, carriedStateSize(this.objective.states.length, layers, this.B, hidden));
    copyShardState(flat, this.objective.states, layers, this.B, hidden, { first: 0, count: this.B }, false);
  }

  reset(): void {
    this.objective.reset();
  }

  step(batches: DirectionBatch[], T: number, dropout: StepDropout | null, grads: ParamSet): number {
    return this.objective.step(batches, T, this.B, dropout, grads);
  }

  async close(): Promise<void> {}
}

/** The worker script, built to dist/ (from src/ under vitest and tsx too: same path, three
 *  levels up is the package root), as the WebAssembly kernels are. */
const WORKER_URL = new URL('../../../dist/train/threads/worker.js', import.meta.url);

export class ThreadedGradients implements GradientSource {
  readonly threads: number;
  private readonly control: Int32Array;
  private readonly sharedParams: Float32Array;
  private readonly sharedGrads: Float32Array[];
  private readonly sharedLoss: Float64Array[];
  private readonly batch: Int32Array;
  private readonly carried: Float32Array;
  private readonly own: Shard;
  private readonly ownObjective: Objective<Float32Array>;
  private readonly ownBatches: DirectionBatch[];
  private readonly errorTexts: Uint8Array[];
  private pendingReset = false;

  private constructor(
    private readonly model: CharLM,
    private readonly maxT: number,
    private readonly B: number,
    shards: Shard[],
    private readonly workers: Worker[],
    buffers: { control: SharedArrayBuffer; params: SharedArrayBuffer; grads: Float32Array[]; loss: SharedArrayBuffer[]; errors: SharedArrayBuffer[]; batch: SharedArrayBuffer; state: SharedArrayBuffer },
  ) {
    this.threads = shards.length;
    this.control = new Int32Array(buffers.control);
    this.sharedParams = new Float32Array(buffers.params);
    this.sharedGrads = buffers.grads;
    this.sharedLoss = buffers.loss.map((b) => new Float64Array(b));
    this.batch = new Int32Array(buffers.batch);
    this.carried = new Float32Array(buffers.state);
    this.own = shards[0];
    this.ownObjective = new Objective(model, maxT, this.own.count);
    const D = model.directions.length;
    this.ownBatches = Array.from({ length: D }, () => ({ x: new Int32Array(maxT * this.own.count), y: new Int32Array(maxT * this.own.count) }));
    this.errorTexts = buffers.errors.map((b) => new Uint8Array(b));
  }

  /** This thread takes the first shard; one worker per further shard. Resolves once every
   *  worker has loaded and built its copy of the model. */
  static async create(model: CharLM, maxT: number, B: number, threads: number, dropout: number): Promise<ThreadedGradients> {
    const shards = planShards(B, threads);
    const P = model.params.data.length;
    const D = model.directions.length;
    const sab = (bytes: number) => new SharedArrayBuffer(bytes);
    const buffers = {
      control: sab(4 * controlSlots(shards.length - 1)),
      params: sab(4 * P),
      grads: shards.slice(1).map(() => sharedFloats(P)),
      loss: shards.slice(1).map(() => sab(8)),
      errors: shards.slice(1).map(() => sab(ERROR_TEXT_BYTES)),
      batch: sab(4 * D * 2 * maxT * B),
      state: sab(4 * carriedStateSize(D, model.config.layers, B, model.config.hidden)),
    };
    const engine = getEngine();
    const workers = shards.slice(1).map((shard, i) => {
      const setup: WorkerSetup = {
        index: i,
        engine,
        config: model.config,
        dropout,
        maxT,
        B,
        shard,
        control: buffers.control,
        params: buffers.params,
        grads: buffers.grads[i].buffer as SharedArrayBuffer,
        gradsOffset: buffers.grads[i].byteOffset,
        loss: buffers.loss[i],
        error: buffers.errors[i],
        batch: buffers.batch,
        state: buffers.state,
      };
      return new Worker(WORKER_URL, { workerData: setup });
    });
    try {
      await Promise.all(workers.map(waitOnline));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new CharnnError(`could not start a training thread: ${e instanceof Error ? e.message : String(e)}`, 'try --threads 1');
    }
    return new ThreadedGradients(model, maxT, B, shards, workers, buffers);
  }

  reset(): void {
    this.ownObjective.reset();
    this.pendingReset = true;
  }

  step(batches: DirectionBatch[], T: number, dropout: StepDropout | null, grads: ParamSet): number {
    const { control, B } = this;
    const size = this.maxT * B;
    this.sharedParams.set(this.model.params.data);
    for (let d = 0; d < batches.length; d++) {
      this.batch.set(batches[d].x.subarray(0, T * B), 2 * d * size);
      this.batch.set(batches[d].y.subarray(0, T * B), (2 * d + 1) * size);
    }
    control[CTRL.T] = T;
    control[CTRL.reset] = this.pendingReset ? 1 : 0;
    control[CTRL.dropoutOn] = dropout ? 1 : 0;
    control[CTRL.dropoutSeed] = dropout ? dropout.seed | 0 : 0;
    this.pendingReset = false;
    const command = this.post(KIND_STEP);

    // This thread's shard, while the workers run theirs.
    for (let d = 0; d < batches.length; d++) {
      gatherShard(this.ownBatches[d].x, batches[d].x, T, B, this.own);
      gatherShard(this.ownBatches[d].y, batches[d].y, T, B, this.own);
    }
    const ownDropout: DropoutSpec | null = dropout ? { ...dropout, firstStream: this.own.first, totalStreams: B } : null;
    let loss = this.ownObjective.step(this.ownBatches, T, this.own.count, ownDropout, grads, B);

    this.waitAll(command);
    const g = grads.data;
    for (let w = 0; w < this.workers.length; w++) {
      addInto(g, this.sharedGrads[w], g.length);
      loss += this.sharedLoss[w][0];
    }
    return loss;
  }

  saveState(): Float32Array {
    const { layers, hidden } = this.model.config;
    this.waitAll(this.post(KIND_SAVE_STATE));
    copyShardState(this.carried, this.ownObjective.states, layers, this.B, hidden, this.own, true);
    return this.carried.slice();
  }

  loadState(flat: Float32Array): void {
    const { layers, hidden } = this.model.config;
    checkStateSize(flat, this.carried.length);
    this.carried.set(flat);
    this.waitAll(this.post(KIND_LOAD_STATE));
    copyShardState(this.carried, this.ownObjective.states, layers, this.B, hidden, this.own, false);
  }

  /** Posts a command to every worker; returns its number. */
  private post(kind: number): number {
    this.control[CTRL.kind] = kind;
    const command = Atomics.add(this.control, CTRL.command, 1) + 1;
    Atomics.notify(this.control, CTRL.command);
    return command;
  }

  /** Blocks until every worker has done command; throws if one failed. */
  private waitAll(command: number): void {
    const failures: string[] = [];
    for (let w = 0; w < this.workers.length; w++) {
      waitForValue(this.control, doneSlot(w), command);
      if (this.control[statusSlot(w)] === STATUS_FAILED) failures.push(readErrorText(this.errorTexts[w]));
    }
    if (failures.length > 0) throw new CharnnError(`a training thread failed: ${failures.join('; ')}`, 'try --threads 1');
  }

  async close(): Promise<void> {
    this.post(KIND_EXIT);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function checkStateSize(flat: Float32Array, size: number): void {
  if (flat.length !== size) throw new CharnnError(`internal error: carried state of ${flat.length} values, expected ${size}`);
}

/** n floats a worker thread can write: in engine memory when that is shared (the wasm arena), so
 *  summing them into the gradients runs in wasm; on a SharedArrayBuffer of their own otherwise. */
function sharedFloats(n: number): Float32Array {
  const x = allocFloats(n);
  return x.buffer instanceof SharedArrayBuffer ? x : new Float32Array(new SharedArrayBuffer(4 * n));
}

/** Blocks until control[slot] === value. */
function waitForValue(control: Int32Array, slot: number, value: number): void {
  for (;;) {
    const seen = Atomics.load(control, slot);
    if (seen === value) return;
    Atomics.wait(control, slot, seen);
  }
}

/** Resolves when the worker has run its module (built its model), rejects if it fails to start. */
function waitOnline(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { ready?: boolean }) => {
      if (m.ready) done(resolve);
    };
    const onError = (e: Error) => done(() => reject(e));
    const onExit = (code: number) => done(() => reject(new Error(`worker exited with code ${code}`)));
    const done = (f: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      f();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/** Chooses the gradient source: threads > 1 and at least two streams start workers. */
export async function createGradientSource(model: CharLM, maxT: number, B: number, threads: number, dropout: number): Promise<GradientSource> {
  if (threads <= 1 || B < 2) return new LocalGradients(model, maxT, B);
  return ThreadedGradients.create(model, maxT, B, threads, dropout);
}
