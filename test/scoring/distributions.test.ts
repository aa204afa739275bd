// sentenceDistributions: the whole distribution at each position. At the symbol actually
// scored it must be exactly SentenceScorer's per-token value (same runner path, same chunks),
// in both directions and across a chunk boundary; each row is a distribution.
import { describe, expect, it } from 'vitest';
import { CharLM, initParams } from '../../src/model/charlm.js';
import type { CellType, Direction } from '../../src/model/config.js';
import { sentenceDistributions, topSymbols } from '../../src/scoring/distributions.js';
import { SentenceScorer } from '../../src/scoring/sentence-scorer.js';
import { EOS_ID, UNK_ID, Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';

const vocab = Vocab.fromSymbols(['<EOS>', '<UNK>', ' ', '.', 'a', 'b', 'c', 'd', 'é']);

function model(cell: CellType): CharLM {
  const config = { cell, vocabSize: vocab.size, hidden: 12, layers: 2, dropout: 0 };
  const params = initParams(config, new Rng(5));
  // Larger weights than the initialisation, so the distributions are far from uniform.
  for (let i = 0; i < params.data.length; i++) params.data[i] *= 6;
  return new CharLM(config, params);
}

const long = 'abcd é.'.repeat(45); // 315 characters: the 257th prediction starts a second chunk

describe('sentenceDistributions', () => {
  for (const [cell, direction] of [
    ['lstm', 'forward'],
    ['gru', 'forward'],
    ['bilstm', 'forward'],
    ['bilstm', 'backward'],
  ] as [CellType, Direction][]) {
    it(`${cell} ${direction}: at the scored symbol, exactly the scorer's per-token log-probability`, async () => {
      const m = model(cell);
      const scorer = new SentenceScorer(m, vocab);
      for (const text of ['', 'a', 'bad cab.', 'a☃b', long]) {
        const s = await scorer.score(text, direction);
        const d = await sentenceDistributions(m, vocab, text, direction);
        expect(d.targets.length).toBe(s.tokens);
        for (let i = 0; i < s.tokens; i++) expect(d.logProbs[i * d.V + d.targets[i]]).toBe(s.perToken[i]);
        expect(d.targets[s.tokens - 1]).toBe(EOS_ID);
      }
    });
  }

  it('each row is a distribution; unknown characters are scored as <UNK>', async () => {
    const d = await sentenceDistributions(model('lstm'), vocab, 'a☃b', 'forward');
    expect(Array.from(d.targets)).toEqual([vocab.idOf('a'), UNK_ID, vocab.idOf('b'), EOS_ID]);
    for (let i = 0; i < 4; i++) {
      let sum = 0;
      for (let v = 0; v < d.V; v++) sum += Math.exp(d.logProbs[i * d.V + v]);
      expect(sum).toBeCloseTo(1, 12);
    }
  });

  it('topSymbols: the k most likely, most likely first, k capped at V', async () => {
    const d = await sentenceDistributions(model('gru'), vocab, 'abc', 'forward');
    for (let i = 0; i < 4; i++) {
      const row = Array.from(d.logProbs.subarray(i * d.V, (i + 1) * d.V));
      const top = topSymbols(d, i, 3);
      expect(top).toHaveLength(3);
      expect(top[0].logprobLn).toBe(Math.max(...row));
      expect(top[0].logprobLn).toBeGreaterThanOrEqual(top[1].logprobLn);
      expect(top[1].logprobLn).toBeGreaterThanOrEqual(top[2].logprobLn);
      for (const t of top) expect(t.logprobLn).toBe(row[t.id]);
    }
    expect(topSymbols(d, 0, 100)).toHaveLength(d.V);
  });
});
