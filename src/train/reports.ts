/**
 * What train() reports through its callbacks as it runs, and returns at the end. The loop never
 * prints: each front end renders these its own way (a progress bar, a log line, a page).
 */
import type { BatchPlan } from '../data/batches.js';
import type { CharLM } from '../model/charlm.js';
import type { Vocab } from '../tokenizer/vocab.js';
import type { TrainOptions } from './train-options.js';

export interface TrainStart {
  vocabSize: number;
  parameters: number;
  trainTokens: number;
  valTokens: number;
  /** Characters encoded as <UNK>. */
  unk: number;
  /** Lines (sentences) of the corpus. */
  lines: number;
  /** Files it was read from (1 for a string or stdin). */
  files: number;
  plan: BatchPlan;
  /** Steps the run will take if no time limit or abort stops it first. */
  plannedSteps: number;
  /** What the time limit leaves this session (ms): the limit, less the run's earlier training
   *  time where the schedule follows the clock (cosine or linear with a time limit); null without one. */
  sessionTimeMs: number | null;
  /** Threads computing gradients (the batch's streams are split between them). */
  threads: number;
  options: TrainOptions;
}

export interface StepReport {
  step: number;
  /** Epochs done, fractional (1.5 = halfway through the second). */
  epoch: number;
  lossNats: number;
  lr: number;
  charsPerSec: number;
  elapsedS: number;
  gradNorm: number;
}

export interface EvalReport extends StepReport {
  valNats: number | null;
  bestValNats: number | null;
  checkpoint: string | null;
  improved: boolean;
}

export interface TrainCallbacks {
  onStart?(info: TrainStart): void;
  onNotice?(message: string): void;
  onStep?(report: StepReport): void;
  /** After each evaluation (and its checkpoints); training waits for a promise it returns (an
   *  async callback fits this type). */
  onEval?(report: EvalReport): unknown;
}

export interface TrainResult {
  model: CharLM;
  vocab: Vocab;
  steps: number;
  epoch: number;
  lossNats: number;
  valNats: number | null;
  bestValNats: number | null;
  checkpoint: string | null;
  bestCheckpoint: string | null;
  /** What stopped the run: a limit, an abort, or early stopping (`patience`: no better validation loss in that many evaluations). */
  stoppedBy: 'steps' | 'epochs' | 'time' | 'abort' | 'patience';
  /** With patience: evaluations since the best, and the best one's step (its checkpoint is bestCheckpoint, or an earlier session's). */
  early: { sinceBest: number; bestStep: number | null } | null;
}
