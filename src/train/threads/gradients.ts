/**
 * Where the training loop gets the loss and gradients of a batch: on this thread alone
 * (LocalGradients), or split by streams over this thread and worker threads
 * (ThreadedGradients, see protocol.ts). Both give the batch's mean loss and accumulate the mean's
 * gradients into `grads`; the threaded sum differs from the one-thread sum only by float
 * rounding (the chunks' gradients are added in chunk order, whichever thread computed them, so
 * a run is still repeatable for a given thread count).
 *
 * Legend: T steps, B streams of the whole batch, D directions, P parameters.
 */
import { Worker } from 'node:worker_threads';
import { CharnnError } from '../../errors.js';
import type { CharLM } from '../../model/charlm.js';
import { Objective, type DirectionBatch } from '../../model/objective.js';
import type { ParamSet } from '../../model/params.js';
import { addInto, allocFloats, getEngine } from '../../tensor/backend.js';
import { openRound, takeNext, waitForCount } from '../../util/round-counter.js';
import { ChunkRunner, type SharedStep } from './chunk-runner.js';
import { CTRL, ERROR_TEXT_BYTES, KIND_EXIT, KIND_STEP, STATUS_FAILED, controlSlots, readErrorText, statusSlot, type WorkerSetup } from './protocol.js';
import { carriedStateSize, copyShardState, planChunks, type Shard } from './shards.js';

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
  private readonly shared: SharedStep;
  private readonly runner: ChunkRunner;
  private readonly errorTexts: Uint8Array[];

  private constructor(
    private readonly model: CharLM,
    private readonly maxT: number,
    private readonly B: number,
    private readonly chunks: Shard[],
    private readonly workers: Worker[],
    buffers: { control: SharedArrayBuffer; params: SharedArrayBuffer; shared: SharedStep; errors: SharedArrayBuffer[] },
  ) {
    this.threads = workers.length + 1;
    this.control = new Int32Array(buffers.control);
    this.sharedParams = new Float32Array(buffers.params);
    this.shared = buffers.shared;
    this.runner = new ChunkRunner(model, maxT, B, chunks, buffers.shared);
    this.errorTexts = buffers.errors.map((b) => new Uint8Array(b));
  }

  /** This thread and threads - 1 workers share the chunks. Resolves once every worker has
   *  loaded and built its copy of the model. */
  static async create(model: CharLM, maxT: number, B: number, threads: number, dropout: number): Promise<ThreadedGradients> {
    const chunks = planChunks(B, threads, minChunkStreams(model.config.hidden));
    const P = model.params.data.length;
    const D = model.directions.length;
    const sab = (bytes: number) => new SharedArrayBuffer(bytes);
    const chunkGrads = chunks.map(() => sharedFloats(P));
    const buffers = {
      control: sab(4 * controlSlots(threads - 1)),
      params: sab(4 * P),
      errors: Array.from({ length: threads - 1 }, () => sab(ERROR_TEXT_BYTES)),
      shared: {
        batch: new Int32Array(sab(4 * D * 2 * maxT * B)),
        carried: new Float32Array(sab(4 * carriedStateSize(D, model.config.layers, B, model.config.hidden))),
        chunkLoss: new Float64Array(sab(8 * chunks.length)),
        chunkGrads,
      },
    };
    const engine = getEngine();
    const workers = buffers.errors.map((error, i) => {
      const setup: WorkerSetup = {
        index: i,
        engine,
        config: model.config,
        dropout,
        maxT,
        B,
        chunks,
        control: buffers.control,
        params: buffers.params,
        chunkGrads: chunkGrads.map((g) => ({ buffer: g.buffer as SharedArrayBuffer, offset: g.byteOffset })),
        chunkLoss: buffers.shared.chunkLoss.buffer as SharedArrayBuffer,
        error,
        batch: buffers.shared.batch.buffer as SharedArrayBuffer,
        state: buffers.shared.carried.buffer as SharedArrayBuffer,
      };
      return new Worker(WORKER_URL, { workerData: setup });
    });
    try {
      await Promise.all(workers.map(waitOnline));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new CharnnError(`could not start a training thread: ${e instanceof Error ? e.message : String(e)}`, 'try --threads 1');
    }
    return new ThreadedGradients(model, maxT, B, chunks, workers, buffers);
  }

  reset(): void {
    this.shared.carried.fill(0); // the workers are idle between steps
  }

  step(batches: DirectionBatch[], T: number, dropout: StepDropout | null, grads: ParamSet): number {
    const { control, B, chunks, shared } = this;
    const size = this.maxT * B;
    this.sharedParams.set(this.model.params.data);
    for (let d = 0; d < batches.length; d++) {
      shared.batch.set(batches[d].x.subarray(0, T * B), 2 * d * size);
      shared.batch.set(batches[d].y.subarray(0, T * B), (2 * d + 1) * size);
    }
    control[CTRL.T] = T;
    control[CTRL.dropoutOn] = dropout ? 1 : 0;
    control[CTRL.dropoutSeed] = dropout ? dropout.seed | 0 : 0;
    Atomics.store(control, CTRL.chunksDone, 0);
    control[CTRL.kind] = KIND_STEP;
    const round = control[CTRL.command] + 1;
    openRound(control, CTRL.nextChunk, round);
    Atomics.store(control, CTRL.command, round);
    Atomics.notify(control, CTRL.command);

    // This thread takes chunks too, while the workers take theirs.
    for (let c = takeNext(control, CTRL.nextChunk, round); c < chunks.length; c = takeNext(control, CTRL.nextChunk, round)) {
      this.runner.run(c, T, dropout);
      Atomics.add(control, CTRL.chunksDone, 1);
    }
    waitForCount(control, CTRL.chunksDone, chunks.length);
    if (Atomics.load(control, CTRL.failed) > 0) {
      const failures = this.errorTexts.filter((_, w) => control[statusSlot(w)] === STATUS_FAILED).map(readErrorText);
      throw new CharnnError(`a training thread failed: ${failures.join('; ')}`, 'try --threads 1');
    }
    // In chunk order, whoever computed them: a run is repeatable.
    const g = grads.data;
    let loss = 0;
    for (let c = 0; c < chunks.length; c++) {
      addInto(g, shared.chunkGrads[c], g.length);
      loss += shared.chunkLoss[c];
    }
    return loss;
  }

  saveState(): Float32Array {
    return this.shared.carried.slice();
  }

  loadState(flat: Float32Array): void {
    checkStateSize(flat, this.shared.carried.length);
    this.shared.carried.set(flat);
  }

  async close(): Promise<void> {
    this.control[CTRL.kind] = KIND_EXIT;
    Atomics.add(this.control, CTRL.command, 1);
    Atomics.notify(this.control, CTRL.command);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Fewest streams in a chunk (but the last few): measured one thread's step time per stream at
 *  2 x 128 is flat from 25 streams down to 4 and about 15% worse at 2; at 2 x 512 small chunks
 *  cost more (the per-step products then read all of W_hh, 4 MiB, from L3 for few rows). */
function minChunkStreams(hidden: number): number {
  return hidden <= 256 ? 4 : 8;
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
