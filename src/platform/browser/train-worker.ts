/**
 * A page's training run, in its worker (worker.ts, role 'train'): the core's train() with the
 * job's options, its callbacks forwarded to the page as messages, an { kind: 'abort' } message
 * as its AbortSignal. Checkpoints go to the worker's memory files, as they go to disk in Node:
 * the one-line sample at each evaluation is drawn from the checkpoint just written (as the CLI
 * draws it), and the model goes back to the page as the bytes of a checkpoint of the model alone.
 */
import { bytesSource } from '../../data/source.js';
import { CharnnError } from '../../errors.js';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointMeta } from '../../io/checkpoint.js';
import { EvalSampler } from '../../train/eval-sampler.js';
import { train } from '../../train/loop.js';
import type { TrainStart } from '../../train/reports.js';
import type { MemoryFiles } from './memory-files.js';
import type { TrainCommand, TrainEvent, TrainJob } from './train-messages.js';
import type { WorkerScope } from './web-api.js';

export async function runTrainWorker(scope: WorkerScope, job: TrainJob, files: MemoryFiles): Promise<void> {
  const post = (event: TrainEvent, transfer: unknown[] = []) => scope.postMessage(event, transfer);
  const stop = new AbortController();
  scope.addEventListener('message', (event) => {
    if ((event.data as TrainCommand).kind === 'abort') stop.abort();
  });
  const out = `${job.corpusName}.safetensors`;
  const sampler = !job.evalSamples ? null : new EvalSampler();
  let start: TrainStart | null = null;
  try {
    const text = typeof job.text === 'string' ? job.text : bytesSource(job.text, job.corpusName);
    const result = await train(
      text,
      job.corpusName,
      { ...job.options, out },
      {
        onStart: (info) => {
          start = info;
          post({ kind: 'start', info });
        },
        onNotice: (message) => post({ kind: 'notice', message }),
        onStep: (report) => post({ kind: 'step', report }),
        onEval: async (report) => {
          const seed = start?.options.seed ?? 0;
          const sample = sampler && report.checkpoint ? await sampler.sample(report.checkpoint, seed, report.step) : null;
          post({ kind: 'eval', report: { ...report, checkpoint: null }, sample });
        },
      },
      stop.signal,
    );
    // The latest checkpoint's metadata (progress included); a run that took no step wrote none.
    const meta: CheckpointMeta = files.has(out)
      ? decodeCheckpoint(files.read(out), out).meta
      : untrainedMeta(result, start!, job.corpusName);
    const bytes = encodeCheckpoint(await result.model.hostWeights(), meta, undefined, out);
    const { model: _model, vocab: _vocab, checkpoint: _c, bestCheckpoint: _b, ...summary } = result;
    post({ kind: 'done', summary, bytes }, [bytes.buffer]);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    post({ kind: 'error', name: error.name, message: error.message, hint: e instanceof CharnnError ? e.hint : undefined });
  }
}

/** The metadata of a model that took no step (steps: 0, or stopped before the first). */
function untrainedMeta(result: Awaited<ReturnType<typeof train>>, start: TrainStart, corpus: string): CheckpointMeta {
  return {
    model: result.model.config,
    vocab: [...result.vocab.symbols],
    training: { ...start.options, resume: null, out: null, corpus, streams: start.plan.streams, steps_per_batch: start.plan.steps },
    progress: { step: result.steps, epoch: result.epoch, bestValNats: null, valNats: null, charsSeen: 0 },
  };
}
