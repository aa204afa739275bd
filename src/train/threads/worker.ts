/**
 * A gradient worker thread (see protocol.ts): holds a copy of the model and the carried state of
 * its own shard of streams, and on every STEP command computes its share of the loss and of the
 * gradients. It runs the same Objective as the main thread, on its own engine memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CharLM } from '../../model/charlm.js';
import { Objective, type DirectionBatch } from '../../model/objective.js';
import { ParamSet, paramSpecs } from '../../model/params.js';
import { directionsOf } from '../../model/config.js';
import { setEngine } from '../../tensor/backend.js';
import type { DropoutSpec } from '../../nn/dropout.js';
import { CTRL, KIND_EXIT, KIND_LOAD_STATE, KIND_SAVE_STATE, STATUS_FAILED, STATUS_OK, doneSlot, statusSlot, writeErrorText, type WorkerSetup } from './protocol.js';
import { copyShardState, gatherShard } from './shards.js';

const setup = workerData as WorkerSetup;
setEngine(setup.engine);

const control = new Int32Array(setup.control);
const sharedParams = new Float32Array(setup.params);
const sharedGrads = new Float32Array(setup.grads, setup.gradsOffset, sharedParams.length);
const sharedLoss = new Float64Array(setup.loss);
const batch = new Int32Array(setup.batch);
const errorText = new Uint8Array(setup.error);
const carried = new Float32Array(setup.state);

const { config, maxT, B, shard } = setup;
const model = new CharLM(config, ParamSet.zeros<Float32Array>(paramSpecs(config), Float32Array));
const grads = ParamSet.zeros<Float32Array>(model.params.specs, Float32Array);
const objective = new Objective(model, maxT, shard.count);
const D = directionsOf(config.cell).length;
const mine: DirectionBatch[] = Array.from({ length: D }, () => ({ x: new Int32Array(maxT * shard.count), y: new Int32Array(maxT * shard.count) }));

function step(): void {
  const T = control[CTRL.T];
  if (control[CTRL.reset] === 1) objective.reset();
  model.params.data.set(sharedParams);
  const size = maxT * B;
  for (let d = 0; d < D; d++) {
    gatherShard(mine[d].x, batch.subarray((2 * d) * size), T, B, shard);
    gatherShard(mine[d].y, batch.subarray((2 * d + 1) * size), T, B, shard);
  }
  const dropout: DropoutSpec | null =
    control[CTRL.dropoutOn] === 1 ? { p: setup.dropout, seed: control[CTRL.dropoutSeed] >>> 0, firstStream: shard.first, totalStreams: B } : null;
  grads.data.fill(0);
  sharedLoss[0] = objective.step(mine, T, shard.count, dropout, grads, B);
  sharedGrads.set(grads.data);
}

// Built: tell the main thread, which waits for every worker before the first step.
parentPort?.postMessage({ ready: true });

let seen = 0;
for (;;) {
  // Sleep until the main thread posts the next command.
  Atomics.wait(control, CTRL.command, seen);
  seen = Atomics.load(control, CTRL.command);
  if (control[CTRL.kind] === KIND_EXIT) break;
  let status = STATUS_OK;
  try {
    const kind = control[CTRL.kind];
    if (kind === KIND_SAVE_STATE || kind === KIND_LOAD_STATE) {
      copyShardState(carried, objective.states, config.layers, B, config.hidden, shard, kind === KIND_SAVE_STATE);
    } else step();
  } catch (e) {
    status = STATUS_FAILED;
    writeErrorText(errorText, e instanceof Error ? e.message : String(e));
  }
  Atomics.store(control, statusSlot(setup.index), status);
  Atomics.store(control, doneSlot(setup.index), seen);
  Atomics.notify(control, doneSlot(setup.index));
}
