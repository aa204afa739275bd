/**
 * Everything `train` can be told, with every default in one commented block.
 * The resolved options are stored in the checkpoint's `training` metadata.
 */
import type { CellType } from '../model/config.js';
import type { OptimizerName } from './optimizer.js';

export interface TrainOptions {
  cell: CellType;
  hidden: number;
  layers: number;
  dropout: number;
  batch: number;
  seq: number;
  lr: number;
  optimizer: OptimizerName;
  clip: number;
  lrDecay: number;
  lrDecayAfter: number;
  /** Stop after this many epochs / optimizer steps / milliseconds; the first reached wins. */
  epochs: number | null;
  steps: number | null;
  timeMs: number | null;
  valFrac: number;
  /** Evaluate (and checkpoint) every this many steps; null = once per epoch. */
  evalEvery: number | null;
  minCount: number;
  seed: number;
  /** Threads computing gradients; null = every core. Results are repeatable for a given count. */
  threads: number | null;
  /** Checkpoint path; the best model by validation loss goes beside it (see bestPathOf). */
  out: string | null;
  /** Continue the run saved in this checkpoint exactly (see resume.ts); null = a new run. */
  resume: string | null;
  /** Where the corpus was read from, kept in the checkpoint so `--resume` can find it again. */
  corpusPath: string | null;
}

export const TRAIN_DEFAULTS: TrainOptions = {
  cell: 'lstm', // rnn | lstm | gru | bilstm
  hidden: 128, // H: units per layer
  layers: 2, // L: stacked layers (per direction for bilstm)
  dropout: 0, // between layers, as torch.nn.LSTM's dropout
  batch: 50, // B: parallel streams
  seq: 50, // T: steps of truncated backpropagation through time
  lr: 2e-3, // learning rate
  optimizer: 'adam', // adam | rmsprop | sgd (momentum 0.9)
  clip: 5, // global gradient-norm clip; 0 disables
  lrDecay: 0.97, // multiply the learning rate by this every epoch...
  lrDecayAfter: 10, // ...after this many epochs (char-rnn's schedule)
  epochs: null, // if no limit at all is given, `train` runs DEFAULT_EPOCHS
  steps: null,
  timeMs: null,
  valFrac: 0.1, // the last 10% of the corpus (cut at a line start) is validation text
  evalEvery: null, // validate and checkpoint once per epoch and at the end
  minCount: 2, // characters seen fewer times become <UNK>: singletons give <UNK> its share of probability (Good-Turing)
  seed: 1234,
  threads: null, // split each batch's streams over this many threads; null = all cores
  out: null, // checkpoints/<corpus-name>.safetensors
  resume: null,
  corpusPath: null,
};

/** Epochs to run when neither --epochs, --steps nor --time is given. */
export const DEFAULT_EPOCHS = 10;
