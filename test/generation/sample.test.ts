// The sampler: <UNK> is never drawn whatever its probability; temperature 0 and top-k 1 are
// greedy; top-k and top-p keep exactly the most likely symbols; min-p keeps the symbols with
// p >= min-p x max p of the tempered distribution (and composes with top-k as an intersection);
// draws follow the distribution; the repetition penalty divides positive logits and multiplies
// negative ones of the symbols in its window (not <EOS>), exactly as a reference sampler written
// here does it; stop strings end a sample at their first occurrence and are not yielded, even
// across line ends; --lines ends at the N-th line end; the same seed gives the same text;
// <EOS> is a newline; the backward model reads the prime reversed.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../src/index.js';
import { penalizeLogit, RepeatWindow } from '../../src/generation/repeat-penalty.js';
import { sampleSettings, type SampleAsk } from '../../src/generation/sample-options.js';
import { drawSymbol, primeContext, sampleText, type SampleEnd, type SampleOptions } from '../../src/generation/sample.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import { InferenceRunner } from '../../src/model/inference-runner.js';
import { EOS_ID, Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';
import { floatsOf } from '../helpers/cpu.js';
import { tinyLM } from '../helpers/tiny-lm.js';

const V = 6; // <EOS>, <UNK>, a, b, c, d
const UNK = 1;

type DrawOptions = { temperature: number; topK?: number; topP?: number; minP?: number };

function draw(logits: number[], options: DrawOptions, rng = new Rng(1)) {
  return drawSymbol(Float32Array.from(logits), V, { topK: 0, topP: 1, ...options, rng }, new Float64Array(V), new Int32Array(V));
}

function histogram(logits: number[], options: DrawOptions, n = 20000) {
  const rng = new Rng(9);
  const counts = new Array(V).fill(0);
  for (let i = 0; i < n; i++) counts[draw(logits, options, rng)]++;
  return counts.map((c) => c / n);
}

/** A generator's characters, in order. */
async function chars(gen: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const ch of gen) out.push(ch);
  return out;
}

describe('drawSymbol', () => {
  const unkHeavy = [0, 10, 1, 2, 0.5, -1]; // <UNK> would win by far

  it('never draws <UNK>, greedy or sampled, with or without top-k / top-p', () => {
    expect(draw(unkHeavy, { temperature: 0 })).toBe(3);
    for (const options of [
      { temperature: 1 },
      { temperature: 5 },
      { temperature: 1, topK: 1 },
      { temperature: 1, topK: 2 },
      { temperature: 1, topP: 0.3 },
    ]) {
      expect(histogram(unkHeavy, options, 3000)[UNK]).toBe(0);
    }
  });

  it('temperature 0, top-k 1 and top-p 0 all pick the most likely symbol', () => {
    const logits = [0.1, -1, 0.3, 2.5, 2.4, 0];
    expect(draw(logits, { temperature: 0 })).toBe(3);
    expect(histogram(logits, { temperature: 1, topK: 1 }, 500)[3]).toBe(1);
    expect(histogram(logits, { temperature: 1, topP: 0 }, 500)[3]).toBe(1);
  });

  it('draws follow softmax(logits / T) with <UNK> removed', () => {
    const logits = [0, 3, Math.log(2), Math.log(3), Math.log(4), -Infinity];
    const freq = histogram(logits, { temperature: 1 });
    // p over {EOS, a, b, c} = 1, 2, 3, 4 (/10)
    [0.1, 0, 0.2, 0.3, 0.4, 0].forEach((p, i) => expect(Math.abs(freq[i] - p)).toBeLessThan(0.015));
    const hot = histogram(logits, { temperature: 2 }); // p ~ sqrt(1, 2, 3, 4)
    const z = 1 + Math.SQRT2 + Math.sqrt(3) + 2;
    expect(Math.abs(hot[4] - 2 / z)).toBeLessThan(0.015);
  });

  it('top-k keeps the k most likely, renormalised', () => {
    const logits = [0, -5, Math.log(2), Math.log(3), Math.log(4), Math.log(0.5)];
    const freq = histogram(logits, { temperature: 1, topK: 2 }); // keeps c (4) and b (3)
    expect(freq[0] + freq[2] + freq[5]).toBe(0);
    expect(Math.abs(freq[4] - 4 / 7)).toBeLessThan(0.015);
  });

  it('top-p keeps the smallest most-likely set reaching p', () => {
    const logits = [Math.log(0.1), -50, Math.log(0.2), Math.log(0.3), Math.log(0.4), -50];
    const freq = histogram(logits, { temperature: 1, topP: 0.65 }); // 0.4 + 0.3 >= 0.65
    expect(freq[0] + freq[2]).toBe(0);
    expect(Math.abs(freq[4] - 0.4 / 0.7)).toBeLessThan(0.015);
  });
});

describe('drawSymbol: min-p', () => {
  // p over {EOS, a, b, c, d} = 0.1, 0.2, 0.3, 0.4, 0.05 (<UNK> has none)
  const logits = [Math.log(0.1), -50, Math.log(0.2), Math.log(0.3), Math.log(0.4), Math.log(0.05)];

  it('keeps exactly the symbols with p >= min-p x max p, renormalised', () => {
    const freq = histogram(logits, { temperature: 1, minP: 0.6 }); // threshold 0.24: keeps b (0.3) and c (0.4)
    expect(freq[0] + freq[1] + freq[2] + freq[5]).toBe(0);
    expect(Math.abs(freq[3] - 0.3 / 0.7)).toBeLessThan(0.015);
    expect(Math.abs(freq[4] - 0.4 / 0.7)).toBeLessThan(0.015);
    // min-p 0.45 (threshold 0.18) keeps a (0.2) too, still not <EOS> (0.1) or d (0.05).
    const wider = histogram(logits, { temperature: 1, minP: 0.45 });
    expect(Math.abs(wider[2] - 0.2 / 0.9)).toBeLessThan(0.015);
    expect(wider[0] + wider[5]).toBe(0);
  });

  it('applies to the tempered distribution: at T = 2, p ~ sqrt(q), so a (sqrt(1/2) of the max) passes 0.6', () => {
    const freq = histogram(logits, { temperature: 2, minP: 0.6 });
    expect(freq[0] + freq[5]).toBe(0); // EOS: sqrt(0.25) = 0.5 < 0.6
    const z = Math.sqrt(0.2) + Math.sqrt(0.3) + Math.sqrt(0.4);
    [2, 3, 4].forEach((v, i) => expect(Math.abs(freq[v] - Math.sqrt([0.2, 0.3, 0.4][i]) / z)).toBeLessThan(0.015));
  });

  it('min-p 1 is greedy; min-p 0 changes nothing; with top-k the kept set is the intersection', () => {
    expect(histogram(logits, { temperature: 1, minP: 1 }, 500)[4]).toBe(1);
    const rngA = new Rng(4);
    const rngB = new Rng(4);
    for (let i = 0; i < 500; i++) expect(draw(logits, { temperature: 1, minP: 0 }, rngA)).toBe(draw(logits, { temperature: 1 }, rngB));
    const both = histogram(logits, { temperature: 1, minP: 0.4, topK: 2 }); // min-p keeps a, b, c; top-k keeps b, c
    expect(both[2]).toBe(0);
    expect(Math.abs(both[4] - 0.4 / 0.7)).toBeLessThan(0.015);
  });
});

describe('repetition penalty', () => {
  it('divides positive logits by R and multiplies negative ones', () => {
    expect(penalizeLogit(3, 1.5)).toBe(2);
    expect(penalizeLogit(-3, 1.5)).toBe(-4.5);
    expect(penalizeLogit(0, 2)).toBe(0);
    expect(penalizeLogit(2.5, 1)).toBe(2.5);
  });

  it('penalises the symbols of the last N pushed, never <EOS>, and forgets older ones', () => {
    const w = new RepeatWindow(V, 3, 2);
    for (const id of [2, 0, 3]) w.push(id); // a, <EOS>, b
    const logits = Float32Array.of(4, 1, 4, -4, 4, -4);
    expect(Array.from(w.apply(logits, new Float32Array(V)))).toEqual([4, 1, 2, -8, 4, -4]);
    w.push(4); // c in, a out
    expect(Array.from(w.apply(logits, new Float32Array(V)))).toEqual([4, 1, 4, -8, 2, -4]);
    w.push(4);
    w.push(4); // only c left (three times: a presence penalty, applied once)
    expect(Array.from(w.apply(logits, new Float32Array(V)))).toEqual([4, 1, 4, -4, 2, -4]);
    expect(w.has(3)).toBe(false);
  });

  it('draws follow softmax of the penalised logits', () => {
    const logits = [Math.log(2), -50, Math.log(4), Math.log(8), -1, 0.5];
    const w = new RepeatWindow(V, 64, 3);
    w.push(3); // b: ln 8 / 3 = ln 2
    w.push(4); // c: -1 x 3 = -3
    const penalised = Array.from(w.apply(Float32Array.from(logits), new Float32Array(V)));
    const freq = histogram(penalised, { temperature: 1 });
    const q = [2, 0, 4, 2, Math.exp(-3), Math.exp(0.5)];
    const z = q.reduce((a, b) => a + b, 0);
    q.forEach((x, v) => expect(Math.abs(freq[v] - x / z)).toBeLessThan(0.015));
  });
});

describe('sampleText', () => {
  const vocab = Vocab.fromSymbols(['<EOS>', '<UNK>', 'a', 'b', 'c', 'd']);
  const config = { cell: 'bilstm' as const, vocabSize: V, hidden: 8, layers: 1, dropout: 0 };
  const model = new CharLM(config, initParams(config, new Rng(3)));
  const opts = (seed: number, extra = {}) => ({
    temperature: 1,
    topK: 0,
    topP: 1,
    prime: 'ab',
    length: 200,
    direction: 'forward' as const,
    rng: new Rng(seed),
    ...extra,
  });

  it('the same seed gives the same text, another seed another text', async () => {
    const a = (await chars(sampleText(model, vocab, opts(1)))).join('');
    expect((await chars(sampleText(model, vocab, opts(1)))).join('')).toBe(a);
    expect((await chars(sampleText(model, vocab, opts(2)))).join('')).not.toBe(a);
  });

  it('yields exactly length symbols, <EOS> as a newline, never <UNK>', async () => {
    const out = await chars(sampleText(model, vocab, opts(4)));
    expect(out).toHaveLength(200);
    for (const ch of out) expect(['\n', 'a', 'b', 'c', 'd']).toContain(ch);
    expect(out).toContain('\n');
  });

  it('the backward model generates from the reversed prime: the result differs from forward', async () => {
    const forward = (await chars(sampleText(model, vocab, opts(5, { temperature: 0, length: 30 })))).join('');
    const backward = (await chars(sampleText(model, vocab, opts(5, { temperature: 0, length: 30, direction: 'backward' })))).join('');
    expect(backward).not.toBe(forward);
  });
});

/** A sample's characters and how it ended. */
async function run(model: CharLM, vocab: Vocab, options: SampleOptions): Promise<{ text: string; end: SampleEnd }> {
  const gen = sampleText(model, vocab, options);
  let text = '';
  for (;;) {
    const r = await gen.next();
    if (r.done) return { text, end: r.value };
    text += r.value;
  }
}

describe('sampleText on a trained model: stop strings, lines, penalty', () => {
  let m: LoadedModel;
  beforeAll(async () => {
    m = await tinyLM('bilstm', 120);
  });
  const base = (extra: Partial<SampleOptions> = {}): SampleOptions => ({
    temperature: 1,
    topK: 0,
    topP: 1,
    prime: 'the ',
    length: 400,
    direction: 'forward',
    rng: new Rng(11),
    ...extra,
  });

  it('a stop string ends the sample at its first occurrence and is not yielded', async () => {
    const full = (await run(m.model, m.vocab, base())).text;
    for (const stop of ['at', 'mat.', 'o']) {
      const at = full.indexOf(stop);
      expect(at).toBeGreaterThan(0); // the test means something
      const r = await run(m.model, m.vocab, base({ stop: [stop] }));
      expect(r.text).toBe(full.slice(0, at));
      expect(r.end).toEqual({ stoppedBy: 'stop', symbols: at + [...stop].length });
    }
  });

  it('stop strings work across line ends, the earliest of several wins, and an absent one changes nothing', async () => {
    const full = (await run(m.model, m.vocab, base())).text;
    const across = full.indexOf('.\n');
    expect(across).toBeGreaterThan(0);
    expect((await run(m.model, m.vocab, base({ stop: ['.\n'] }))).text).toBe(full.slice(0, across));
    const first = Math.min(full.indexOf('.\n'), full.indexOf('dog'));
    expect((await run(m.model, m.vocab, base({ stop: ['dog', '.\n'] }))).text).toBe(full.slice(0, first));
    const never = await run(m.model, m.vocab, base({ stop: ['zzz'] }));
    expect(never.text).toBe(full);
    expect(never.end.stoppedBy).toBe('length');
  });

  it('the backward model stops when the text, as printed, begins with the stop string', async () => {
    const b = async (extra: Partial<SampleOptions>) =>
      (await run(m.model, m.vocab, base({ direction: 'backward', prime: 'mat.', ...extra }))).text;
    const printed = [...(await b({}))].reverse().join('');
    const at = printed.lastIndexOf('the');
    expect(at).toBeGreaterThan(0);
    const stopped = [...(await b({ stop: ['the'] }))].reverse().join('');
    expect(stopped).toBe(printed.slice(at + 3));
  });

  it('lines N ends at the N-th generated line end, which is not yielded', async () => {
    const full = (await run(m.model, m.vocab, base())).text;
    for (const lines of [1, 3]) {
      let at = -1;
      for (let i = 0; i < lines; i++) at = full.indexOf('\n', at + 1);
      expect(at).toBeGreaterThan(0);
      const r = await run(m.model, m.vocab, base({ lines }));
      expect(r.text).toBe(full.slice(0, at));
      expect(r.text.split('\n')).toHaveLength(lines);
      expect(r.end).toEqual({ stoppedBy: 'lines', symbols: [...full.slice(0, at)].length + 1 });
    }
  });

  it('the repetition penalty samples exactly as a reference that applies the rule to the window by hand', async () => {
    for (const [penalty, repeatLast] of [
      [1.8, 5],
      [3, 64],
    ] as const) {
      const options = base({ repeatPenalty: penalty, repeatLast, length: 300 });
      const got = (await run(m.model, m.vocab, options)).text;
      expect(got).toBe(referencePenalised(m, base({ repeatPenalty: penalty, repeatLast, length: 300 })));
      expect(got).not.toBe((await run(m.model, m.vocab, base({ length: 300 }))).text);
    }
    expect((await run(m.model, m.vocab, base({ repeatPenalty: 1 }))).text).toBe((await run(m.model, m.vocab, base())).text);
  });

  it('the penalty makes repeats rarer: fewer of the symbols just seen', async () => {
    const repeats = (text: string) => [...text].filter((ch, i, a) => ch !== '\n' && a.slice(Math.max(0, i - 4), i).includes(ch)).length;
    const plain = (await run(m.model, m.vocab, base({ length: 2000 }))).text;
    const penalised = (await run(m.model, m.vocab, base({ length: 2000, repeatPenalty: 5, repeatLast: 4 }))).text;
    expect(repeats(penalised)).toBeLessThan(repeats(plain) * 0.7);
  });

  it('the same seed and options give the same text', async () => {
    const options = () => base({ minP: 0.05, topK: 8, repeatPenalty: 1.3, stop: ['hat'], lines: 5, temperature: 0.9 });
    const a = await run(m.model, m.vocab, options());
    expect(await run(m.model, m.vocab, options())).toEqual(a);
  });

  it("option checks name the option as the caller does: the library's name in the library, the flag on the command line", () => {
    const settings = (ask: SampleAsk) => sampleSettings(ask, () => new Rng(1), 'library');
    expect(() => settings({ minP: 1.2 })).toThrow(/^sample option minP is 1\.2: expected a number from 0 to 1$/);
    expect(() => settings({ repeatPenalty: 0.5 })).toThrow(/^sample option repeatPenalty is 0\.5: expected a number from 1 to 100$/);
    expect(() => settings({ repeatLast: 0 })).toThrow(/^sample option repeatLast is 0: expected an integer from 1 to 1000000$/);
    expect(() => settings({ lines: -1 })).toThrow(/^sample option lines is -1: expected an integer from 0 up$/);
    expect(() => settings({ stop: [''] })).toThrow(/^sample option stop is \[""\]: expected a list of non-empty strings$/);
    // A number given as text is shown quoted, so the mistake can be seen.
    expect(() => settings({ temperature: '0.8' as never })).toThrow(/^sample option temperature is "0\.8": expected a number from 0 up$/);
    expect(() => sampleSettings({ minP: 1.2 }, () => new Rng(1), 'cli')).toThrow(/^--min-p is 1\.2: expected a number from 0 to 1$/);
    expect(() => settings({ temperature: 0.5, topK: 3, repeatLast: 8, length: 10 })).not.toThrow();
  });
});

/** Sampling with the repetition penalty written out: a list of the last N ids, the rule per logit. */
function referencePenalised(m: LoadedModel, options: SampleOptions): string {
  const V = m.model.config.vocabSize;
  const runner = new InferenceRunner(m.model, 'forward', 1);
  const step = (id: number) => floatsOf(m.model, runner.step(id, true)!) as Float32Array;
  const context = primeContext(m.vocab, options.prime, 'forward');
  let logits: Float32Array = new Float32Array(V);
  for (const id of context) logits = step(id);
  const window: number[] = context.slice(1);
  let out = '';
  for (let n = 0; n < options.length; n++) {
    const recent = new Set(window.slice(-options.repeatLast!));
    const shaped = Float32Array.from(logits.subarray(0, V), (l, v) =>
      recent.has(v) && v !== EOS_ID ? (l > 0 ? l / options.repeatPenalty! : l * options.repeatPenalty!) : l,
    );
    const id = drawSymbol(shaped, V, options, new Float64Array(V), new Int32Array(V));
    out += id === EOS_ID ? '\n' : m.vocab.symbolOf(id);
    window.push(id);
    logits = step(id);
  }
  return out;
}
