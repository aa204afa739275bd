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
import { InferenceRunner } from './inference.js';
import { copyState, zeroState, type RecurrentState } from './state.js';
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
  const shared = samplingSteppers.get(model, options.direction);
  const session: SampleSession = { saved: zeroState<Float32Array>(Float32Array, model.config.layers, 1, model.config.hidden) };
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

  const runner = shared.acquire(session);
  // Only the last context step's logits are drawn from: the others skip the decoder.
  for (let i = 0; i + 1 < context.length; i++) runner.step(context[i], false);
  let logits = runner.step(context[context.length - 1], true)!;
  try {
    for (let n = 0; n < options.length; n++) {
      const id = drawSymbol(logits, V, options, probs, order);
      yield id === EOS_ID ? '\n' : vocab.symbolOf(id);
      if (n + 1 < options.length) logits = shared.acquire(session).step(id, true)!;
    }
  } finally {
    shared.release(session);
  }
}

/** One generator's carried state while another generator of the same model holds the runner. */
interface SampleSession {
  saved: RecurrentState<Float32Array>;
}

/**
 * One single-step runner per (model, direction) for all its samples (see PerModel), with its
 * carried state handed over between interleaved generators: a generator acquires the runner
 * before each step (free when it still holds it: one comparison), and whoever takes it over
 * saves the holder's state first. A sample draws from the logits right after its own step,
 * with no yield between, so the logits buffer needs no hand-over.
 */
class SharedStepper {
  private holder: SampleSession | null = null;

  constructor(private readonly runner: InferenceRunner<Float32Array>) {}

  acquire(session: SampleSession): InferenceRunner<Float32Array> {
    if (this.holder !== session) {
      if (this.holder !== null) copyState(this.holder.saved, this.runner.state);
      copyState(this.runner.state, session.saved);
      this.holder = session;
    }
    return this.runner;
  }

  release(session: SampleSession): void {
    if (this.holder === session) this.holder = null;
  }
}

const samplingSteppers = new PerModel((model: CharLM, direction) => new SharedStepper(new InferenceRunner<Float32Array>(model, direction, 1)));

/** Picks the next symbol id from logits (V) under the options; never <UNK>. */
export function drawSymbol(logits: Float32Array, V: number, options: Pick<SampleOptions, 'temperature' | 'topK' | 'topP' | 'rng'>, probs: Float64Array, order: Int32Array): number {
  if (options.temperature === 0) {
    let best = -1;
    for (let v = 0; v < V; v++) if (v !== UNK_ID && (best < 0 || logits[v] > logits[best])) best = v;
    return best;
  }
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (v !== UNK_ID && logits[v] > max) max = logits[v];
  const temperature = options.temperature;
  let sum = 0;
  for (let v = 0; v < V; v++) {
    probs[v] = v === UNK_ID ? 0 : Math.exp((logits[v] - max) / temperature);
    sum += probs[v];
  }
  if (options.topK > 0 || options.topP < 1) {
    for (let v = 0; v < V; v++) probs[v] /= sum;
    let candidates = V;
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
  // The CDF walk over probs / sum, each normalised only when reached (the same quotients as
  // normalising them all first, without the divisions past the drawn symbol).
  let r = options.rng.next();
  let last = -1;
  for (let v = 0; v < V; v++) {
    const p = probs[v] / sum;
    if (p === 0) continue;
    last = v;
    r -= p;
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
