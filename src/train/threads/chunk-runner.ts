/**
 * One thread's part in a threaded training step (gradients.ts): runs the chunks of streams the
 * thread takes, each from the batch, parameters and carried state in shared memory, and leaves
 * each chunk's loss and gradients in that chunk's own shared slot, so the main thread can sum
 * them in chunk order whoever computed them. The main thread and every worker have one. Threads
 * share memory, so this runs on the CPU engines only, and looks at their tensors in place.
 *
 * Legend: T steps, B streams of the whole batch, D directions, P parameters.
 */
import type { CpuEngine } from '../../engine/engine.js';
import type { CharLM } from '../../model/charlm.js';
import type { DropoutSpec } from '../../model/direction-runner.js';
import { Objective, type DirectionBatch } from '../../model/objective.js';
import { engineParams, type ParamSet } from '../../model/param-set.js';
import type { Tensor } from '../../engine/engine.js';
import type { StepDropout } from './protocol.js';
import { copyShardState, gatherShard, type Shard, type ShardStates } from './shards.js';

/** What every thread of a run sees. */
export interface SharedStep {
  /** D x (x then y), each maxT*B, time-major: the step's whole batch. */
  batch: Int32Array;
  /** Every stream's carried state (shards.ts carriedStateSize layout). */
  carried: Float32Array;
  /** Per chunk: its share of the mean loss. */
  chunkLoss: Float64Array;
  /** Per chunk: its gradients (P). */
  chunkGrads: Float32Array[];
}

export class ChunkRunner {
  private readonly objective: Objective;
  private readonly grads: ParamSet<Tensor>;
  private readonly mine: DirectionBatch[];
  /** The objective's carried state, seen in place. */
  private readonly states: ShardStates[];

  constructor(
    private readonly model: CharLM,
    private readonly engine: CpuEngine,
    private readonly maxT: number,
    private readonly B: number,
    private readonly chunks: Shard[],
    private readonly shared: SharedStep,
  ) {
    const most = Math.max(...chunks.map((c) => c.count));
    this.objective = new Objective(model, maxT, most);
    this.grads = engineParams(engine, model.params.specs);
    this.mine = model.directions.map(() => ({ x: new Int32Array(maxT * most), y: new Int32Array(maxT * most) }));
    const view = (t: Tensor) => engine.floatsOf(t) as Float32Array;
    this.states = this.objective.states.map((s) => ({ h: s.h.map(view), c: s.c.map(view) }));
  }

  /** Forward and backward over chunk c of the current batch (T steps), with the model's current
   *  parameters; carries the chunk's state on in shared memory. */
  async run(c: number, T: number, dropout: StepDropout | null): Promise<void> {
    const { B, model, objective, grads, mine, shared, engine } = this;
    const chunk = this.chunks[c];
    const size = this.maxT * B;
    for (let d = 0; d < mine.length; d++) {
      gatherShard(mine[d].x, shared.batch.subarray(2 * d * size), T, B, chunk);
      gatherShard(mine[d].y, shared.batch.subarray((2 * d + 1) * size), T, B, chunk);
    }
    const { layers, hidden } = model.config;
    copyShardState(shared.carried, this.states, layers, B, hidden, chunk, false);
    const spec: DropoutSpec | null = dropout ? { ...dropout, firstStream: chunk.first, totalStreams: B } : null;
    engine.fill(grads.data, 0);
    shared.chunkLoss[c] = await objective.step(mine, T, chunk.count, spec, grads, B);
    copyShardState(shared.carried, this.states, layers, B, hidden, chunk, true);
    shared.chunkGrads[c].set(engine.floatsOf(grads.data));
  }
}
