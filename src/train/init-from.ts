/**
 * Fine-tuning (`train NEW --init MODEL`): a new run that starts from a trained model's weights,
 * configuration and vocabulary instead of random weights, with a fresh optimizer state and step
 * count. The architecture (cell, hidden, layers) is the model's: an option that would change it
 * is a usage error; dropout is the model's unless given; everything else is a new run's.
 *
 * With extendVocab, characters of the new text that the model never saw become new symbols:
 * every existing symbol keeps its id, and the new ones get new columns of the input weights
 * (weight_ih_l0) and new rows of the decoder, initialised as a fresh model's are (initParams).
 */
import { UsageError } from '../errors.js';
import { loadCheckpoint, type Checkpoint } from '../io/checkpoint.js';
import type { ModelConfig } from '../model/config.js';
import { hostParams, paramSpecs, prefixOf, type ParamSet } from '../model/param-set.js';
import { nameOf, type Naming } from '../options/check-options.js';
import type { Rng } from '../util/rng.js';
import { TRAIN_OPTIONS, type TrainOptions } from './train-options.js';
import { Vocab } from '../tokenizer/vocab.js';
import { formatCountOf } from '../util/format-count.js';
import type { BaseVocab, PreparedCorpus } from './prepare.js';

/** The model a run starts from, and what the new checkpoint records of it. */
export interface InitModel {
  path: string;
  checkpoint: Checkpoint;
}

/** What a fine-tuned checkpoint records of the model it started from (training.init_from). */
export function initRecord(init: InitModel): Record<string, unknown> {
  const { training, progress } = init.checkpoint.meta;
  return { path: init.path, corpus: training.corpus ?? null, steps: progress.step, val_nats: progress.valNats };
}

/** The vocabulary a run from `base` keeps (a new run may extend it; a resumed one has already). */
export function baseVocabOf(base: InitModel, extend: boolean): BaseVocab {
  return { vocab: Vocab.fromSymbols(base.checkpoint.meta.vocab), extend };
}

/** What a run from a model says of its vocabulary: the characters it added, those left as <UNK>. */
export function vocabularyNotes(p: PreparedCorpus): string[] {
  const notes: string[] = [];
  const shown = (chars: readonly string[]) => chars.map((c) => (c === ' ' ? '␠' : c === '\t' ? '\\t' : c)).join(' ');
  if (p.added.length > 0)
    notes.push(
      `added ${formatCountOf(p.added.length, 'character')} to the model's vocabulary: ${shown(p.added.slice(0, 20))}${p.added.length > 20 ? ' ...' : ''}`,
    );
  if (p.outside) {
    const { count, of, commonest, kinds } = p.outside;
    notes.push(
      `${formatCountOf(count, 'character')} (${((100 * count) / of).toFixed(1)}%) ${count === 1 ? 'is' : 'are'} outside the model's vocabulary and count as <UNK>: ${shown(commonest)}${kinds > commonest.length ? ' ...' : ''}`,
    );
  }
  return notes;
}

export function loadInit(path: string): InitModel {
  return { path, checkpoint: loadCheckpoint(path) };
}

const ARCHITECTURE = ['cell', 'hidden', 'layers'] as const;

/**
 * The options of a run from `model`: its architecture and dropout, then what was given. An
 * architecture option given that differs from the model's is a usage error naming it.
 */
export function initOptions(model: ModelConfig, path: string, given: Partial<TrainOptions>, naming: Naming): Partial<TrainOptions> {
  for (const key of ARCHITECTURE) {
    const value = given[key];
    if (value !== undefined && value !== model[key]) {
      const name = nameOf(TRAIN_OPTIONS, key, naming);
      throw new UsageError(
        `${name} ${value} differs from the model's ${model[key]} (${path}): fine-tuning keeps the model's ${ARCHITECTURE.map((k) => nameOf(TRAIN_OPTIONS, k, naming)).join(', ')}`,
        `leave ${name} out, or train a new model without ${nameOf(TRAIN_OPTIONS, 'init', naming)}`,
      );
    }
  }
  return { cell: model.cell, hidden: model.hidden, layers: model.layers, dropout: model.dropout, ...given };
}

/**
 * The model's weights for a vocabulary grown from `from.vocabSize` to `to.vocabSize` symbols
 * (the same weights when it has not grown). New input columns and decoder rows are drawn as
 * initParams draws a fresh model's: U(-1/sqrt(H), 1/sqrt(H)).
 */
export function extendWeights(weights: ParamSet<Float32Array>, from: ModelConfig, to: ModelConfig, rng: Rng): ParamSet<Float32Array> {
  if (to.vocabSize === from.vocabSize) return weights;
  const out = hostParams(paramSpecs(to));
  const bound = 1 / Math.sqrt(to.hidden);
  const fresh = () => rng.uniform(-bound, bound);
  const [V, W, H] = [from.vocabSize, to.vocabSize, to.hidden];
  for (const spec of paramSpecs(to)) {
    const src = weights.get(spec.name); // the same names in both: only the vocabulary's dimension grew
    const dst = out.get(spec.name);
    const p = spec.name.startsWith(prefixOf('backward')) ? prefixOf('backward') : prefixOf('forward');
    if (spec.name === `${p}rnn.weight_ih_l0`) {
      // (G*H, V) -> (G*H, W): each row keeps its V columns, then W - V new ones.
      for (let r = 0; r < spec.shape[0]; r++) {
        dst.set(src.subarray(r * V, (r + 1) * V), r * W);
        for (let c = V; c < W; c++) dst[r * W + c] = fresh();
      }
    } else if (spec.name === `${p}decoder.weight`) {
      // (V, H) -> (W, H): V rows kept, W - V new ones.
      dst.set(src);
      for (let i = V * H; i < W * H; i++) dst[i] = fresh();
    } else if (spec.name === `${p}decoder.bias`) {
      dst.set(src);
      for (let i = V; i < W; i++) dst[i] = fresh();
    } else dst.set(src);
  }
  return out;
}
