/**
 * charnn as a library: train, load, sample, score and evaluate character language models.
 * No side effects on import; nothing here prints or exits.
 *
 *   import { train, loadModel, sample, score, evaluate } from 'charnn';
 */
import { encodeSource } from './data/corpus.js';
import { stringSource, type CodePointSource } from './data/source.js';
import { loadCheckpoint, type CheckpointMeta } from './io/checkpoint.js';
import { importStateDict, readVocabJson } from './io/torch-import.js';
import { CharLM } from './model/charlm.js';
import type { CellType, Direction } from './model/config.js';
import { evaluateCorpus, type EvalResult, type ResetMode } from './model/evaluate.js';
import { checkSampleOptions, sampleText } from './model/sample.js';
import { SentenceScorer, type ScoreDirection, type SentenceScore } from './model/score.js';
import { Vocab } from './tokenizer/vocab.js';
import { randomSeed, Rng } from './util/rng.js';
import { UsageError } from './errors.js';

export { train, bestPathOf } from './train/loop.js';
export type { TrainCallbacks, TrainResult, TrainStart, StepReport, EvalReport } from './train/loop.js';
export { TRAIN_DEFAULTS, type TrainOptions } from './train/options.js';
export { CharnnError, UsageError } from './errors.js';
// Big corpora for train / evaluate without a JS string: a file read in chunks, or UTF-8 bytes.
export { fileSource, bytesSource, type CodePointSource } from './data/source.js';
export { CharLM } from './model/charlm.js';
export { Vocab } from './tokenizer/vocab.js';
export type { ModelConfig, CellType, Direction } from './model/config.js';
export type { SentenceScore, ScoreDirection } from './model/score.js';
export type { EvalResult, ResetMode } from './model/evaluate.js';
export { saveCheckpoint, loadCheckpoint } from './io/checkpoint.js';
export { setEngine, getEngine, type Engine } from './tensor/backend.js';

/** A trained model with its vocabulary, as read from a checkpoint. */
export interface LoadedModel {
  model: CharLM;
  vocab: Vocab;
  meta: CheckpointMeta;
}

export function loadModel(path: string): LoadedModel {
  const { params, meta } = loadCheckpoint(path);
  return { model: new CharLM(meta.model, params), vocab: Vocab.fromSymbols(meta.vocab), meta };
}

export interface SampleRequest {
  temperature?: number;
  topK?: number;
  topP?: number;
  prime?: string;
  length?: number;
  seed?: number;
  direction?: Direction;
}

/** Generated characters one at a time ('\n' for a line end), after the prime. */
export function sample(loaded: LoadedModel, request: SampleRequest = {}): Iterable<string> {
  const options = {
    temperature: request.temperature ?? 1,
    topK: request.topK ?? 0,
    topP: request.topP ?? 1,
    prime: request.prime ?? '',
    length: request.length ?? 500,
    direction: request.direction ?? 'forward',
    rng: new Rng(request.seed ?? randomSeed()),
  };
  checkSampleOptions(options);
  checkDirection(loaded, options.direction);
  return sampleText(loaded.model, loaded.vocab, options);
}

/** The probability of each sentence (one line each), from the zero state with <EOS> first. */
export function score(loaded: LoadedModel, sentences: string[], direction: ScoreDirection = 'forward'): SentenceScore[] {
  checkDirection(loaded, direction);
  const scorer = new SentenceScorer(loaded.model, loaded.vocab);
  return sentences.map((s) => scorer.score(s, direction));
}

/** Log-probability of a whole text (one sentence per line): a string, or a source such as fileSource(path). */
export function evaluate(
  loaded: LoadedModel,
  text: string | CodePointSource,
  options: { reset?: ResetMode; direction?: ScoreDirection; threads?: number } = {},
): EvalResult {
  checkDirection(loaded, options.direction ?? 'forward');
  const corpus = encodeSource(typeof text === 'string' ? stringSource(text) : text, loaded.vocab);
  return evaluateCorpus(loaded.model, corpus, options.direction ?? 'forward', options.reset ?? 'line', { threads: options.threads });
}

/** Only a bilstm has a backward model (and so 'backward' and 'both'). */
function checkDirection(loaded: LoadedModel, direction: ScoreDirection): void {
  if (direction !== 'forward' && loaded.model.config.cell !== 'bilstm') {
    throw new UsageError(`direction ${direction} needs a bilstm model; this one is ${loaded.model.config.cell}`);
  }
}

/**
 * A model from a PyTorch state_dict saved with safetensors (the names of the README's
 * "Continue in PyTorch" modules) and its vocabulary (an array of symbols in id order, or the
 * path of a JSON file holding one). Save it with saveCheckpoint(path, m.model.params, m.meta).
 */
export function importTorchModel(weightsPath: string, vocab: readonly string[] | string, cell: CellType): LoadedModel {
  const symbols = typeof vocab === 'string' ? readVocabJson(vocab) : vocab;
  const { params, meta } = importStateDict(weightsPath, symbols, cell);
  return { model: new CharLM(meta.model, params), vocab: Vocab.fromSymbols(meta.vocab), meta };
}
