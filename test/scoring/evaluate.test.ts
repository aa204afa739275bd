// evaluateCorpus: reset 'line' (lines batched as parallel streams, see line-scorer.test.ts) is
// exactly the sum of SentenceScorer over the same lines (every direction, <UNK> mass included);
// reset 'none' is exactly one StreamScorer pass over the whole id stream (reversed for the
// backward model, in windows, without a reversed copy); 'both' is the mean; streamNats is the
// per-token mean of that pass, for compact id arrays too; and the token / char / line / <UNK>
// counts are as src/scoring/evaluate.ts and src/data/corpus.ts define them (code points, CRLF
// and CR line ends, empty lines, an unterminated last line). Float64 models on the js engine.
import { describe, expect, it } from 'vitest';
import { encodeCorpus, splitLines } from '../../src/data/corpus.js';
import { CharLM } from '../../src/model/charlm.js';
import type { CellType, Direction, ModelConfig } from '../../src/model/config.js';
import { hostParams, paramSpecs, totalSize } from '../../src/model/param-set.js';
import { evaluateCorpus, streamNats } from '../../src/scoring/evaluate.js';
import { SentenceScorer } from '../../src/scoring/sentence-scorer.js';
import { StreamScorer } from '../../src/scoring/stream-scorer.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';
import { JS64 } from '../helpers/cpu.js';
import { randomFill } from '../helpers/gradcheck.js';

function makeModel(cell: CellType, V: number, seed: number): CharLM {
  const config: ModelConfig = { cell, vocabSize: V, hidden: 6, layers: 2, dropout: 0 };
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

const vocab = Vocab.build(
  new Map([
    ['a', 5],
    ['b', 5],
    ['c', 5],
    [' ', 5],
    ['é', 5],
    ['😀', 5],
  ]),
  1,
);

// Lines of varied length, an empty line, CRLF and CR line ends, unseen characters ('x', '🎉')
// and no final line end; long enough (> 256 ids) that the stream pass crosses chunk boundaries.
const lines: string[] = [];
const rng = new Rng(3);
const alphabet = ['a', 'b', 'c', ' ', 'é', '😀'];
for (let i = 0; i < 40; i++)
  lines.push(Array.from({ length: 4 + Math.floor(rng.next() * 24) }, () => alphabet[Math.floor(rng.next() * alphabet.length)]).join(''));
lines[3] = '';
lines[7] = 'abx ca';
lines[12] = '🎉🎉 b';
lines[39] = 'c😀a'; // the unterminated last line must not be empty
const text = lines.slice(0, 10).join('\n') + '\r\n' + lines.slice(10, 20).join('\r\n') + '\r' + lines.slice(20).join('\n');

describe('evaluateCorpus', () => {
  const corpus = encodeCorpus(text, vocab);

  it('the test corpus is what it claims to be', () => {
    expect(splitLines(text)).toEqual(lines);
    expect(corpus.ids.length).toBeGreaterThan(2 * 256);
  });

  it('counts: lines, chars (code points), tokens = chars + lines, unk', async () => {
    const model = makeModel('lstm', vocab.size, 1);
    const r = await evaluateCorpus(model, corpus, 'forward', 'line');
    const chars = lines.reduce((n, l) => n + [...l].length, 0);
    expect(r.lines).toBe(40);
    expect(r.chars).toBe(chars);
    expect(r.tokens).toBe(chars + 40);
    expect(r.unk).toBe(3); // x, 🎉, 🎉
    const none = await evaluateCorpus(model, corpus, 'forward', 'none');
    expect([none.lines, none.chars, none.tokens, none.unk]).toEqual([r.lines, r.chars, r.tokens, r.unk]);
  });

  for (const cell of ['rnn', 'gru', 'bilstm'] as const) {
    const model = makeModel(cell, vocab.size, 10 + cell.length);
    const directions: Direction[] = cell === 'bilstm' ? ['forward', 'backward'] : ['forward'];

    for (const direction of directions) {
      it(`${cell} ${direction}: reset 'line' == the sum of SentenceScorer over the lines`, async () => {
        const scorer = new SentenceScorer(model, vocab);
        let ln = 0;
        let unkLn = 0;
        let unk = 0;
        for (const line of lines) {
          const s = await scorer.score(line, direction);
          ln += s.logprobLn;
          unkLn += s.unkLogprobLn;
          unk += s.unk;
        }
        const r = await evaluateCorpus(model, corpus, direction, 'line');
        expect(Math.abs(r.logprobLn - ln)).toBeLessThan(1e-9 * Math.abs(ln));
        expect(Math.abs(r.unkLogprobLn - unkLn)).toBeLessThan(1e-9);
        expect(r.unk).toBe(unk);
        expect(unkLn).toBeLessThan(0);
      });

      it(`${cell} ${direction}: reset 'none' == one StreamScorer pass; streamNats its mean`, async () => {
        const scorer = new StreamScorer(model, direction);
        const ids = direction === 'forward' ? corpus.ids : corpus.ids.slice().reverse();
        const pass = await scorer.logProbs(ids, null);
        const r = await evaluateCorpus(model, corpus, direction, 'none');
        expect(Math.abs(r.logprobLn - pass.ln)).toBeLessThan(1e-9 * Math.abs(pass.ln));
        expect(Math.abs(r.unkLogprobLn - pass.unkLn)).toBeLessThan(1e-9);
        expect(pass.unkCount).toBe(3);
        const nats = await streamNats(model, corpus.ids, direction);
        expect(Math.abs(nats - -pass.ln / (corpus.ids.length - 1))).toBeLessThan(1e-12);
        // The carried state matters: the stream total is not the per-line total.
        const perLine = await evaluateCorpus(model, corpus, direction, 'line');
        expect(Math.abs(perLine.logprobLn - r.logprobLn)).toBeGreaterThan(1e-6);
      });
    }

    if (cell === 'bilstm') {
      it(`bilstm: 'both' is the mean of the two directions, for both reset modes`, async () => {
        for (const reset of ['line', 'none'] as const) {
          const f = await evaluateCorpus(model, corpus, 'forward', reset);
          const b = await evaluateCorpus(model, corpus, 'backward', reset);
          const m = await evaluateCorpus(model, corpus, 'both', reset);
          expect(Math.abs(m.logprobLn - (f.logprobLn + b.logprobLn) / 2)).toBeLessThan(1e-9);
          expect(Math.abs(m.unkLogprobLn - (f.unkLogprobLn + b.unkLogprobLn) / 2)).toBeLessThan(1e-9);
          expect(m.tokens).toBe(f.tokens);
          expect(Math.abs(f.logprobLn - b.logprobLn)).toBeGreaterThan(1e-6);
        }
      });
    }
  }

  it(`streamNats and reset 'none' over compact ids, backward over a stream longer than its reversal window: exactly one pass over an Int32Array copy`, async () => {
    const model = makeModel('bilstm', vocab.size, 6);
    const rng2 = new Rng(17);
    const long = encodeCorpus(Array.from({ length: 5200 }, () => lines[Math.floor(rng2.next() * lines.length)]).join('\n'), vocab);
    expect(long.ids).toBeInstanceOf(Uint8Array);
    expect(long.ids.length).toBeGreaterThan(65_537 + 256); // crosses the 65,536-id windows
    for (const direction of ['forward', 'backward'] as const) {
      const copy = Int32Array.from(long.ids);
      if (direction === 'backward') copy.reverse();
      const scorer = new StreamScorer(model, direction);
      const pass = await scorer.logProbs(copy, null);
      // Summed in the same order: the same numbers, not just close ones.
      expect(await streamNats(model, long.ids, direction)).toBe(-pass.ln / (long.ids.length - 1));
      const r = await evaluateCorpus(model, long, direction, 'none');
      expect(r.logprobLn).toBe(pass.ln);
      expect(r.unkLogprobLn).toBe(pass.unkLn);
      expect(pass.unkCount).toBeGreaterThan(100);
    }
  });

  it('a one-line corpus: line and stream modes agree (one sentence from the zero state)', async () => {
    const model = makeModel('lstm', vocab.size, 4);
    const one = encodeCorpus('abc é😀', vocab);
    const a = await evaluateCorpus(model, one, 'forward', 'line');
    const b = await evaluateCorpus(model, one, 'forward', 'none');
    expect(a.logprobLn).toBeCloseTo(b.logprobLn, 12);
    expect(a.tokens).toBe(7); // 6 code points + <EOS>
    expect(Math.abs(a.logprobLn - (await new SentenceScorer(model, vocab).score('abc é😀', 'forward')).logprobLn)).toBeLessThan(1e-12);
  });
});
