/**
 * Generating text one symbol at a time. The model starts from the zero state reading <EOS>
 * (the start of a line), reads the prime, then draws each next symbol from its distribution
 * shaped, in this order, by:
 *
 *   1. the repetition penalty on the logits (repeat-penalty.ts; off at R = 1);
 *   2. the temperature: p = softmax(logits / T) (T = 0: greedy, the most likely symbol);
 *   3. top-k, top-p and min-p, each a filter on that one distribution p: the k most likely,
 *      the smallest most-likely set whose p adds up to top-p, and those with
 *      p >= min-p x max p. A symbol is kept when all three keep it (so their order does not
 *      matter), and the draw is from the kept symbols' p renormalised.
 *
 * <UNK> is never drawn; <EOS> is a line end. Generation ends after `length` symbols, at the
 * `lines`-th <EOS> (not yielded: it is the sample's final line end), or when the generated text
 * ends with a stop string (not yielded either; see stop.ts), whichever comes first.
 *
 * The backward model of a bilstm generates right to left: it reads the prime reversed and
 * yields the symbols that come before it, nearest first.
 */
import type { CharLM } from '../model/charlm.js';
import type { Direction } from '../model/config.js';
import { InferenceRunner } from '../model/inference-runner.js';
import { PerModel } from '../model/per-model.js';
import { copyStateOut, loadState, saveState, zeroHostState, type HostState } from '../model/recurrent-state.js';
import { isCpuEngine, type CpuEngine } from '../engine/engine.js';
import type { Floats } from '../engine/floats.js';
import { EOS_ID, UNK_ID, type Vocab } from '../tokenizer/vocab.js';
import { exp } from '../numerics/fdlibm.js';
import type { Rng } from '../util/rng.js';
import { RepeatWindow } from './repeat-penalty.js';
import { StopMatcher, stopSequences } from './stop.js';

/** Symbols generated when no length is given; with a stop string or a line count, a cap. */
export const DEFAULT_LENGTH = 500;
export const DEFAULT_LENGTH_WITH_STOP = 10_000;

export function defaultLength(stop: readonly string[] | undefined, lines: number | undefined): number {
  return (stop && stop.length > 0) || (lines ?? 0) > 0 ? DEFAULT_LENGTH_WITH_STOP : DEFAULT_LENGTH;
}

/** Why a sample ended. */
export type StopReason = 'length' | 'lines' | 'stop';

/** What a sample generator returns when done. */
export interface SampleEnd {
  stoppedBy: StopReason;
  /** Symbols generated, the stop string or the final line end included. */
  symbols: number;
}

export interface SampleOptions {
  /** 0 = greedy (always the most likely symbol); 1 = the model's own distribution. */
  temperature: number;
  /** Keep only the k most likely symbols; 0 = all. */
  topK: number;
  /** Keep the smallest set of most likely symbols whose probability reaches p; 1 = all. */
  topP: number;
  /** Keep only symbols with probability >= minP x the top probability; 0 = all. */
  minP?: number;
  /** CTRL repetition penalty R on the symbols of the last `repeatLast` read; 1 = off. */
  repeatPenalty?: number;
  /** The penalty's window: the last N symbols read (prime) or generated. Default 64. */
  repeatLast?: number;
  prime: string;
  /** At most this many symbols (an <EOS> counts as one). */
  length: number;
  /** Stop at the lines-th generated <EOS>; 0 = no limit. */
  lines?: number;
  /** Stop when the generated text ends with one of these (not yielded). */
  stop?: readonly string[];
  direction: Direction;
  rng: Rng;
}

export const DEFAULT_REPEAT_LAST = 64;

/** The context a generator reads first: <EOS>, then the prime (lines joined by <EOS>), in the
 *  direction's reading order (the backward model reads the prime reversed). */
export function primeContext(vocab: Vocab, prime: string, direction: Direction): number[] {
  const primeIds: number[] = [EOS_ID];
  prime.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (i > 0) primeIds.push(EOS_ID);
    primeIds.push(...vocab.encodeLine(line));
  });
  return direction === 'forward' ? primeIds : [EOS_ID, ...primeIds.slice(1).reverse()];
}

/** Characters per piece of samplePieces (fewer where a line ends). */
const PIECE = 64;

/**
 * Yields the generated text in pieces, in generation order ('\n' for <EOS>): on a CPU engine a
 * piece is up to PIECE characters, cut after a line end, made without an await in between (a
 * yield per character costs a measurable share of a small model's time); elsewhere a piece per
 * step. Returns how it ended.
 */
export async function* samplePieces(model: CharLM, vocab: Vocab, options: SampleOptions): AsyncGenerator<string, SampleEnd, void> {
  const V = model.config.vocabSize;
  const session: SampleSession = {
    saved: zeroHostState(model.engine, model.config.layers, 1, model.config.hidden),
    logits: new Float32Array(V),
  };
  const probs = new Float64Array(V);
  const order = new Int32Array(V);
  const context = primeContext(vocab, options.prime, options.direction);
  const penalty =
    (options.repeatPenalty ?? 1) !== 1 ? new RepeatWindow(V, options.repeatLast ?? DEFAULT_REPEAT_LAST, options.repeatPenalty!) : null;
  const penalised = penalty ? new Float32Array(V) : null;
  if (penalty) for (let i = 1; i < context.length; i++) penalty.push(context[i]);
  const stop = new StopMatcher(stopSequences(options.stop ?? [], options.direction === 'backward'));
  const maxLines = options.lines ?? 0;
  let lines = 0;

  const engine = model.engine;
  /** One step of this sample's: at once on a CPU engine (undefined), else a promise to await. */
  const stepper = isCpuEngine(engine) ? steppers.now(model, options.direction) : null;
  const step: (run: (runner: InferenceRunner) => void) => Promise<void> | undefined =
    stepper && isCpuEngine(engine)
      ? (run) => void stepper.stepNow(engine, session, run)
      : (run) => steppers.use(model, options.direction, (s) => s.step(session, run));
  let piece = '';
  try {
    // Only the last context step's logits are drawn from: the others skip the decoder.
    const first = step((runner) => {
      for (let i = 0; i + 1 < context.length; i++) runner.step(context[i], false);
      runner.step(context[context.length - 1], true);
    });
    if (first) await first;
    for (let n = 0; n < options.length; n++) {
      const logits = session.logits;
      const id = drawSymbol(penalty ? penalty.apply(logits, penalised!) : logits, V, options, probs, order);
      const released = stop.push(id === EOS_ID ? '\n' : vocab.symbolOf(id));
      if (stop.matched) {
        yield piece + released.join('');
        piece = '';
        return { stoppedBy: 'stop', symbols: n + 1 };
      }
      if (id === EOS_ID && maxLines > 0 && ++lines === maxLines) {
        // The last line end is the sample's own end: everything before it, not it.
        const rest = [...released, ...stop.flush()];
        yield piece + rest.slice(0, -1).join('');
        piece = '';
        return { stoppedBy: 'lines', symbols: n + 1 };
      }
      for (const ch of released) piece += ch;
      penalty?.push(id);
      if (n + 1 < options.length) {
        const pending = step((runner) => runner.step(id, true));
        if (pending) {
          yield piece;
          piece = '';
          await pending;
        } else if (piece.length >= PIECE || id === EOS_ID) {
          yield piece;
          piece = '';
        }
      }
    }
    yield piece + stop.flush().join('');
    piece = '';
    return { stoppedBy: 'length', symbols: options.length };
  } finally {
    if (isCpuEngine(engine)) steppers.now(model, options.direction).release(session);
    else await steppers.use(model, options.direction, (s) => s.release(session));
  }
}

/** samplePieces one character at a time. */
export function sampleText(model: CharLM, vocab: Vocab, options: SampleOptions): AsyncGenerator<string, SampleEnd, void> {
  return charsOf(samplePieces(model, vocab, options));
}

/** The characters of pieces of text, one at a time, and the pieces' end. */
export async function* charsOf<E>(pieces: AsyncGenerator<string, E, void>): AsyncGenerator<string, E, void> {
  for (;;) {
    const r = await pieces.next();
    if (r.done) return r.value;
    for (const ch of r.value) yield ch;
  }
}

/** One generator's state while another generator of the same model holds the runner, and the
 *  logits it draws from next. */
interface SampleSession {
  saved: HostState;
  logits: Float32Array;
}

/**
 * One single-step runner per (model, direction) for all its samples (see PerModel), with its
 * carried state handed over between interleaved generators: whoever steps a session that does
 * not hold the runner saves the holder's state first and loads the session's. The logits go to
 * the session right after its own step, in the same exclusive use of the runner.
 */
class SharedStepper {
  private holder: SampleSession | null = null;

  constructor(private readonly runner: InferenceRunner) {}

  async step(session: SampleSession, run: (runner: InferenceRunner) => void): Promise<void> {
    const { runner } = this;
    if (this.holder !== session) {
      if (this.holder !== null) await saveState(runner.engine, runner.state, this.holder.saved);
      loadState(runner.engine, runner.state, session.saved);
      this.holder = session;
    }
    run(runner);
    await runner.engine.read(runner.logits, session.logits, 0, session.logits.length);
  }

  /**
   * step() on a CPU engine, whose memory is read in place, at once: the same copies with no await
   * in between, so no other generator can come in and none needs to wait (a character is a few
   * microseconds of work, and each await costs about one).
   */
  stepNow(engine: CpuEngine, session: SampleSession, run: (runner: InferenceRunner) => void): void {
    const { runner } = this;
    if (this.holder !== session) {
      if (this.holder !== null) copyStateOut(engine, runner.state, this.holder.saved);
      loadState(engine, runner.state, session.saved);
      this.holder = session;
    }
    run(runner);
    this.logitsRow ??= engine.floatsOf(runner.logits).subarray(0, session.logits.length);
    session.logits.set(this.logitsRow);
  }

  /** The first row of the runner's logits, seen in place (a CPU engine's). */
  private logitsRow: Floats | undefined;

  release(session: SampleSession): void {
    if (this.holder === session) this.holder = null;
  }
}

const steppers = new PerModel((model: CharLM, direction) => new SharedStepper(new InferenceRunner(model, direction, 1)));

/** Picks the next symbol id from logits (V) under the options; never <UNK>. */
export function drawSymbol(
  logits: Float32Array,
  V: number,
  options: Pick<SampleOptions, 'temperature' | 'topK' | 'topP' | 'minP' | 'rng'>,
  probs: Float64Array,
  order: Int32Array,
): number {
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
    probs[v] = v === UNK_ID ? 0 : exp((logits[v] - max) / temperature);
    sum += probs[v];
  }
  const minP = options.minP ?? 0;
  // A top-k that keeps every symbol but <UNK> (which is never drawn) changes nothing: it takes the
  // plain path below, so it draws what no top-k draws for the same seed.
  const topK = options.topK < V - 1 ? options.topK : 0;
  if (topK > 0 || options.topP < 1 || minP > 0) {
    for (let v = 0; v < V; v++) probs[v] /= sum;
    let candidates = V;
    // Most likely first; ties broken by id so results do not depend on the sort's stability.
    for (let v = 0; v < V; v++) order[v] = v;
    order.sort((a, b) => probs[b] - probs[a] || a - b);
    if (topK > 0) candidates = Math.min(candidates, topK);
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
    if (minP > 0) {
      // Sorted, so the symbols with p >= minP x max p are a prefix (never empty: the max is in it).
      const threshold = minP * probs[order[0]];
      let keep = 1;
      while (keep < candidates && probs[order[keep]] >= threshold) keep++;
      candidates = keep;
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
