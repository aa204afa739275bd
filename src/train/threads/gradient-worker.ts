/**
 * A gradient worker thread's work (see protocol.ts): holds a copy of the model, and on every STEP
 * command takes chunks of the batch's streams until none are left, computing each one's loss and
 * gradients into its shared slot. It runs the same Objective as the main thread, on its own
 * engine memory. The platform's worker script calls runGradientWorker.
 */
import { engineNamed } from '../../engine/default-engine.js';
import { isCpuEngine } from '../../engine/engine.js';
import { CharLM } from '../../model/charlm.js';
import { hostParams, paramSpecs } from '../../model/param-set.js';
import type { WorkerContext } from '../../platform/platform.js';
import { takeNext } from '../../util/round-counter.js';
import { ChunkRunner } from './chunk-runner.js';
import { CTRL, KIND_EXIT, STATUS_FAILED, statusSlot, writeErrorText, type WorkerSetup } from './protocol.js';

export async function runGradientWorker(context: WorkerContext): Promise<void> {
  const setup = context.data as WorkerSetup;
  const engine = engineNamed(setup.engine);
  if (!isCpuEngine(engine)) throw new Error(`the ${engine.name} engine cannot share memory with threads`);
  const control = new Int32Array(setup.control);
  const sharedParams = new Float32Array(setup.params);
  const errorText = new Uint8Array(setup.error);
  const P = sharedParams.length;

  const { config, maxT, B, chunks } = setup;
  const model = new CharLM(config, hostParams(paramSpecs(config)), engine);
  const runner = new ChunkRunner(model, engine, maxT, B, chunks, {
    batch: new Int32Array(setup.batch),
    carried: new Float32Array(setup.state),
    chunkLoss: new Float64Array(setup.chunkLoss),
    chunkGrads: setup.chunkGrads.map((g) => new Float32Array(g.buffer, g.offset, P)),
  });

  /** Takes and runs chunks of step `round` until none are left. */
  async function step(round: number): Promise<void> {
    let loaded = false; // this step's parameters copied in (only when a chunk is taken)
    for (;;) {
      const c = takeNext(control, CTRL.nextChunk, round);
      if (!(c < chunks.length)) return;
      try {
        if (!loaded) {
          engine.write(model.params.data, sharedParams);
          loaded = true;
        }
        const dropout = control[CTRL.dropoutOn] === 1 ? { p: setup.dropout, seed: control[CTRL.dropoutSeed] >>> 0 } : null;
        await runner.run(c, control[CTRL.T], dropout);
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
  context.ready();
  let seen = 0;
  for (;;) {
    // Sleep until the main thread posts the next command.
    Atomics.wait(control, CTRL.command, seen);
    seen = Atomics.load(control, CTRL.command);
    if (control[CTRL.kind] === KIND_EXIT) break;
    await step(seen);
  }
}
