// The library's sample(): an async iterator of characters (for await), the same text as the
// generator underneath (sampleText) for a seed, every new option passed through, an AbortSignal that stops
// it (from inside the loop, from a timer while it runs, or before it starts), bad options
// thrown at once; beam() and sample({ beam }) agree.
import { beforeAll, describe, expect, it } from 'vitest';
import { beam, sample, UsageError, type LoadedModel, type SampleRequest } from '../src/index.js';
import { sampleText } from '../src/generation/sample.js';
import { Rng } from '../src/util/rng.js';
import { tinyLM } from './helpers/tiny-lm.js';

/** A generator's characters, in order. */
async function charsOf(gen: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const ch of gen) out.push(ch);
  return out;
}

let m: LoadedModel;
beforeAll(async () => {
  m = await tinyLM('bilstm', 100);
});

async function collect(request: SampleRequest): Promise<string> {
  let s = '';
  for await (const ch of sample(m, request)) s += ch;
  return s;
}

describe('sample() as an async iterator', () => {
  it("for await gives the underlying generator's text for the same seed, one character at a time", async () => {
    const chars: string[] = [];
    for await (const ch of sample(m, {
      prime: 'the ',
      length: 300,
      seed: 9,
      temperature: 0.9,
      minP: 0.02,
      repeatPenalty: 1.2,
      repeatLast: 16,
    }))
      chars.push(ch);
    const want = await charsOf(
      sampleText(m.model, m.vocab, {
        temperature: 0.9,
        topK: 0,
        topP: 1,
        minP: 0.02,
        repeatPenalty: 1.2,
        repeatLast: 16,
        prime: 'the ',
        length: 300,
        direction: 'forward',
        rng: new Rng(9),
      }),
    );
    expect(chars).toEqual(want);
    expect(chars).toHaveLength(300);
  });

  it('stop (a string or a list) and lines end the text; without a length, they may run past 500', async () => {
    const full = await collect({ prime: 'the ', length: 400, seed: 4 });
    const at = full.indexOf('mat');
    expect(at).toBeGreaterThan(0);
    expect(await collect({ prime: 'the ', length: 400, seed: 4, stop: 'mat' })).toBe(full.slice(0, at));
    expect(await collect({ prime: 'the ', length: 400, seed: 4, stop: ['zz', 'mat'] })).toBe(full.slice(0, at));
    const long = await collect({ seed: 4, lines: 60 });
    expect(long.split('\n')).toHaveLength(60);
    expect(long.length).toBeGreaterThan(500);
  });

  it('abort() inside the loop: the next step rejects with an AbortError', async () => {
    const ac = new AbortController();
    let n = 0;
    const run = async () => {
      for await (const _ of sample(m, { length: 1000, seed: 1, signal: ac.signal })) if (++n === 10) ac.abort();
    };
    await expect(run()).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(n).toBe(10);
  });

  it('abort() from a timer stops a long sample while it runs', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('enough')), 30);
    let n = 0;
    const t0 = Date.now();
    const run = async () => {
      for await (const _ of sample(m, { length: 100_000_000, seed: 1, signal: ac.signal })) n++;
    };
    await expect(run()).rejects.toThrow('enough');
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(100_000_000);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('an already aborted signal yields nothing', async () => {
    let n = 0;
    const run = async () => {
      for await (const _ of sample(m, { signal: AbortSignal.abort() })) n++;
    };
    await expect(run()).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(n).toBe(0);
  });

  it('breaking out of the loop frees the model for the next sample', async () => {
    for await (const ch of sample(m, { seed: 2 })) if (ch === ' ') break;
    expect(await collect({ seed: 3, length: 50 })).toBe(
      (
        await charsOf(
          sampleText(m.model, m.vocab, { temperature: 1, topK: 0, topP: 1, prime: '', length: 50, direction: 'forward', rng: new Rng(3) }),
        )
      ).join(''),
    );
  });

  it('bad options throw a UsageError at the call, before any iteration', () => {
    expect(() => sample(m, { minP: 2 })).toThrow(/^sample option minP is 2/);
    expect(() => sample(m, { repeatPenalty: 0.5 })).toThrow(/^sample option repeatPenalty is 0\.5/);
    expect(() => sample(m, { lines: -1 })).toThrow(/^sample option lines is -1/);
    expect(() => sample(m, { stop: '' })).toThrow(/^sample option stop is \[""\]/);
    expect(() => sample(m, { beam: 2, temperature: 0.5 })).toThrow(UsageError);
    // The rule is the CLI's (test/cli/sample-fill.test.ts), with the library's names for the options.
    expect(() => sample(m, { beam: 2, temperature: 0.5, repeatLast: 8 })).toThrow(
      /^beam follows the model's own distribution: it cannot be combined with temperature, repeatLast$/,
    );
    expect(() => sample(m, { beam: 1000 })).toThrow(/^sample option beam is 1000/);
  });
});

describe('beam()', () => {
  it('gives the text sample({ beam }) yields, with its log-probability; width 1 is greedy', async () => {
    const r = await beam(m, { prime: 'the ', length: 40, beam: 4 });
    expect(r.text).toBe(await collect({ prime: 'the ', length: 40, beam: 4 }));
    expect(r.logprobLn).toBeLessThan(0);
    expect(r.symbols).toBe(40);
    expect((await beam(m, { prime: 'a ', lines: 1, beam: 1 })).text).toBe(await collect({ prime: 'a ', lines: 1, temperature: 0 }));
  });
});
