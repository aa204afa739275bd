// The forward-only inference path (InferenceRunner: sampling and streaming scores) is the same
// model as the training path (DirectionRunner), to the bit:
//  (a) one step at a time (T = 1, with or without the decoder), and chunks of several steps,
//      give exactly DirectionRunner's logits and carried state, for every cell and both
//      directions of a bilstm, in float32 on the default engine (wasm) and in float64 (js);
//  (b) sampleText gives exactly the text of a reference sampler written here from
//      DirectionRunner steps and the original drawSymbol (all probabilities normalised before
//      the walk), at temperature 0, 0.8 and with top-k / top-p, both directions, with a prime;
//      two interleaved generators of one model each give their own text;
//  (c) drawSymbol's lazy normalisation draws exactly what the eager one drew;
//  (d) StreamScorer reads Uint8Array, Uint16Array and Int32Array ids alike, and matches a
//      log-softmax over DirectionRunner's float32 logits within float tolerance.
import { describe, expect, it } from 'vitest';
import { getEngine } from '../../src/engine/default-engine.js';
import type { Tensor } from '../../src/engine/engine.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import type { CellType, Direction, ModelConfig } from '../../src/model/config.js';
import { DirectionRunner } from '../../src/model/direction-runner.js';
import { InferenceRunner } from '../../src/model/inference-runner.js';
import { hostParams, paramSpecs, totalSize } from '../../src/model/param-set.js';
import { zeroState } from '../../src/model/recurrent-state.js';
import { drawSymbol, sampleText, type SampleOptions } from '../../src/generation/sample.js';
import { StreamScorer } from '../../src/scoring/stream-scorer.js';
import { EOS_ID, UNK_ID, Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';
import { floatsOf, JS64 } from '../helpers/cpu.js';
import { randomFill } from '../helpers/gradcheck.js';

const CELLS = ['rnn', 'lstm', 'gru', 'bilstm'] as const;
const directionsOf = (cell: CellType): Direction[] => (cell === 'bilstm' ? ['forward', 'backward'] : ['forward']);

/** A float32 model on the default engine. */
function model32(cell: CellType, V: number, H: number, L: number, seed: number): CharLM {
  const config: ModelConfig = { cell, vocabSize: V, hidden: H, layers: L, dropout: 0 };
  return new CharLM(config, initParams(config, new Rng(seed)));
}

/** A float64 model on the js engine. */
function model64(cell: CellType, V: number, H: number, L: number, seed: number): CharLM {
  const config: ModelConfig = { cell, vocabSize: V, hidden: H, layers: L, dropout: 0 };
  const specs = paramSpecs(config);
  const rng = new Rng(seed);
  return new CharLM(
    config,
    hostParams(
      specs,
      randomFill(new Float64Array(totalSize(specs)), () => rng.next(), 0.8),
    ),
    JS64,
  );
}

/** A generator's text (its characters joined). */
async function textOf(gen: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const ch of gen) s += ch;
  return s;
}

/** Exact equality of two float arrays (a plain number array, so failures print values). */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(Array.from(got)).toEqual(Array.from(want));
}

describe('(a) InferenceRunner == DirectionRunner, bit for bit', () => {
  it('the float32 models below run on the wasm engine', () => {
    expect(getEngine()).toBe('wasm');
    expect(model32('lstm', 5, 4, 1, 1).engine.name).toBe('wasm');
    expect(model64('lstm', 5, 4, 1, 1).engine.precision).toBe('float64');
  });

  const V = 23,
    H = 20,
    L = 2;
  for (const precision of ['float32', 'float64'] as const) {
    for (const cell of CELLS) {
      for (const direction of directionsOf(cell)) {
        const make = () => (precision === 'float32' ? model32(cell, V, H, L, 11) : model64(cell, V, H, L, 11));

        it(`${precision} ${cell} ${direction}: steps (T = 1), with and without the decoder`, () => {
          const model = make();
          const f = (t: Tensor) => floatsOf(model, t);
          const rng = new Rng(4);
          const ids = Array.from({ length: 40 }, () => Math.floor(rng.next() * V));
          const ref = new DirectionRunner(model, direction, 1, 1);
          const state = zeroState(model.engine, L, 1, H);
          const x = new Int32Array(1);
          const inf = new InferenceRunner(model, direction, 1);
          let varied = 0;
          let prev: number[] = [];
          ids.forEach((id, i) => {
            x[0] = id;
            const want = Array.from(f(ref.forward(x, 1, 1, state, null)).subarray(0, V));
            const withLogits = i % 3 !== 1;
            const got = inf.step(id, withLogits);
            if (withLogits) expectSame(f(got!).subarray(0, V), want);
            else expect(got).toBeNull();
            for (let k = 0; k < L; k++) {
              expectSame(f(inf.state.h[k]), f(state.h[k]));
              if (cell === 'lstm' || cell === 'bilstm') expectSame(f(inf.state.c[k]), f(state.c[k]));
            }
            if (prev.length && want.some((v, j) => v !== prev[j])) varied++;
            prev = want;
          });
          expect(varied).toBeGreaterThan(30); // not a constant output
          // reset() is the zero state again: the first step repeats.
          inf.reset();
          ref.forward(Int32Array.of(ids[0]), 1, 1, zeroState(model.engine, L, 1, H), null);
          expectSame(f(inf.step(ids[0], true)!).subarray(0, V), f(ref.logits).subarray(0, V));
        });

        it(`${precision} ${cell} ${direction}: chunks 7 + 16 + 1 + 9, from Uint8Array ids`, () => {
          const model = make();
          const f = (t: Tensor) => floatsOf(model, t);
          const rng = new Rng(5);
          const ids = Uint8Array.from({ length: 33 }, () => Math.floor(rng.next() * V));
          const ref = new DirectionRunner(model, direction, 16, 1);
          const state = zeroState(model.engine, L, 1, H);
          const inf = new InferenceRunner(model, direction, 16);
          let start = 0;
          for (const T of [7, 16, 1, 9]) {
            const want = Array.from(f(ref.forward(Int32Array.from(ids.subarray(start, start + T)), T, 1, state, null)).subarray(0, T * V));
            expectSame(f(inf.forward(ids, start, T)).subarray(0, T * V), want);
            for (let k = 0; k < L; k++) {
              expectSame(f(inf.state.h[k]), f(state.h[k]));
              expectSame(f(inf.state.c[k]), f(state.c[k]));
            }
            start += T;
          }
          expect(() => inf.forward(ids, 0, 17)).toThrow(RangeError);
        });
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------

/** drawSymbol as it was before the lazy normalisation: every probability divided first. */
function eagerDraw(
  logits: Float32Array,
  V: number,
  options: Pick<SampleOptions, 'temperature' | 'topK' | 'topP' | 'rng'>,
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
  let sum = 0;
  for (let v = 0; v < V; v++) {
    probs[v] = v === UNK_ID ? 0 : Math.exp((logits[v] - max) / options.temperature);
    sum += probs[v];
  }
  for (let v = 0; v < V; v++) probs[v] /= sum;
  let candidates = V;
  if (options.topK > 0 || options.topP < 1) {
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
  return last;
}

/** The sampler as it was: DirectionRunner steps (decoder at every step) and eagerDraw. */
function referenceSample(model: CharLM, vocab: Vocab, options: SampleOptions): string {
  const { vocabSize: V, layers: L, hidden: H } = model.config;
  const runner = new DirectionRunner(model, options.direction, 1, 1);
  const state = zeroState(model.engine, L, 1, H);
  const f = (t: Tensor) => floatsOf(model, t) as Float32Array;
  const x = new Int32Array(1);
  const primeIds: number[] = [EOS_ID];
  options.prime.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (i > 0) primeIds.push(EOS_ID);
    primeIds.push(...vocab.encodeLine(line));
  });
  const context = options.direction === 'forward' ? primeIds : [EOS_ID, ...primeIds.slice(1).reverse()];
  let logits = f(runner.logits);
  for (const id of context) {
    x[0] = id;
    logits = f(runner.forward(x, 1, 1, state, null));
  }
  const probs = new Float64Array(V);
  const order = new Int32Array(V);
  let out = '';
  for (let n = 0; n < options.length; n++) {
    const id = eagerDraw(logits, V, options, probs, order);
    out += id === EOS_ID ? '\n' : vocab.symbolOf(id);
    x[0] = id;
    logits = f(runner.forward(x, 1, 1, state, null));
  }
  return out;
}

describe('(b) sampleText == the DirectionRunner reference sampler, bit for bit', () => {
  const symbols = ['<EOS>', '<UNK>', ...'abcdefghijklmnopqrstuvwxyz .,'];
  const vocab = Vocab.fromSymbols(symbols);
  const V = symbols.length;
  const settings = [
    { temperature: 0, topK: 0, topP: 1 },
    { temperature: 0.8, topK: 0, topP: 1 },
    { temperature: 1.3, topK: 5, topP: 1 },
    { temperature: 0.8, topK: 0, topP: 0.9 },
  ];
  for (const cell of CELLS) {
    for (const direction of directionsOf(cell)) {
      it(`${cell} ${direction}`, async () => {
        // Large initial weights so the distributions are far from uniform (greedy text varies).
        const model = model32(cell, V, 24, 2, 21);
        const weights = floatsOf(model, model.params.data);
        for (let i = 0; i < weights.length; i++) weights[i] *= 6;
        for (const s of settings) {
          for (const seed of [1, 2]) {
            const options = (): SampleOptions => ({ ...s, prime: 'the cat\nsat', length: 400, direction, rng: new Rng(seed) });
            const want = referenceSample(model, vocab, options());
            const got = await textOf(sampleText(model, vocab, options()));
            expect(got).toBe(want);
            expect(new Set(got).size).toBeGreaterThan(s.temperature === 0 ? 1 : 8);
          }
        }
      });
    }
  }

  it('two interleaved generators of one model each give their own text', async () => {
    const model = model32('lstm', V, 16, 2, 31);
    const options = (seed: number, prime: string): SampleOptions => ({
      temperature: 0.8,
      topK: 0,
      topP: 1,
      prime,
      length: 300,
      direction: 'forward',
      rng: new Rng(seed),
    });
    const alone = await textOf(sampleText(model, vocab, options(1, 'abc')));
    const other = await textOf(sampleText(model, vocab, options(2, 'xyz')));
    expect(alone).not.toBe(other);
    const a = sampleText(model, vocab, options(1, 'abc'));
    const b = sampleText(model, vocab, options(2, 'xyz'));
    let ta = '';
    let tb = '';
    // A finished generator's value is how it ended (SampleEnd), not a character.
    const next = async (g: typeof a) => {
      const r = await g.next();
      return r.done ? '' : r.value;
    };
    for (let i = 0; i < 300; i++) {
      ta += await next(a);
      tb += await next(b);
      if (i % 7 === 0) tb += await next(b);
    }
    for await (const ch of a) ta += ch;
    for await (const ch of b) tb += ch;
    expect(ta).toBe(alone);
    expect(tb).toBe(other);
  });
});

describe('(c) drawSymbol == the eager-normalisation draw', () => {
  it('on many random distributions and settings', () => {
    const V = 40;
    const gen = new Rng(77);
    const rngA = new Rng(5);
    const rngB = new Rng(5);
    const probs = new Float64Array(V);
    const order = new Int32Array(V);
    const distinct = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const scale = [0.1, 1, 5, 40][i % 4];
      const logits = Float32Array.from({ length: V }, () => (gen.next() * 2 - 1) * scale);
      if (i % 5 === 0) logits[7] = -Infinity;
      const temperature = [0.8, 1, 0.25, 3][(i >> 2) % 4];
      const topK = i % 11 === 0 ? 6 : 0;
      const topP = i % 13 === 0 ? 0.7 : 1;
      const a = drawSymbol(logits, V, { temperature, topK, topP, rng: rngA }, probs, order);
      const b = eagerDraw(logits, V, { temperature, topK, topP, rng: rngB }, probs, order);
      expect(a).toBe(b);
      distinct.add(a);
    }
    expect(distinct.size).toBeGreaterThan(30);
    expect(distinct.has(UNK_ID)).toBe(false);
  });
});

describe('(d) StreamScorer: any id array type, equal to log-softmax over DirectionRunner logits', () => {
  for (const cell of CELLS) {
    it(`${cell}`, async () => {
      const V = 30,
        H = 16,
        L = 2,
        N = 700; // > 2 chunks
      const model = model32(cell, V, H, L, 41);
      const rng = new Rng(8);
      const ids32 = Int32Array.from({ length: N }, () => Math.floor(rng.next() * V));
      const results: { totals: Awaited<ReturnType<StreamScorer['logProbs']>>; out: Float64Array }[] = [];
      for (const ids of [Uint8Array.from(ids32), Uint16Array.from(ids32), ids32]) {
        const scorer = new StreamScorer(model, 'forward');
        const out = new Float64Array(N - 1);
        results.push({ totals: await scorer.logProbs(ids, out), out });
      }
      for (const r of results.slice(1)) {
        expect(r.totals).toEqual(results[0].totals);
        expectSame(r.out, results[0].out);
      }
      // The training path over the whole sequence as one chunk, log-softmax in float64.
      const runner = new DirectionRunner(model, 'forward', N - 1, 1);
      const logits = floatsOf(model, runner.forward(ids32.subarray(0, N - 1), N - 1, 1, zeroState(model.engine, L, 1, H), null));
      let total = 0;
      for (let t = 0; t < N - 1; t++) {
        let max = -Infinity;
        for (let v = 0; v < V; v++) max = Math.max(max, logits[t * V + v]);
        let sum = 0;
        for (let v = 0; v < V; v++) sum += Math.exp(logits[t * V + v] - max);
        const lp = logits[t * V + ids32[t + 1]] - max - Math.log(sum);
        expect(Math.abs(results[0].out[t] - lp)).toBeLessThan(1e-5);
        total += lp;
      }
      expect(Math.abs(results[0].totals.ln - total)).toBeLessThan(1e-6 * Math.abs(total));
    });
  }
});
