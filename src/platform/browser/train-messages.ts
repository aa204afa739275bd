/**
 * What a page and its training worker say to each other (page-train.ts, train-worker.ts). The
 * worker runs the core's train() and forwards its callbacks; the model comes back as checkpoint
 * bytes.
 */
import type { EvalReport, StepReport, TrainResult, TrainStart } from '../../train/reports.js';
import type { TrainOptions } from '../../train/train-options.js';

export interface TrainJob {
  /** The corpus: text, or its UTF-8 bytes (checked as a file's are: NUL bytes, invalid UTF-8). */
  text: string | Uint8Array;
  corpusName: string;
  options: Partial<TrainOptions>;
  /** Draw a one-line sample at each evaluation. */
  evalSamples: boolean;
}

/** A page's training options: Node's, and whether each evaluation brings a one-line sample
 *  (default true; the CLI's --no-eval-samples). */
export type PageTrainOptions = Partial<TrainOptions> & { evalSamples?: boolean };

/** The summary of a run, without the model (which travels as bytes). */
export type TrainSummary = Omit<TrainResult, 'model' | 'vocab' | 'checkpoint' | 'bestCheckpoint'>;

export type TrainEvent =
  | { kind: 'start'; info: TrainStart }
  | { kind: 'notice'; message: string }
  | { kind: 'step'; report: StepReport }
  | { kind: 'eval'; report: EvalReport; sample: string | null }
  | { kind: 'done'; summary: TrainSummary; bytes: Uint8Array }
  | { kind: 'error'; name: string; message: string; hint: string | undefined };

/** Page to worker, after the start message. */
export type TrainCommand = { kind: 'abort' };
