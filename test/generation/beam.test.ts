// Beam search for the most likely continuation: width 1 is greedy sampling (temperature 0),
// with the same text and the same ends (length, lines, stop strings), in both directions of a
// bilstm; a wider beam finds a continuation at least as likely as greedy's here; the reported
// ln P is the scorer's probability of the continuation given the prime; a beam as wide as
// every prefix finds the exhaustive optimum.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../src/index.js';
import { beamSearch, type BeamOptions, type BeamResult } from '../../src/generation/beam.js';
import { withBrancher } from '../../src/generation/brancher.js';
import { primeContext, sampleText, type SampleOptions } from '../../src/generation/sample.js';
import { stopSequences } from '../../src/generation/stop.js';
import type { Direction } from '../../src/model/config.js';
import { withScorer } from '../../src/scoring/stream-scorer.js';
import { UNK_ID } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';
import { tinyLM } from '../helpers/tiny-lm.js';

let m: LoadedModel;
beforeAll(async () => {
  m = await tinyLM('bilstm', 60); // undertrained on purpose: its greedy choices are not always best
});

async function greedy(extra: Partial<SampleOptions>) {
  const gen = sampleText(m.model, m.vocab, {
    temperature: 0,
    topK: 0,
    topP: 1,
    prime: '',
    length: 80,
    direction: 'forward',
    rng: new Rng(1),
    ...extra,
  });
  let text = '';
  for (let r = await gen.next(); ; r = await gen.next()) {
    if (r.done) return { text, end: r.value };
    text += r.value;
  }
}

const search = (extra: Partial<BeamOptions>): Promise<BeamResult> =>
  beamSearch(m.model, m.vocab, { width: 1, prime: '', length: 80, direction: 'forward', ...extra });

/** ln P of the generated symbols (with the stop string or last line end) given the prime, by the scorer. */
async function scorerLogprob(prime: string, generated: string[], direction: Direction): Promise<number> {
  const context = primeContext(m.vocab, prime, direction);
  const ids = Int32Array.from([...context, ...generated.map((ch) => m.vocab.idOf(ch))]);
  const out = new Float64Array(ids.length - 1);
  await withScorer(m.model, direction, async (scorer) => {
    scorer.reset();
    await scorer.logProbs(ids, out);
  });
  return out.subarray(context.length - 1).reduce((a, b) => a + b, 0);
}

/** The symbols the search generated: its text, plus the stop string or line end it dropped. */
function generatedSymbols(r: BeamResult, stop: string | null): string[] {
  return [...r.chars, ...(r.stoppedBy === 'lines' ? ['\n'] : r.stoppedBy === 'stop' ? stopSequences([stop!], false)[0] : [])];
}

describe('beam search', () => {
  const cases: Partial<SampleOptions & BeamOptions>[] = [
    { prime: '' },
    { prime: 'the ' },
    { prime: 'a dog', length: 120 },
    { prime: 'my c', lines: 2 },
    { prime: 'the ', stop: ['mat'] },
    { prime: 'mat.', direction: 'backward', length: 60 },
    { prime: 'sat.', direction: 'backward', lines: 1 },
  ];

  it('width 1 is greedy sampling: the same text and the same end', async () => {
    for (const c of cases) {
      const g = await greedy(c);
      const b = await search({ ...c, width: 1 });
      expect(b.chars.join('')).toBe(g.text);
      expect(b.stoppedBy).toBe(g.end.stoppedBy);
      expect(b.symbols).toBe(g.end.symbols);
    }
  });

  it("the reported ln P is the scorer's log-probability of the continuation given the prime", async () => {
    for (const c of cases) {
      for (const width of [1, 5]) {
        const r = await search({ ...c, width });
        const want = await scorerLogprob(c.prime ?? '', generatedSymbols(r, c.stop?.[0] ?? null), c.direction ?? 'forward');
        expect(r.logprobLn).toBeLessThan(0);
        // The same float64 log-probabilities summed in another order: measured, they differ by
        // at most 4.6e-16 of |ln P| (2.1e-14 nats of 62); allowed: about 4 times that.
        expect(Math.abs(r.logprobLn - want)).toBeLessThan(2e-15 * Math.max(1, Math.abs(want)));
      }
    }
  });

  it("wider beams find continuations at least as likely as greedy's (and here strictly more likely for some)", async () => {
    let better = 0;
    for (const c of cases.filter((x) => !x.lines && !x.stop)) {
      const one = await search({ ...c, width: 1 });
      for (const width of [2, 4, 8]) {
        const r = await search({ ...c, width });
        expect(r.logprobLn).toBeGreaterThanOrEqual(one.logprobLn);
        expect(r.symbols).toBe(one.symbols); // same length: no stop, no lines
        if (r.logprobLn > one.logprobLn + 1e-9) better++;
      }
    }
    expect(better).toBeGreaterThan(0);
  });

  it('a beam as wide as every 2-symbol prefix finds the most likely 3-symbol continuation (exhaustive check)', async () => {
    const V = m.model.config.vocabSize;
    const best = await withBrancher(m.model, 'forward', async (brancher) => {
      const root = await brancher.root(primeContext(m.vocab, 'the c', 'forward'));
      let most = -Infinity;
      for (let a = 0; a < V; a++) {
        if (a === UNK_ID) continue;
        const ba = await brancher.extend(root, a);
        for (let b = 0; b < V; b++) {
          if (b === UNK_ID) continue;
          const bb = await brancher.extend(ba, b);
          for (let c = 0; c < V; c++) if (c !== UNK_ID) most = Math.max(most, root.logprobs[a] + ba.logprobs[b] + bb.logprobs[c]);
        }
      }
      return most;
    });
    const r = await search({ prime: 'the c', length: 3, width: V * V });
    expect(r.logprobLn).toBe(best);
    expect((await search({ prime: 'the c', length: 3, width: 1 })).logprobLn).toBeLessThanOrEqual(best);
  });

  it('length 0 is an empty continuation of probability 1', async () => {
    expect(await search({ length: 0, width: 3 })).toEqual({ chars: [], logprobLn: 0, symbols: 0, stoppedBy: 'length' });
  });
});
