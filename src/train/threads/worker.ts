/**
 * A gradient worker thread (see protocol.ts): holds a copy of the model, and on every STEP
 * command takes chunks of the batch's streams until none are left, computing each one's loss and
 * gradients into its shared slot. It runs the same Objective as the main thread, on its own
 * engine memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CharLM } from '../../model/charlm.js';
import { ParamSet, paramSpecs } from '../../model/params.js';
import { setEngine } from '../../tensor/backend.js';
import { takeNext } from '../../util/round-counter.js';
import { ChunkRunner } from './chunk-runner.js';
import { CTRL, KIND_EXIT, STATUS_FAILED, statusSlot, writeErrorText, type WorkerSetup } from './protocol.js';

const setup = workerData as WorkerSetup;
setEngine(setup.engine);

const control = new Int32Array(setup.control);
const sharedParams = new Float32Array(setup.params);
const errorText = new Uint8Array(setup.error);
const P = sharedParams.length;

const { config, maxT, B, chunks } = setup;
const model = new CharLM(config, ParamSet.zeros<Float32Array>(paramSpecs(config), Float32Array));
const runner = new ChunkRunner(model, maxT, B, chunks, {
  batch: new Int32Array(setup.batch),
  carried: new Float32Array(setup.state),
  chunkLoss: new Float64Array(setup.chunkLoss),
  chunkGrads: setup.chunkGrads.map((g) => new Float32Array(g.buffer, g.offset, P)),
});

/** Takes and runs chunks of step `round` until none are left. */
function step(round: number): void {
  let loaded = false; // this step's parameters copied in (only when a chunk is taken)
  for (;;) {
    const c = takeNext(control, CTRL.nextChunk, round);
    if (!(c < chunks.length)) return;
    try {
      if (!loaded) {
        model.params.data.set(sharedParams);
        loaded = true;
      }
      const dropout = control[CTRL.dropoutOn] === 1 ? { p: setup.dropout, seed: control[CTRL.dropoutSeed] >>> 0 } : null;
      runner.run(c, control[CTRL.T], dropout);
    } catch (e) {
      Atomics.store(control, statusSlot(setup.index), STATUS_FAILED);
      writeErrorText(errorText, e instanceof Error ? e.message : String(e));
      Atomics.add(control, CTRL.failed, 1);
    }
    Atomics.add(control, CTRL.chunksDone, 1);
    Atomics.notify(control, CTRL.chunksDone);
  }
}

// Built: tell the main thread, which waits for every worker before the first step.
parentPort?.postMessage({ ready: true });

let seen = 0;
for (;;) {
  // Sleep until the main thread posts the next command.
  Atomics.wait(control, CTRL.command, seen);
  seen = Atomics.load(control, CTRL.command);
  if (control[CTRL.kind] === KIND_EXIT) break;
  step(seen);
}
