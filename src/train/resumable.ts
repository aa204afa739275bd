/**
 * The checkpoint a resumed run starts from, and the check that the run it continues is this one
 * (same model, vocabulary, corpus length and batches); what is saved and restored is resume.ts.
 */
import type { BatchPlan } from '../data/batches.js';
import { CharnnError } from '../errors.js';
import { loadCheckpoint, type Checkpoint, type LoadedTrainState } from '../io/checkpoint.js';
import type { ModelConfig } from '../model/config.js';
import type { Vocab } from '../tokenizer/vocab.js';

/** A checkpoint to resume from, with its training state. */
export interface Resumable {
  path: string;
  checkpoint: Checkpoint;
  state: LoadedTrainState;
}

export function loadResumable(path: string): Resumable {
  const checkpoint = loadCheckpoint(path, { trainState: true });
  if (checkpoint.trainState === null) {
    throw new CharnnError(
      `${path} has no training state to resume from (it is a best-model checkpoint, or was not written by charnn train)`,
      "resume from the run's latest checkpoint, NAME.safetensors, not NAME.best.safetensors",
    );
  }
  return { path, checkpoint, state: checkpoint.trainState };
}

/** The corpus, model and batches must be the checkpoint's, or the resumed run would not be the same run. */
export function checkSameRun(r: Resumable, config: ModelConfig, vocab: Vocab, trainTokens: number, plan: BatchPlan): void {
  const saved = r.checkpoint.meta;
  const m = saved.model;
  if (
    m.cell !== config.cell ||
    m.hidden !== config.hidden ||
    m.layers !== config.layers ||
    m.vocabSize !== config.vocabSize ||
    m.dropout !== config.dropout
  ) {
    throw new CharnnError(
      `${r.path}: cannot resume: the checkpoint is a ${m.cell} ${m.layers} x ${m.hidden} model with ${m.vocabSize} symbols, this run a ${config.cell} ${config.layers} x ${config.hidden} with ${config.vocabSize}`,
    );
  }
  if (saved.vocab.length !== vocab.symbols.length || saved.vocab.some((s, i) => s !== vocab.symbols[i])) {
    throw new CharnnError(
      `${r.path}: cannot resume: the corpus's vocabulary differs from the checkpoint's`,
      'resume on the same corpus the run was trained on',
    );
  }
  const j = r.state.json;
  if (j.train_tokens !== trainTokens || j.streams !== plan.streams || j.steps_per_batch !== plan.steps) {
    throw new CharnnError(
      `${r.path}: cannot resume: the training text has ${trainTokens} tokens in batches of ${plan.streams} x ${plan.steps}, the checkpoint's had ${String(j.train_tokens)} in ${String(j.streams)} x ${String(j.steps_per_batch)}`,
      'resume on the same corpus the run was trained on',
    );
  }
}
