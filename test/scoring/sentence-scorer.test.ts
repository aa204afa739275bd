// SentenceScorer (src/scoring/sentence-scorer.ts): P(sentence) is a proper distribution over finite strings
// (over {a, b} the mass of all strings up to length 10 approaches but never exceeds 1; over a
// tree that also covers <UNK>, strings up to length N plus the prefixes of length N+1 sum to
// exactly 1); per-token values sum to the total; the backward model of a bilstm is exactly a
// forward model over the reversed text; characters outside the vocabulary are scored and
// counted as <UNK>; `both` is the mean of the two directions. Float64 models on the js engine.
import { describe, expect, it } from 'vitest';
import { CharLM } from '../../src/model/charlm.js';
import type { CellType, Direction, ModelConfig } from '../../src/model/config.js';
import { hostParams, paramSpecs, totalSize } from '../../src/model/param-set.js';
import { SentenceScorer } from '../../src/scoring/sentence-scorer.js';
import { EOS_ID, UNK_ID, Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';
import { floatsOf, JS64 } from '../helpers/cpu.js';
import { forwardLogits } from '../helpers/forward-logits.js';
import { randomFill } from '../helpers/gradcheck.js';

function makeModel(cell: CellType, V: number, H: number, seed: number): CharLM {
  const config: ModelConfig = { cell, vocabSize: V, hidden: H, layers: 2, dropout: 0 };
  const specs = paramSpecs(config);
  const rng = new Rng(seed);
  return new CharLM(
    config,
    hostParams(
      specs,
      randomFill(new Float64Array(totalSize(specs)), () => rng.next(), 0.7),
    ),
    JS64,
  );
}

/** Every string of exactly length n over the alphabet. */
function stringsOfLength(alphabet: string[], n: number): string[] {
  let out = [''];
  for (let i = 0; i < n; i++) out = out.flatMap((s) => alphabet.map((a) => s + a));
  return out;
}

const reverse = (s: string) => [...s].reverse().join('');

// Vocabulary {<EOS>, <UNK>, a, b}.
const vocabAB = Vocab.build(
  new Map([
    ['a', 3],
    ['b', 3],
  ]),
  1,
);

describe('SentenceScorer: a proper distribution', () => {
  const model = makeModel('bilstm', vocabAB.size, 6, 21);
  // A large P(<EOS>) so the mass of long strings is small; <UNK> nearly impossible, so the
  // strings over {a, b} carry almost all of it.
  for (const prefix of ['', 'backward.']) {
    const bias = floatsOf(model, model.params.get(`${prefix}decoder.bias`));
    bias[EOS_ID] = 1.5;
    bias[UNK_ID] = -8;
  }
  const scorer = new SentenceScorer(model, vocabAB);

  for (const direction of ['forward', 'backward'] as Direction[]) {
    it(`${direction}: the sum of P(s) over {a,b}* up to length 10 approaches 1 and never exceeds it`, async () => {
      const partial: number[] = [];
      let sum = 0;
      for (let n = 0; n <= 10; n++) {
        for (const s of stringsOfLength(['a', 'b'], n)) sum += Math.exp((await scorer.score(s, direction)).logprobLn);
        partial.push(sum);
      }
      for (let n = 1; n <= 10; n++) expect(partial[n]).toBeGreaterThan(partial[n - 1]);
      expect(partial[0]).toBeLessThan(0.95); // the empty string alone is not everything
      expect(sum).toBeGreaterThan(0.5);
      expect(sum).toBeGreaterThan(0.95);
      expect(sum).toBeLessThanOrEqual(1 + 1e-9);
    });
  }

  it('strings up to length N plus all prefixes of length N+1 (<UNK> included) sum to exactly 1', async () => {
    // 'c' is not in the vocabulary: it is <UNK>, so {a, b, c} covers every non-<EOS> symbol.
    const plain = makeModel('gru', vocabAB.size, 5, 22);
    const s = new SentenceScorer(plain, vocabAB);
    const N = 5;
    let sum = 0;
    for (let n = 0; n <= N; n++)
      for (const t of stringsOfLength(['a', 'b', 'c'], n)) sum += Math.exp((await s.score(t, 'forward')).logprobLn);
    expect(sum).toBeLessThan(0.999);
    for (const t of stringsOfLength(['a', 'b', 'c'], N + 1)) {
      const per = (await s.score(t, 'forward')).perToken;
      let prefixLn = 0;
      for (let i = 0; i <= N; i++) prefixLn += per[i]; // the characters, not the final <EOS>
      sum += Math.exp(prefixLn);
    }
    expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
  });
});

describe('SentenceScorer: values and directions', () => {
  const vocab = Vocab.build(
    new Map([
      ['a', 2],
      ['b', 2],
      ['c', 2],
      [' ', 2],
      ['é', 2],
      ['😀', 2],
    ]),
    1,
  );
  const model = makeModel('bilstm', vocab.size, 7, 31);
  const scorer = new SentenceScorer(model, vocab);
  const texts = ['', 'a', 'abc cab', 'é😀a b😀', 'aaaa bbbb cccc'];

  it('forward and backward per-token values sum to logprobLn; tokens = chars + 1', async () => {
    for (const text of texts) {
      for (const direction of ['forward', 'backward'] as Direction[]) {
        const r = await scorer.score(text, direction);
        expect(r.chars).toBe([...text].length);
        expect(r.tokens).toBe(r.chars + 1);
        expect(r.perToken.length).toBe(r.tokens);
        expect(r.symbols).toEqual([...text, '<EOS>']);
        const sum = r.perToken.reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - r.logprobLn)).toBeLessThan(1e-12);
        expect(r.logprobLn).toBeLessThan(0);
      }
    }
  });

  it('forward: ln P is the plain log-softmax sum over forwardLogits of [<EOS>, chars...]', async () => {
    const text = 'abc cab';
    const ids = Int32Array.from([EOS_ID, ...vocab.encodeLine(text), EOS_ID]);
    const logits = forwardLogits(model, 'forward', ids.subarray(0, ids.length - 1));
    const V = vocab.size;
    let total = 0;
    for (let t = 0; t + 1 < ids.length; t++) {
      const row = Array.from(logits.subarray(t * V, (t + 1) * V));
      const lse = Math.log(row.reduce((a, x) => a + Math.exp(x), 0));
      total += row[ids[t + 1]] - lse;
    }
    expect(Math.abs((await scorer.score(text, 'forward')).logprobLn - total)).toBeLessThan(1e-10);
  });

  it('backward == a forward model with the backward weights over the reversed text (per token too)', async () => {
    // An lstm whose forward tensors are the bilstm's backward.* tensors.
    const lstm = makeModel('lstm', vocab.size, 7, 0);
    for (const spec of lstm.params.specs)
      floatsOf(lstm, lstm.params.get(spec.name)).set(floatsOf(model, model.params.get(`backward.${spec.name}`)));
    const fwd = new SentenceScorer(lstm, vocab);
    for (const text of texts) {
      const back = await scorer.score(text, 'backward');
      const rev = await fwd.score(reverse(text), 'forward');
      expect(Math.abs(back.logprobLn - rev.logprobLn)).toBeLessThan(1e-12);
      const n = back.chars;
      // Reading order: char i of the text is char n-1-i of the reversed text; <EOS> is last in both.
      for (let i = 0; i < n; i++) expect(Math.abs(back.perToken[i] - rev.perToken[n - 1 - i])).toBeLessThan(1e-12);
      expect(Math.abs(back.perToken[n] - rev.perToken[n])).toBeLessThan(1e-12);
    }
    // And the two directions really differ (the check above is not comparing a model to itself).
    expect(
      Math.abs((await scorer.score('abc cab', 'forward')).logprobLn - (await scorer.score('abc cab', 'backward')).logprobLn),
    ).toBeGreaterThan(1e-3);
  });

  it('characters outside the vocabulary are scored and counted as <UNK>', async () => {
    for (const direction of ['forward', 'backward'] as Direction[]) {
      const r = await scorer.score('axbz', direction);
      expect(r.unk).toBe(2);
      expect(r.chars).toBe(4);
      expect(Math.abs(r.unkLogprobLn - (r.perToken[1] + r.perToken[3]))).toBeLessThan(1e-12);
      // Any unseen character is the same <UNK>: same probability.
      expect(Math.abs((await scorer.score('aqbw', direction)).logprobLn - r.logprobLn)).toBeLessThan(1e-12);
      // An astral character outside the vocabulary is one code point, one <UNK>.
      const astral = await scorer.score('a🎉b', direction);
      expect(astral.chars).toBe(3);
      expect(astral.unk).toBe(1);
      expect(astral.tokens).toBe(4);
      expect((await scorer.score('abc', direction)).unk).toBe(0);
      expect((await scorer.score('abc', direction)).unkLogprobLn).toBe(0);
    }
  });

  it('`both` is the mean of the two directions, per token too', async () => {
    for (const text of texts.concat(['axb'])) {
      const f = await scorer.score(text, 'forward');
      const b = await scorer.score(text, 'backward');
      const m = await scorer.score(text, 'both');
      expect(Math.abs(m.logprobLn - (f.logprobLn + b.logprobLn) / 2)).toBeLessThan(1e-12);
      expect(Math.abs(m.unkLogprobLn - (f.unkLogprobLn + b.unkLogprobLn) / 2)).toBeLessThan(1e-12);
      for (let i = 0; i < f.tokens; i++) expect(Math.abs(m.perToken[i] - (f.perToken[i] + b.perToken[i]) / 2)).toBeLessThan(1e-12);
      expect(m.unk).toBe(f.unk);
      expect(m.tokens).toBe(f.tokens);
    }
  });

  it('each sentence starts from the zero state: scoring is independent of what came before', async () => {
    const first = (await scorer.score('abc cab', 'forward')).logprobLn;
    await scorer.score('cccccccc', 'forward');
    await scorer.score('b😀', 'backward');
    expect((await scorer.score('abc cab', 'forward')).logprobLn).toBe(first);
  });
});
