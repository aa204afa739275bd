// eval --reset line on several threads (src/scoring/line-threads.ts): the groups of each window are taken
// from a shared counter by every thread, and the totals are bit-identical to one thread's (every line is
// computed as one thread computes it and the totals are added in file order), for lstm, gru and
// the bilstm's backward model, for 2 and 3 threads; arrays that are not on shared memory fall
// back (null) instead of being copied; evaluateCorpus gives the same figures for any --threads.
import { describe, expect, it } from 'vitest';
import { encodeCorpus, type EncodedCorpus } from '../../src/data/corpus.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import type { CellType, ModelConfig } from '../../src/model/config.js';
import { evaluateCorpus, MIN_TOKENS_PER_EXTRA_THREAD } from '../../src/scoring/evaluate.js';
import { withLineScorer } from '../../src/scoring/line-scorer.js';
import { LINE_CTRL, scoreLinesThreaded, takeGroup } from '../../src/scoring/line-threads.js';
import { openRound } from '../../src/util/round-counter.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';

const vocab = Vocab.build(
  new Map([
    ['a', 5],
    ['b', 5],
    ['c', 5],
    [' ', 5],
    ['é', 5],
  ]),
  1,
);

/** n lines of random length (0..maxLen), with a few characters outside the vocabulary. */
function makeText(n: number, maxLen: number, seed: number): string {
  const rng = new Rng(seed);
  const alphabet = ['a', 'b', 'c', ' ', 'é', 'x'];
  const lines = Array.from({ length: n }, () => {
    const len = Math.floor(rng.next() * (maxLen + 1));
    return Array.from({ length: len }, () => alphabet[Math.floor(rng.next() * alphabet.length)]).join('');
  });
  lines[7] = 'a'.repeat(700); // longer than one time chunk
  return lines.join('\n') + '\n';
}

function model(cell: CellType): CharLM {
  const config: ModelConfig = { cell, vocabSize: vocab.size, hidden: 16, layers: 2, dropout: 0 };
  return new CharLM(config, initParams(config, new Rng(5)));
}

/** One thread's totals, from the model's shared line scorer. */
function oneThread(m: CharLM, direction: 'forward' | 'backward', c: EncodedCorpus) {
  return withLineScorer(m, direction, (scorer) => scorer.score(c.ids, c.lineStarts, c.lines));
}

describe('line scoring on several threads', () => {
  const corpus = encodeCorpus(makeText(600, 60, 3), vocab);

  for (const [cell, direction] of [
    ['lstm', 'forward'],
    ['gru', 'forward'],
    ['bilstm', 'backward'],
  ] as const) {
    it(`${cell} ${direction}: 2 and 3 threads give one thread's totals bit for bit`, async () => {
      const m = model(cell);
      const one = await oneThread(m, direction, corpus);
      expect(one.unkCount).toBeGreaterThan(0);
      for (const threads of [2, 3]) {
        const many = await scoreLinesThreaded(m, direction, corpus.ids, corpus.lineStarts, corpus.lines, threads);
        expect(many).toEqual(one);
      }
    });
  }

  it('workers that are ready from the start take groups, and the totals are still bit-identical', async () => {
    const big = encodeCorpus(makeText(6000, 50, 11), vocab);
    const m = model('lstm');
    const one = await oneThread(m, 'forward', big);
    const stats = { groups: 0, workerGroups: 0 };
    const two = await scoreLinesThreaded(m, 'forward', big.ids, big.lineStarts, big.lines, 2, undefined, { waitForWorkers: true, stats });
    expect(two).toEqual(one);
    expect(stats.groups).toBe(Math.ceil(6000 / (await withLineScorer(m, 'forward', async (scorer) => scorer.streams))));
    expect(stats.workerGroups).toBeGreaterThan(0);
    expect(stats.workerGroups).toBeLessThan(stats.groups);
  });

  it('takeGroup hands out 0, 1, 2, ... of the current window only', () => {
    const control = new Int32Array(new SharedArrayBuffer(4 * 16));
    openRound(control, LINE_CTRL.take, 5); // window 5, as scoreLinesThreaded opens it
    expect([takeGroup(control, 5), takeGroup(control, 5), takeGroup(control, 5)]).toEqual([0, 1, 2]);
    expect(takeGroup(control, 4)).toBe(Infinity); // a worker still on window 4 takes nothing
    expect(takeGroup(control, 5)).toBe(3);
  });

  it('returns null (the caller scores on one thread) for arrays that are not on shared memory', async () => {
    const m = model('lstm');
    const ids = Uint8Array.from(corpus.ids);
    expect(ids.buffer instanceof SharedArrayBuffer).toBe(false);
    expect(await scoreLinesThreaded(m, 'forward', ids, corpus.lineStarts, corpus.lines, 2)).toBeNull();
    expect(await scoreLinesThreaded(m, 'forward', corpus.ids, corpus.lineStarts, corpus.lines, 1)).toBeNull();
  });

  it('evaluateCorpus: the same figures for --threads 1 and 2 on an input big enough for threads', async () => {
    const big = encodeCorpus(makeText(8000, 40, 9), vocab);
    expect(big.ids.length).toBeGreaterThan(MIN_TOKENS_PER_EXTRA_THREAD);
    const m = model('lstm');
    const one = await evaluateCorpus(m, big, 'forward', 'line', { threads: 1 });
    const two = await evaluateCorpus(m, big, 'forward', 'line', { threads: 2 });
    expect(two).toEqual(one);
  });
});
