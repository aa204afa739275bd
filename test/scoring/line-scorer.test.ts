// LineScorer: many lines scored at once as parallel streams, each from the zero state, gives
// every line exactly the log-probability the one-line-at-a-time StreamScorer gives (float64
// models on the js engine: equal to 1e-12; the float32 model on the default engine:
// equal to float32 rounding), for every cell and direction, whatever the limits: groups smaller
// than the window, time chunks shorter than a line (state carried, finished streams dropped),
// windows of lines, lines at and past the counting-sort cap, empty lines, <UNK> targets.
import { describe, expect, it } from 'vitest';
import { encodeCorpus, type EncodedCorpus } from '../../src/data/corpus.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import type { CellType, Direction, ModelConfig } from '../../src/model/config.js';
import { hostParams, paramSpecs, totalSize } from '../../src/model/param-set.js';
import { defaultLimits, LineScorer, withLineScorer, type LineScorerLimits } from '../../src/scoring/line-scorer.js';
import { StreamScorer } from '../../src/scoring/stream-scorer.js';
import { UNK_ID, Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';
import { JS64 } from '../helpers/cpu.js';
import { randomFill } from '../helpers/gradcheck.js';

function float64Model(cell: CellType, V: number, seed: number): CharLM {
  const config: ModelConfig = { cell, vocabSize: V, hidden: 5, layers: 2, dropout: 0 };
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

/** Lines of every kind: short and varied, empty, with unknown characters, and a few long ones
 *  (past the chunk limits and at / past the counting sort's cap of 4096 steps). */
function makeText(): string {
  const rng = new Rng(11);
  const alphabet = ['a', 'b', 'c', ' ', 'é', '😀', 'x'];
  const line = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rng.next() * alphabet.length)]).join('');
  const lines: string[] = [];
  for (let i = 0; i < 70; i++) lines.push(line(Math.floor(rng.next() * 30)));
  lines.push('', '', line(300), line(4095), line(4500), line(4300), line(4095), '🎉');
  for (let i = 0; i < 20; i++) lines.push(line(Math.floor(rng.next() * 12)));
  // Shuffled, so long and short lines alternate in file order; mixed line ends, no final one.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  return lines
    .map((l, i) => l + (i % 3 === 0 ? '\r\n' : i % 3 === 1 ? '\n' : '\r'))
    .join('')
    .replace(/(\r\n|\r|\n)$/, '');
}

const corpus = encodeCorpus(makeText(), vocab);

/** Each line on its own: [EOS, chars, EOS] (reversed for the backward model) through a fresh B = 1 stream. */
async function oneAtATime(model: CharLM, c: EncodedCorpus, direction: Direction) {
  const scorer = new StreamScorer(model, direction);
  const perLine = new Float64Array(c.lines);
  let ln = 0;
  let unkLn = 0;
  let unkCount = 0;
  for (let i = 0; i < c.lines; i++) {
    const frame = Int32Array.from(c.ids.subarray(c.lineStarts[i] - 1, c.lineStarts[i + 1]));
    if (direction === 'backward') frame.reverse();
    scorer.reset();
    const t = await scorer.logProbs(frame, null);
    perLine[i] = t.ln;
    ln += t.ln;
    unkLn += t.unkLn;
    unkCount += t.unkCount;
  }
  return { perLine, ln, unkLn, unkCount };
}

const LIMITS: Array<[string, (m: CharLM) => LineScorerLimits]> = [
  ['default limits', (m) => defaultLimits(m)],
  ['small groups, chunks and windows', () => ({ streams: 5, steps: 7, rows: 21, window: 9 })],
  ['one step per chunk, one line per window', () => ({ streams: 3, steps: 1, rows: 3, window: 1 })],
  ['rows bound the chunk length', () => ({ streams: 16, steps: 1000, rows: 16 * 40, window: 50 })],
];

describe('LineScorer', () => {
  it('the test corpus has what the tests need', () => {
    const steps = Array.from({ length: corpus.lines }, (_, i) => corpus.lineStarts[i + 1] - corpus.lineStarts[i]);
    expect(corpus.lines).toBe(98);
    expect(steps.filter((s) => s === 1).length).toBeGreaterThanOrEqual(2); // empty lines
    expect(steps.filter((s) => s >= 4096).length).toBe(4); // at and past the sort cap
    expect(steps.filter((s) => s === 4096).length).toBe(2); // a tie among the long ones
    expect(corpus.unk).toBeGreaterThan(100);
    expect(corpus.ids[corpus.ids.length - 1]).toBe(0);
  });

  for (const cell of ['rnn', 'gru', 'lstm', 'bilstm'] as const) {
    const model = float64Model(cell, vocab.size, 20 + cell.length);
    const directions: Direction[] = cell === 'bilstm' ? ['forward', 'backward'] : ['forward'];
    for (const direction of directions) {
      // One line at a time, computed once for the four limits below (by the first to need it).
      let expected: ReturnType<typeof oneAtATime> | undefined;
      for (const [label, limits] of LIMITS) {
        it(`${cell} ${direction}, ${label}: every line's log-probability, the totals and the <UNK> mass`, async () => {
          const want = await (expected ??= oneAtATime(model, corpus, direction));
          const scorer = new LineScorer(model, direction, limits(model));
          const perLine = new Float64Array(corpus.lines);
          const r = await scorer.score(corpus.ids, corpus.lineStarts, corpus.lines, perLine);
          for (let i = 0; i < corpus.lines; i++) {
            expect(Math.abs(perLine[i] - want.perLine[i])).toBeLessThanOrEqual(1e-12 * Math.abs(want.perLine[i]));
          }
          expect(Math.abs(r.ln - want.ln)).toBeLessThanOrEqual(1e-12 * Math.abs(want.ln));
          expect(Math.abs(r.unkLn - want.unkLn)).toBeLessThanOrEqual(1e-12 * Math.abs(want.unkLn));
          expect(r.unkCount).toBe(want.unkCount);
          expect(r.unkCount).toBe(Array.from(corpus.ids.subarray(1)).filter((id) => id === UNK_ID).length);
          // Scoring again (buffers reused) gives the same.
          expect((await scorer.score(corpus.ids, corpus.lineStarts, corpus.lines)).ln).toBe(r.ln);
        });
      }
    }
  }

  it('the directions differ, and lines differ from one another (the comparisons above are not vacuous)', async () => {
    const model = float64Model('bilstm', vocab.size, 3);
    const f = await oneAtATime(model, corpus, 'forward');
    const b = await oneAtATime(model, corpus, 'backward');
    expect(Math.abs(f.ln - b.ln)).toBeGreaterThan(1e-6);
    expect(new Set(f.perLine).size).toBeGreaterThan(80);
  });

  it('the float32 model on the default engine: the same per-line values as one stream per line', async () => {
    const config: ModelConfig = { cell: 'bilstm', vocabSize: vocab.size, hidden: 12, layers: 2, dropout: 0 };
    const model = new CharLM(config, initParams(config, new Rng(8)));
    for (const direction of ['forward', 'backward'] as const) {
      const expected = await oneAtATime(model, corpus, direction);
      const perLine = new Float64Array(corpus.lines);
      const r = await withLineScorer(model, direction, (scorer) => scorer.score(corpus.ids, corpus.lineStarts, corpus.lines, perLine));
      // Float32 logits: each stream's arithmetic does not depend on the other rows of the batch.
      for (let i = 0; i < corpus.lines; i++)
        expect(Math.abs(perLine[i] - expected.perLine[i])).toBeLessThanOrEqual(1e-6 * Math.abs(expected.perLine[i]));
      expect(Math.abs(r.ln - expected.ln)).toBeLessThanOrEqual(1e-6 * Math.abs(expected.ln));
      expect(r.unkCount).toBe(expected.unkCount);
    }
  });

  it('no lines: zero totals', async () => {
    const model = float64Model('lstm', vocab.size, 1);
    const empty = encodeCorpus('', vocab);
    expect(await new LineScorer(model, 'forward').score(empty.ids, empty.lineStarts, empty.lines)).toEqual({
      ln: 0,
      unkCount: 0,
      unkLn: 0,
    });
  });

  it('compact ids (Uint8Array, Uint16Array) score as Int32Array', async () => {
    const model = float64Model('gru', vocab.size, 2);
    const scorer = new LineScorer(model, 'forward', { streams: 4, steps: 16, rows: 64, window: 40 });
    expect(corpus.ids).toBeInstanceOf(Uint8Array);
    const a = await scorer.score(corpus.ids, corpus.lineStarts, corpus.lines);
    expect(await scorer.score(Int32Array.from(corpus.ids), corpus.lineStarts, corpus.lines)).toEqual(a);
    expect(await scorer.score(Uint16Array.from(corpus.ids), corpus.lineStarts, corpus.lines)).toEqual(a);
  });
});
