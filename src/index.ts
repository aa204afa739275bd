/**
 * charnn as a library: train, load, sample, score and evaluate character language models.
 * The API shared by every platform; the package's entry for Node (node.ts) installs Node's
 * platform and adds what needs files. Nothing here prints or exits.
 *
 *   import { train, loadModel, sample, score, evaluate, fill } from 'charnn';
 */
import { encodeSource } from './data/corpus.js';
import { isCodePointSource, stringSource, type CodePointSource } from './data/source.js';
import { expectModel, type LoadedModel } from './api/loaded-model.js';
import { checkDirection, type Direction } from './model/config.js';
import { evaluateCorpus, type EvalResult } from './scoring/evaluate.js';
import { beamSearch, type BeamResult } from './generation/beam.js';
import { FILL_DEFAULTS, checkFillOptions, fillGaps, type FillOptions, type FillResult } from './generation/fill.js';
import { FILL_OPTIONS } from './generation/fill-options.js';
import { generate, type GenerateOptions } from './generation/generate.js';
import { charsOf } from './generation/sample.js';
import { SAMPLE_OPTIONS, sampleSettings, type SampleAsk } from './generation/sample-options.js';
import { asAsync } from './util/async-iter.js';
import { SentenceScorer, type ScoreDirection, type SentenceScore } from './scoring/sentence-scorer.js';
import { sentenceDistributions, topSymbols } from './scoring/distributions.js';
import { randomSeed, Rng } from './util/rng.js';
import { checkOptionNames, checkOptions } from './options/check-options.js';
import { describe, expectInteger, expectOptions, expectSignal, expectString } from './util/arguments.js';
import { UsageError } from './errors.js';
import { checkCopies as checkCopiesOf, COPY_SPAN, type CopyReport } from './copycheck/copy-check.js';
import { EVAL_OPTIONS, SCORE_OPTIONS, checkScoreOptions, type EvalOptions } from './scoring/score-options.js';

export { train, bestPathOf } from './train/loop.js';
export type { TrainCallbacks, TrainResult, TrainStart, StepReport, EvalReport } from './train/loop.js';
export { TRAIN_DEFAULTS, type TrainOptions } from './train/train-options.js';
export { CharnnError, UsageError } from './errors.js';
// Big corpora for train / evaluate without a JS string: UTF-8 bytes (and, in Node, a file read in chunks: fileSource).
export { bytesSource, type CodePointSource } from './data/source.js';
export { CharLM } from './model/charlm.js';
export { loadModel, saveModel, decodeModel, encodeModel, importTorchModel, type LoadedModel } from './api/loaded-model.js';
export { Vocab } from './tokenizer/vocab.js';
export type { ModelConfig, CellType, Direction } from './model/config.js';
export type { SentenceScore, ScoreDirection } from './scoring/sentence-scorer.js';
export type { EvalResult, ResetMode } from './scoring/evaluate.js';
export type { BeamResult } from './generation/beam.js';
export type { StopReason } from './generation/sample.js';
export type { FillOptions, FillResult, FillCandidate } from './generation/fill.js';
export type { CopyReport } from './copycheck/copy-check.js';
export { saveCheckpoint, loadCheckpoint, decodeCheckpoint } from './io/checkpoint.js';
// Charts of `train --log` files, as `charnn plot` draws them: parseRunLog(text, name) -> points, lossSvg(runs, options) -> SVG text.
export { parseRunLog, type RunLog, type RunPoint } from './plot/run-log.js';
export { lossSvg, type PlotRun, type PlotX, type SvgOptions } from './plot/svg.js';
export { setEngine, getEngine } from './engine/default-engine.js';
export { useWebGpu, type GpuInfo } from './engine/webgpu/use-webgpu.js';
export type { EngineName, Engine } from './engine/engine.js';

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
  const options = generateOptions('sample', loaded, request);
  return asAsync(charsOf(generate(loaded.model, loaded.vocab, options)), request.signal);
}

/** The most likely continuation of the prime by beam search (width `beam`, default 4), with its log-probability. */
export function beam(loaded: LoadedModel, request: SampleRequest = {}): Promise<BeamResult & { text: string }> {
  const options = generateOptions('beam', loaded, request, 4);
  return beamSearch(loaded.model, loaded.vocab, { ...options, width: options.beam! }).then((result) => ({
    ...result,
    text: result.chars.join(''),
  }));
}

/** The arguments of sample() and beam() checked, and the request as the generators take it. */
function generateOptions(fn: string, loaded: LoadedModel, request: SampleRequest, defaultBeam?: number): GenerateOptions {
  expectModel(fn, loaded);
  expectOptions(fn, 'request', request);
  request ??= {};
  checkOptionNames(fn, SAMPLE_OPTIONS, request, ['signal']);
  expectSignal(fn, 'request.signal', request.signal);
  const { signal: _signal, ...ask } = request;
  if (defaultBeam !== undefined) ask.beam ??= defaultBeam;
  const options = sampleSettings(ask, (seed) => new Rng(seed ?? randomSeed()), 'library', undefined, fn);
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
  expectModel('fill', loaded);
  expectString('fill', 'text', text);
  expectOptions('fill', 'options', options);
  checkOptionNames('fill', FILL_OPTIONS, options ?? {});
  const o = { ...FILL_DEFAULTS, ...options };
  checkFillOptions(o, 'library');
  return fillGaps(loaded.model, loaded.vocab, text, o);
}

/**
 * The probability of a sentence (a string: one result) or of each of several (an array: an
 * array of results), each from the zero state with <EOS> first. A sentence is text, never a
 * path: score a file's lines with evaluate(m, fileSource(path)), or split them yourself.
 */
export function score(loaded: LoadedModel, sentence: string, direction?: ScoreDirection): Promise<SentenceScore>;
export function score(loaded: LoadedModel, sentences: readonly string[], direction?: ScoreDirection): Promise<SentenceScore[]>;
export function score(
  loaded: LoadedModel,
  sentences: string | readonly string[],
  direction: ScoreDirection = 'forward',
): Promise<SentenceScore | SentenceScore[]> {
  expectModel('score', loaded);
  if (typeof sentences !== 'string' && !(Array.isArray(sentences) && sentences.every((s) => typeof s === 'string')))
    throw new UsageError(`score: sentences must be a string or an array of strings, got ${describe(sentences)}`);
  checkScoreOptions({ direction }, 'library');
  checkDirection(direction, loaded.model.config, 'library');
  const scorer = new SentenceScorer(loaded.model, loaded.vocab);
  if (typeof sentences === 'string') return scorer.score(sentences, direction);
  return (async () => {
    const out: SentenceScore[] = [];
    for (const s of sentences) out.push(await scorer.score(s, direction));
    return out;
  })();
}

/**
 * Log-probability of a whole text (one sentence per line): a string, which is always the text
 * itself (never a file name), or a source such as fileSource(path) for a file or folder.
 */
export function evaluate(loaded: LoadedModel, text: string | CodePointSource, options: Partial<EvalOptions> = {}): Promise<EvalResult> {
  expectModel('evaluate', loaded);
  if (typeof text !== 'string' && !isCodePointSource(text))
    throw new UsageError(`evaluate: text must be a string (the text itself) or a source such as fileSource(path), got ${describe(text)}`);
  expectOptions('evaluate', 'options', options);
  options ??= {};
  checkOptionNames('evaluate', EVAL_OPTIONS, options);
  checkOptions('evaluate', EVAL_OPTIONS, options);
  checkDirection(options.direction ?? 'forward', loaded.model.config, 'library');
  const corpus = encodeSource(typeof text === 'string' ? stringSource(text) : text, loaded.vocab);
  return evaluateCorpus(loaded.model, corpus, options.direction ?? 'forward', options.reset ?? 'line', {
    threads: options.threads ?? undefined,
  });
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
  expectModel('alternatives', loaded);
  expectString('alternatives', 'text', text);
  expectInteger('alternatives', 'k', k, 1);
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

/**
 * "Is it just copying?": for a generated text (one report) or several (an array), the longest
 * stretch found verbatim in a corpus, and the share of its characters inside stretches of at
 * least minSpan (20) characters found there. The corpus is a string (always the text itself) or
 * a source such as fileSource(paths); it is read once, in chunks, however big.
 */
export function checkCopies(text: string, corpus: string | CodePointSource, options?: { minSpan?: number }): CopyReport;
export function checkCopies(texts: readonly string[], corpus: string | CodePointSource, options?: { minSpan?: number }): CopyReport[];
export function checkCopies(
  texts: string | readonly string[],
  corpus: string | CodePointSource,
  options: { minSpan?: number } = {},
): CopyReport | CopyReport[] {
  if (typeof texts !== 'string' && !(Array.isArray(texts) && texts.every((t) => typeof t === 'string')))
    throw new UsageError(`checkCopies: texts must be a string or an array of strings, got ${describe(texts)}`);
  if (typeof corpus !== 'string' && !isCodePointSource(corpus))
    throw new UsageError(
      `checkCopies: corpus must be a string (the text itself) or a source such as fileSource(path), got ${describe(corpus)}`,
    );
  expectOptions('checkCopies', 'options', options);
  options ??= {};
  checkOptionNames('checkCopies', {}, options, ['minSpan']);
  expectInteger('checkCopies', 'options.minSpan', options.minSpan ?? COPY_SPAN, 1);
  const source = typeof corpus === 'string' ? stringSource(corpus, 'corpus') : corpus;
  const reports = checkCopiesOf(typeof texts === 'string' ? [texts] : texts, source, options.minSpan ?? COPY_SPAN);
  return typeof texts === 'string' ? reports[0] : reports;
}
