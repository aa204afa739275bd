/**
 * Where the training loop gets the loss and gradients of a batch: on this thread alone
 * (LocalGradients), or split by streams over this thread and worker threads
 * (ThreadedGradients, see protocol.ts; the CPU engines only, whose memory threads can share).
 * Both give the batch's mean loss and accumulate the mean's gradients into `grads`; the threaded
 * sum differs from the one-thread sum only by float rounding (the chunks' gradients are added in
 * chunk order, whichever thread computed them, so a run is still repeatable for a given thread
 * count).
 *
 * Legend: T steps, B streams of the whole batch, D directions, P parameters.
 */
import { isCpuEngine, type CpuEngine, type Tensor } from '../../engine/engine.js';
import { CharnnError } from '../../errors.js';
import type { CharLM } from '../../model/charlm.js';
import { Objective, type DirectionBatch } from '../../model/objective.js';
import type { ParamSet } from '../../model/param-set.js';
import { platform, type PlatformWorker } from '../../platform/platform.js';
import { openRound, takeNext, waitForCount } from '../../util/round-counter.js';
import { ChunkRunner, type SharedStep } from './chunk-runner.js';
import {
  CTRL,
  ERROR_TEXT_BYTES,
  KIND_EXIT,
  KIND_STEP,
  STATUS_FAILED,
  controlSlots,
  readErrorText,
  statusSlot,
  type StepDropout,
  type WorkerSetup,
} from './protocol.js';
import { carriedStateSize, planChunks, type Shard } from './shards.js';

export type { StepDropout };

export interface GradientSource {
  /** Threads in use (1 = this one only). */
  readonly threads: number;
  /** Zero every stream's carried state (a new epoch). */
  reset(): void;
  /** Mean loss (nats per character) of the batch (T x B per direction); accumulates its gradients. */
  step(batches: DirectionBatch[], T: number, dropout: StepDropout | null, grads: ParamSet<Tensor>): Promise<number>;
  /** Every stream's carried state, flat (layout: carriedStateSize in shards.ts), for a checkpoint. */
  saveState(): Promise<Float32Array>;
  /** Sets every stream's carried state from saveState()'s layout (resuming). */
  loadState(flat: Float32Array): void;
  /** Stops the workers. */
  close(): Promise<void>;
}

export class LocalGradients implements GradientSource {
  readonly threads = 1;
  private readonly objective: Objective;

  constructor(
    private readonly model: CharLM,
    maxT: number,
    private readonly B: number,
  ) {
    this.objective = new Objective(model, maxT, B);
  }

  /** Per direction d, layer k: h then c, each (B x H) with stream b at row b (shards.ts). */
  private *slots(): Generator<{ tensor: Tensor; at: number }> {
    const { layers, hidden } = this.model.config;
    const size = this.B * hidden;
    for (let d = 0; d < this.objective.states.length; d++) {
      const state = this.objective.states[d];
      for (let k = 0; k < layers; k++) {
        const at = (d * layers + k) * 2 * size;
        yield { tensor: state.h[k], at };
        yield { tensor: state.c[k], at: at + size };
      }
    }
  }

  async saveState(): Promise<Float32Array> {
    const { layers, hidden } = this.model.config;
    const flat = new Float32Array(carriedStateSize(this.objective.states.length, layers, this.B, hidden));
    const size = this.B * hidden;
    for (const { tensor, at } of this.slots()) await this.model.engine.read(tensor, flat.subarray(at, at + size));
    return flat;
  }

  loadState(flat: Float32Array): void {
    const { layers, hidden } = this.model.config;
    checkStateSize(flat, carriedStateSize(this.objective.states.length, layers, this.B, hidden));
    const size = this.B * hidden;
    for (const { tensor, at } of this.slots()) this.model.engine.write(tensor, flat.subarray(at, at + size));
  }

  reset(): void {
    this.objective.reset();
  }

  step(batches: DirectionBatch[], T: number, dropout: StepDropout | null, grads: ParamSet<Tensor>): Promise<number> {
    return this.objective.step(batches, T, this.B, dropout, grads);
  }

  async close(): Promise<void> {}
}

export class ThreadedGradients implements GradientSource {
  readonly threads: number;
  private readonly control: Int32Array;
  private readonly sharedParams: Float32Array;
  private readonly shared: SharedStep;
  private readonly runner: ChunkRunner;
  private readonly errorTexts: Uint8Array[];

  private constructor(
    private readonly model: CharLM,
    private readonly engine: CpuEngine,
    private readonly maxT: number,
    private readonly B: number,
    private readonly chunks: Shard[],
    /** Per chunk: its gradient slot as a tensor of this thread's engine (shared.chunkGrads[c] seen in place). */
    private readonly chunkGrads: Tensor[],
    private readonly workers: PlatformWorker[],
    buffers: { control: SharedArrayBuffer; params: SharedArrayBuffer; shared: SharedStep; errors: SharedArrayBuffer[] },
  ) {
    this.threads = workers.length + 1;
    this.control = new Int32Array(buffers.control);
    this.sharedParams = new Float32Array(buffers.params);
    this.shared = buffers.shared;
    this.runner = new ChunkRunner(model, engine, maxT, B, chunks, buffers.shared);
    this.errorTexts = buffers.errors.map((b) => new Uint8Array(b));
  }

  /** This thread and threads - 1 workers share the chunks. Resolves once every worker has
   *  loaded and built its copy of the model. */
  static async create(
    model: CharLM,
    engine: CpuEngine,
    maxT: number,
    B: number,
    threads: number,
    dropout: number,
  ): Promise<ThreadedGradients> {
    const chunks = planChunks(B, threads, minChunkStreams(model.config.hidden));
    const P = model.parameterCount();
    const D = model.directions.length;
    const sab = (bytes: number) => new SharedArrayBuffer(bytes);
    // In engine memory (shared), so summing them into the gradients runs in the engine.
    const chunkGrads = chunks.map(() => engine.sharedZeros(P));
    const chunkGradFloats = chunkGrads.map((t) => engine.floatsOf(t) as Float32Array);
    const buffers = {
      control: sab(4 * controlSlots(threads - 1)),
      params: sab(4 * P),
      errors: Array.from({ length: threads - 1 }, () => sab(ERROR_TEXT_BYTES)),
      shared: {
        batch: new Int32Array(sab(4 * D * 2 * maxT * B)),
        carried: new Float32Array(sab(4 * carriedStateSize(D, model.config.layers, B, model.config.hidden))),
        chunkLoss: new Float64Array(sab(8 * chunks.length)),
        chunkGrads: chunkGradFloats,
      },
    };
    const workers = buffers.errors.map((error, i) => {
      const setup: WorkerSetup = {
        index: i,
        engine: engine.name,
        config: model.config,
        dropout,
        maxT,
        B,
        chunks,
        control: buffers.control,
        params: buffers.params,
        chunkGrads: chunkGradFloats.map((g) => ({ buffer: g.buffer as SharedArrayBuffer, offset: g.byteOffset })),
        chunkLoss: buffers.shared.chunkLoss.buffer,
        error,
        batch: buffers.shared.batch.buffer,
        state: buffers.shared.carried.buffer,
      };
      return platform().startWorker('gradients', setup);
    });
    try {
      await Promise.all(workers.map((w) => w.ready()));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new CharnnError(`could not start a training thread: ${e instanceof Error ? e.message : String(e)}`, 'try --threads 1');
    }
    return new ThreadedGradients(model, engine, maxT, B, chunks, chunkGrads, workers, buffers);
  }

  reset(): void {
    this.shared.carried.fill(0); // the workers are idle between steps
  }

  async step(batches: DirectionBatch[], T: number, dropout: StepDropout | null, grads: ParamSet<Tensor>): Promise<number> {
    const { control, B, chunks, shared, engine } = this;
    const size = this.maxT * B;
    this.sharedParams.set(engine.floatsOf(this.model.params.data));
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
      await this.runner.run(c, T, dropout);
      Atomics.add(control, CTRL.chunksDone, 1);
    }
    waitForCount(control, CTRL.chunksDone, chunks.length);
    if (Atomics.load(control, CTRL.failed) > 0) {
      const failures = this.errorTexts.filter((_, w) => control[statusSlot(w)] === STATUS_FAILED).map(readErrorText);
      throw new CharnnError(`a training thread failed: ${failures.join('; ')}`, 'try --threads 1');
    }
    // In chunk order, whoever computed them: a run is repeatable.
    const P = this.model.parameterCount();
    let loss = 0;
    for (let c = 0; c < chunks.length; c++) {
      engine.addInto(grads.data, this.chunkGrads[c], P);
      loss += shared.chunkLoss[c];
    }
    return loss;
  }

  saveState(): Promise<Float32Array> {
    return Promise.resolve(this.shared.carried.slice());
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

/** Fewest streams in a chunk (but the last few): small chunks run the per-step products with few
 *  rows, which costs more per stream, and more so for big layers (each per-step product then
 *  reads all of W_hh, 4 MiB at hidden 512, for few rows). BENCHMARKS.md has the measurements. */
function minChunkStreams(hidden: number): number {
  return hidden <= 256 ? 4 : 8;
}

function checkStateSize(flat: Float32Array, size: number): void {
  if (flat.length !== size) throw new CharnnError(`internal error: carried state of ${flat.length} values, expected ${size}`);
}

/** Chooses the gradient source: threads > 1, at least two streams and a CPU engine start workers. */
export async function createGradientSource(
  model: CharLM,
  maxT: number,
  B: number,
  threads: number,
  dropout: number,
): Promise<GradientSource> {
  const engine = model.engine;
  if (threads <= 1 || B < 2 || !isCpuEngine(engine)) return new LocalGradients(model, maxT, B);
  return ThreadedGradients.create(model, engine, maxT, B, threads, dropout);
}
