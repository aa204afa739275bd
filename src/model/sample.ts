/**
 * Generating text one symbol at a time. The model starts from the zero state reading <EOS>
 * (the start of a line), reads the prime, then draws each next symbol from its distribution
 * shaped by temperature, top-k and top-p. <UNK> is never drawn; <EOS> is a line end.
 *
 * The backward model of a bilstm generates right to left: it reads the prime reversed and
 * yields the symbols that come before it, nearest first.
 */
import { UsageError } from '../errors.js';
import { EOS_ID, UNK_ID, type Vocab } from '../tokenizer/vocab.js';
import type { Rng } from '../util/rng.js';
import type { CharLM } from './charlm.js';
import type { Direction } from './config.js';
import { DirectionRunner } from './runner.js';
import { zeroState } from './state.js';
import { PerModel } from './per-model.js';

export interface SampleOptions {
  /** 0 = greedy (always the most likely symbol); 1 = the model's own distribution. */
  temperature: number;
  /** Keep only the k most likely symbols; 0 = all. */
  topK: number;
  /** Keep the smallest set of most likely symbols whose probability reaches p; 1 = all. */
  topP: number;
  prime: string;
  /** Symbols to generate (an <EOS> counts as one). */
  length: number;
  direction: Direction;
  rng: Rng;
}

/** Yields generated symbols as characters ('\n' for <EOS>), in generation order. */
export function* sampleText(model: CharLM, vocab: Vocab, options: SampleOptions): Generator<string> {
  const V = model.config.vocabSize;
  const runner = samplingRunners.get(model, options.direction);
  const state = zeroState<Float32Array>(Float32Array, model.config.layers, 1, model.config.hidden);
  const input = new Int32Array(1);
  const probs = new Float64Array(V);
  const order = new Int32Array(V);

  // Prime: lines joined by <EOS>; the backward model reads the whole context reversed.
  const primeIds: number[] = [EOS_ID];
  const primeLines = options.prime.split(/\r\n|\r|\n/);
  primeLines.forEach((line, i) => {
    if (i > 0) primeIds.push(EOS_ID);
    primeIds.push(...vocab.encodeLine(line));
  });
  const context = options.direction === 'forward' ? primeIds : [EOS_ID, ...primeIds.slice(1).reverse()];

  let logits: Float32Array = runner.logits;
  for (const id of context) {
    input[0] = id;
    logits = runner.forward(input, 1, 1, state, null);
  }
  for (let n = 0; n < options.length; n++) {
    const id = drawSymbol(logits, V, options, probs, order);
    yield id === EOS_ID ? '\n' : vocab.symbolOf(id);
    input[0] = id;
    logits = runner.forward(input, 1, 1, state, null);
  }
}

/**
 * One single-step runner per (model, direction) for all its samples (see PerModel). Sharing is
 * safe: a sample draws from the logits right after its own forward step, with no yield between.
 */
const samplingRunners = new PerModel((model: CharLM, direction) => new DirectionRunner<Float32Array>(model, direction, 1, 1, Float32Array));

/** Picks the next symbol id from logits (V) under the options; never <UNK>. */
export function drawSymbol(logits: Float32Array, V: number, options: Pick<SampleOptions, 'temperature' | 'topK' | 'topP' | 'rng'>, probs: Float64Array, order: Int32Array): number {
  if (options.temperature === 0) {
    let best = -1;
    for (let v = 0; v < V; v++) if (v !== UNK_ID && (best < 0 || logits[v] > logits[best])) best = v;
    return best;
  }
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (v !== UNK_ID && logits[v] > max) max = logits[v];
  let sum = 0;
  for (let v = 0; v < V; v++) {
    probs[v] = v === UNK_ID ? 0 : Math.exp((logits[v] - max) / options.temperature);
    sum += probs[v];
  }
  for (let v = 0; v < V; v++) probs[v] /= sum;
  let candidates = V;
  if (options.topK > 0 || options.topP < 1) {
    // Most likely first; ties broken by id so results do not depend on the sort's stability.
    for (let v = 0; v < V; v++) order[v] = v;
    order.sort((a, b) => probs[b] - probs[a] || a - b);
    if (options.topK > 0) candidates = Math.min(candidates, options.topK);
    if (options.topP < 1) {
      let cumulative = 0;
      let keep = 0;
      while (keep < candidates) {
        cumulative += probs[order[keep]];
        keep++;
        if (cumulative >= options.topP) break;
      }
      candidates = Math.max(1, keep);
    }
    let kept = 0;
    for (let i = 0; i < candidates; i++) kept += probs[order[i]];
    let r = options.rng.next() * kept;
    for (let i = 0; i < candidates; i++) {
      r -= probs[order[i]];
      if (r < 0) return order[i];
    }
    return order[candidates - 1];
  }
  let r = options.rng.next();
  let last = -1;
  for (let v = 0; v < V; v++) {
    if (probs[v] === 0) continue;
    last = v;
    r -= probs[v];
    if (r < 0) return v;
  }
  return last; // rounding left r just above 0: the last possible symbol
}

export function checkSampleOptions(o: Pick<SampleOptions, 'temperature' | 'topK' | 'topP' | 'length'>): void {
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) throw new UsageError(`--temp must be a number >= 0, got ${o.temperature}`);
  if (!Number.isInteger(o.topK) || o.topK < 0) throw new UsageError(`--top-k must be an integer >= 0, got ${o.topK}`);
  if (!(o.topP >= 0 && o.topP <= 1)) throw new UsageError(`--top-p must be in [0, 1], got ${o.topP}`);
  if (!Number.isInteger(o.length) || o.length < 0) throw new UsageError(`--length must be an integer >= 0, got ${o.length}`);
}
