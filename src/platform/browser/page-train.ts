/**
 * train() in a page: the core's training loop runs in a Web Worker (train-worker.ts) so the page
 * stays responsive; the callbacks are the same as in Node, called as the worker's reports
 * arrive (training does not wait for a promise onEval returns, as it does in Node: it runs on its
 * own thread). An AbortSignal stops it at the next step, as in Node. The result is the model
 * itself, ready to sample from (and to turn into checkpoint bytes with saveModel).
 */
import { CharnnError, UsageError } from '../../errors.js';
import { decodeModel, type LoadedModel } from '../../index.js';
import type { EvalReport, TrainCallbacks } from '../../train/reports.js';
import type { KernelModules } from './kernel-modules.js';
import type { PageTrainOptions, TrainEvent, TrainJob, TrainSummary } from './train-messages.js';
import { canShareMemory, isBlob, type WebBlob } from './web-api.js';
import { startWebWorker } from './web-worker.js';

/** An evaluation's report in a page: with the one-line sample drawn from the model just
 *  evaluated (as `charnn train` prints it), or null with evalSamples: false. */
export type PageEvalReport = EvalReport & { sample: string | null };

export interface PageTrainCallbacks extends Omit<TrainCallbacks, 'onEval'> {
  onEval?(report: PageEvalReport): unknown;
}

/** A finished run: its summary, and the trained model (a LoadedModel: sample, score... from it). */
export type PageTrainResult = TrainSummary & LoadedModel & { checkpoint: null; bestCheckpoint: null };

/** The corpus of a page's training run: text, its UTF-8 bytes, or a File (a drop, a file input). */
export type PageCorpus = string | Uint8Array | WebBlob;

export async function trainInWorker(
  env: { kernels: KernelModules; settings: Record<string, string> },
  corpus: PageCorpus,
  corpusName: string,
  options: PageTrainOptions,
  callbacks: PageTrainCallbacks,
  signal: AbortSignal | undefined,
): Promise<PageTrainResult> {
  if (options.out !== undefined && options.out !== null)
    throw new UsageError('train option out: a page has no files; the trained model is the result (saveModel gives its bytes)');
  if (options.resume !== undefined && options.resume !== null)
    throw new UsageError('train option resume: a page cannot resume a run from a file');
  const { evalSamples = true, ...own } = options;
  const notices: string[] = [];
  if ((own.threads ?? 1) > 1 && !canShareMemory()) {
    own.threads = 1;
    notices.push('threads need a cross-origin isolated page (SharedArrayBuffer): training on one thread');
  }
  // A copy of the caller's bytes, handed to the worker without another copy.
  const text = typeof corpus === 'string' ? corpus : isBlob(corpus) ? new Uint8Array(await corpus.arrayBuffer()) : corpus.slice();
  const job: TrainJob = { text, corpusName, options: own, evalSamples };
  const worker = startWebWorker({ role: 'train', data: job, ...env }, typeof text === 'string' ? [] : [text.buffer]);

  return new Promise<PageTrainResult>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      worker.terminate();
      f();
    };
    const abort = () => worker.postMessage({ kind: 'abort' });
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort);
    /** A callback that throws ends the run with its error, as in Node. */
    const call = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        finish(() => reject(e));
      }
    };
    worker.addEventListener('message', (message) => {
      const event = message.data as TrainEvent | { failed: string };
      if ('failed' in event) return finish(() => reject(new CharnnError(`the training worker failed: ${event.failed}`)));
      switch (event.kind) {
        case 'start':
          call(() => callbacks.onStart?.(event.info));
          for (const n of notices.splice(0)) call(() => callbacks.onNotice?.(n));
          return;
        case 'notice':
          return call(() => callbacks.onNotice?.(event.message));
        case 'step':
          return call(() => callbacks.onStep?.(event.report));
        case 'eval':
          return call(() => callbacks.onEval?.({ ...event.report, sample: event.sample }));
        case 'error': {
          const Error = event.name === 'UsageError' ? UsageError : CharnnError;
          return finish(() => reject(new Error(event.message, event.hint)));
        }
        case 'done':
          return finish(() => {
            try {
              resolve({
                ...event.summary,
                ...decodeModel(event.bytes, `${corpusName}.safetensors`),
                checkpoint: null,
                bestCheckpoint: null,
              });
            } catch (e) {
              reject(e);
            }
          });
      }
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault?.();
      finish(() => reject(new CharnnError(`the training worker could not run: ${event.message || 'unknown error'}`)));
    });
  });
}
