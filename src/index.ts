/**
 * charnn as a library: train, load, sample, score and evaluate character language models.
 * The API shared by every platform; the package's entry for Node (node.ts) installs Node's
 * platform and adds what needs files. Nothing here prints or exits.
 *
 *   import { train, loadModel, sample, score, evaluate, fill } from 'charnn';
 */
import { encodeSource } from './data/corpus.js';
import { stringSource, type CodePointSource } from './data/source.js';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointMeta } from './io/checkpoint.js';
import { importStateDict, readVocabJson } from './io/torch-import.js';
import { CharLM } from './model/charlm.js';
import { checkDirection, type CellType, type Direction } from './model/config.js';
import { evaluateCorpus, type EvalResult } from './scoring/evaluate.js';
import { beamSearch, type BeamResult } from './generation/beam.js';
import { FILL_DEFAULTS, checkFillOptions, fillGaps, type FillOptions, type FillResult } from './generation/fill.js';
import { generate, type GenerateOptions } from './generation/generate.js';
import { charsOf } from './generation/sample.js';
import { sampleSettings, type SampleAsk } from './generation/sample-options.js';
import { asAsync } from './util/async-iter.js';
import { SentenceScorer, type ScoreDirection, type SentenceScore } from './scoring/sentence-scorer.js';
import { sentenceDistributions, topSymbols } from './scoring/distributions.js';
import { Vocab } from './tokenizer/vocab.js';
import { randomSeed, Rng } from './util/rng.js';
import { checkOptions } from './options/check-options.js';
import { EVAL_OPTIONS, SCORE_OPTIONS, checkScoreOptions, type EvalOptions } from './scoring/score-options.js';

export { train, bestPathOf } from './train/loop.js';
export type { TrainCallbacks, TrainResult, TrainStart, StepReport, EvalReport } from './train/loop.js';
export { TRAIN_DEFAULTS, type TrainOptions } from './train/train-options.js';
export { CharnnError, UsageError } from './errors.js';
// Big corpora for train / evaluate without a JS string: UTF-8 bytes (and, in Node, a file read in chunks: fileSource).
export { bytesSource, type CodePointSource } from './data/source.js';
export { CharLM } from './model/charlm.js';
export { Vocab } from './tokenizer/vocab.js';
export type { ModelConfig, CellType, Direction } from './model/config.js';
export type { SentenceScore, ScoreDirection } from './scoring/sentence-scorer.js';
export type { EvalResult, ResetMode } from './scoring/evaluate.js';
export type { BeamResult } from './generation/beam.js';
export type { StopReason } from './generation/sample.js';
export type { FillOptions, FillResult, FillCandidate } from './generation/fill.js';
export { saveCheckpoint, loadCheckpoint, decodeCheckpoint } from './io/checkpoint.js';
// Charts of `train --log` files, as `charnn plot` draws them: parseRunLog(text, name) -> points, lossSvg(runs, options) -> SVG text.
export { parseRunLog, type RunLog, type RunPoint } from './plot/run-log.js';
export { lossSvg, type PlotRun, type PlotX, type SvgOptions } from './plot/svg.js';
export { setEngine, getEngine } from './engine/default-engine.js';
export { useWebGpu, type GpuInfo } from './engine/webgpu/use-webgpu.js';
export type { EngineName, Engine } from './engine/engine.js';

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

/** A model from a checkpoint's bytes (a download, a File's); `name` names it in errors. */
export function decodeModel(bytes: Uint8Array, name = 'checkpoint'): LoadedModel {
  const { params, meta } = decodeCheckpoint(bytes, name);
  return { model: new CharLM(meta.model, params), vocab: Vocab.fromSymbols(meta.vocab), meta };
}

/** A model's checkpoint bytes (its weights read back from its engine), the model alone: what
 *  saveModel writes, and what `charnn` loads. */
export async function encodeModel(loaded: LoadedModel): Promise<Uint8Array> {
  return encodeCheckpoint(await loaded.model.hostWeights(), loaded.meta);
}

/** Writes a model to a checkpoint file (its weights read back from its engine). */
export async function saveModel(path: string, loaded: LoadedModel): Promise<void> {
  saveCheckpoint(path, await loaded.model.hostWeights(), loaded.meta);
}

/** Options of sample() and beam(), as `charnn sample`'s flags (src/generation/sample-options.ts);
 *  every one is optional. */
export type SampleRequest = SampleAsk & {
  /** Abort generation: the iteration rejects with the signal's reason. */
  signal?: AbortSignal;
};

/**
 * Generated characters one at a time ('\n' for a line end), after the prime, as an async
 * iterator: `for await (const ch of sample(m, { prime: 'The ' })) ...`. Bad options throw a
 * UsageError at once, before any iteration. The event loop runs every few milliseconds while
 * sampling, so `signal` and timers are honoured; a beam search runs whole at the first step.
 */
export function sample(loaded: LoadedModel, request: SampleRequest = {}): AsyncGenerator<string, void, void> {
  const options = generateOptions(loaded, request);
  return asAsync(charsOf(generate(loaded.model, loaded.vocab, options)), request.signal);
}

/** The most likely continuation of the prime by beam search (width `beam`, default 4), with its log-probability. */
export function beam(loaded: LoadedModel, request: SampleRequest = {}): Promise<BeamResult & { text: string }> {
  const options = generateOptions(loaded, { ...request, beam: request.beam ?? 4 });
  return beamSearch(loaded.model, loaded.vocab, { ...options, width: options.beam! }).then((result) => ({
    ...result,
    text: result.chars.join(''),
  }));
}

function generateOptions(loaded: LoadedModel, request: SampleRequest): GenerateOptions {
  const { signal: _signal, ...ask } = request;
  const options = sampleSettings(ask, (seed) => new Rng(seed ?? randomSeed()), 'library');
  checkDirection(options.direction, loaded.model.config, 'library');
  return options;
}

/**
 * Fills the gaps of a sentence: `_` is one missing character, `*` one to maxGap (8) of them.
 * Candidates are proposed by a beam search with each direction and ranked by the mean of the
 * forward and backward log-probabilities of the whole sentence (forward only for a model with
 * one direction). See src/generation/fill.ts.
 */
export function fill(loaded: LoadedModel, text: string, options: Partial<FillOptions> = {}): Promise<FillResult> {
  const o = { ...FILL_DEFAULTS, ...options };
  checkFillOptions(o, 'library');
  return fillGaps(loaded.model, loaded.vocab, text, o);
}

/** The probability of each sentence (one line each), from the zero state with <EOS> first. */
export function score(loaded: LoadedModel, sentences: string[], direction: ScoreDirection = 'forward'): Promise<SentenceScore[]> {
  checkScoreOptions({ direction }, 'library');
  checkDirection(direction, loaded.model.config, 'library');
  const scorer = new SentenceScorer(loaded.model, loaded.vocab);
  return (async () => {
    const out: SentenceScore[] = [];
    for (const s of sentences) out.push(await scorer.score(s, direction));
    return out;
  })();
}

/** Log-probability of a whole text (one sentence per line): a string, or a source such as fileSource(path). */
export function evaluate(loaded: LoadedModel, text: string | CodePointSource, options: Partial<EvalOptions> = {}): Promise<EvalResult> {
  checkOptions('evaluate', EVAL_OPTIONS, options);
  checkDirection(options.direction ?? 'forward', loaded.model.config, 'library');
  const corpus = encodeSource(typeof text === 'string' ? stringSource(text) : text, loaded.vocab);
  return evaluateCorpus(loaded.model, corpus, options.direction ?? 'forward', options.reset ?? 'line', {
    threads: options.threads ?? undefined,
  });
}

/**
 * A model from a PyTorch state_dict saved with safetensors (the names of the README's
 * "Continue in PyTorch" modules) and its vocabulary (an array of symbols in id order, or the
 * path of a JSON file holding one). Save it with saveModel(path, m).
 */
export function importTorchModel(weightsPath: string, vocab: readonly string[] | string, cell: CellType): LoadedModel {
  const symbols = typeof vocab === 'string' ? readVocabJson(vocab) : vocab;
  const { params, meta } = importStateDict(weightsPath, symbols, cell);
  return { model: new CharLM(meta.model, params), vocab: Vocab.fromSymbols(meta.vocab), meta };
}

/** One position of a sentence as `score --top` shows it: the symbol there, and the k most likely. */
export interface Alternatives {
  /** The character at this position ('<EOS>' at the end, '<UNK>' for one not in the vocabulary). */
  symbol: string;
  logprobLn: number;
  top: { symbol: string; logprobLn: number }[];
}

/** For each character of a sentence and its closing <EOS>: the k symbols the model found most likely there. */
export function alternatives(loaded: LoadedModel, text: string, k = 5, direction: Direction = 'forward'): Promise<Alternatives[]> {
  checkOptions('alternatives', { k: SCORE_OPTIONS.top, direction: EVAL_OPTIONS.direction }, { k, direction });
  checkDirection(direction, loaded.model.config, 'library');
  return sentenceDistributions(loaded.model, loaded.vocab, text, direction).then((d) =>
    Array.from(d.targets, (id, i) => ({
      symbol: loaded.vocab.symbolOf(id),
      logprobLn: d.logProbs[i * d.V + id],
      top: topSymbols(d, i, k).map((t) => ({ symbol: loaded.vocab.symbolOf(t.id), logprobLn: t.logprobLn })),
    })),
  );
}
