// Gap filling: on a tiny bilstm that has memorised its sentences, a masked character (or
// several, or a gap of unknown length) is recovered; candidates are whole sentences ranked by
// the mean of the forward and backward log-probabilities, which are exactly score()'s; a model
// with one direction ranks by the forward model alone; placeholders can be changed; templates
// and options are checked.
import { beforeAll, describe, expect, it } from 'vitest';
import { fill, score, UsageError, type LoadedModel } from '../../src/index.js';
import { parseTemplate } from '../../src/generation/fill-template.js';
import { tinyLM } from '../helpers/tiny-lm.js';

let bi: LoadedModel;
let uni: LoadedModel;
beforeAll(async () => {
  bi = await tinyLM('bilstm', 250);
  uni = await tinyLM('lstm', 250);
});

describe('fill with a bilstm', () => {
  it('recovers a masked character', async () => {
    const r = await fill(bi, 'the cat sat on the m_t.');
    expect(r.directions).toEqual(['forward', 'backward']);
    expect(r.candidates[0].text).toBe('the cat sat on the mat.');
    expect(r.candidates[0].fills).toEqual(['a']);
    expect(r.candidates).toHaveLength(5);
    for (const c of r.candidates) expect(c.text).toMatch(/^the cat sat on the m.t\.$/);
  });

  it('recovers several gaps, the first character, and a gap of unknown length', async () => {
    expect((await fill(bi, 'the c_t s_t on the mat.')).candidates[0].fills).toEqual(['a', 'a']);
    expect((await fill(bi, '_y cat is on a mat.')).candidates[0].text).toBe('my cat is on a mat.');
    const w = await fill(bi, 'a dog ate my *.');
    expect(w.candidates[0].text).toBe('a dog ate my hat.');
    expect(w.candidates[0].fills).toEqual(['hat']);
    expect((await fill(bi, 'a d*e my hat.', { maxGap: 6 })).candidates[0].fills).toEqual(['og at']);
  });

  it('the backward search proposes what the forward one cannot see: a first character, with a beam of 1', async () => {
    // Forward, a line starts with t far more often than m: with one partial sentence kept it
    // proposes "ty cat..." only. The backward model reads "y cat is on a mat." first.
    expect((await fill(uni, '_y cat is on a mat.', { beam: 1 })).candidates.map((c) => c.text)).not.toContain('my cat is on a mat.');
    const r = await fill(bi, '_y cat is on a mat.', { beam: 1 });
    expect(r.candidates[0].text).toBe('my cat is on a mat.');
    expect(r.candidates.length).toBe(2); // one proposal from each direction
  });

  it('ranks by the mean of forward and backward ln P of the whole sentence, as score() gives them', async () => {
    const r = await fill(bi, 'the dog s_t.', { top: 4 });
    for (let i = 0; i < r.candidates.length; i++) {
      const c = r.candidates[i];
      const [f] = await score(bi, [c.text], 'forward');
      const [b] = await score(bi, [c.text], 'backward');
      const [both] = await score(bi, [c.text], 'both');
      expect(c.forwardLogprobLn).toBe(f.logprobLn);
      expect(c.backwardLogprobLn).toBe(b.logprobLn);
      expect(c.logprobLn).toBe(both.logprobLn);
      if (i > 0) expect(c.logprobLn).toBeLessThanOrEqual(r.candidates[i - 1].logprobLn);
    }
  });

  it('other placeholders with gap and wildcard; underscores and stars can then be text', async () => {
    const r = await fill(bi, 'the cat s#t on the m?.', { gap: '#', wildcard: '?', maxGap: 3 });
    expect(r.candidates[0].text).toBe('the cat sat on the mat.');
    expect(r.candidates[0].fills).toEqual(['a', 'at']);
    expect(parseTemplate('_#*?', { gap: '#', wildcard: '?', maxGap: 3 })).toEqual({
      items: [
        { kind: 'char', ch: '_' },
        { kind: 'gap', index: 0, min: 1, max: 1 },
        { kind: 'char', ch: '*' },
        { kind: 'gap', index: 1, min: 1, max: 3 },
      ],
      gaps: 2,
    });
  });

  it('the same input gives the same candidates, byte for byte', async () => {
    expect(await fill(bi, 'my _at is on a m*.')).toEqual(await fill(bi, 'my _at is on a m*.'));
  });
});

describe('fill with a one-direction model', () => {
  it('ranks by the forward model alone; no backward score', async () => {
    const r = await fill(uni, 'the cat sat on the m_t.');
    expect(r.directions).toEqual(['forward']);
    expect(r.candidates[0].text).toBe('the cat sat on the mat.');
    for (const c of r.candidates) {
      expect(c.backwardLogprobLn).toBeNull();
      expect(c.logprobLn).toBe(c.forwardLogprobLn);
      expect(c.logprobLn).toBe((await score(uni, [c.text]))[0].logprobLn);
    }
  });
});

describe('fill: checks', () => {
  it('no gap, a line end, or bad options are usage errors naming the problem', () => {
    expect(() => fill(bi, 'the cat')).toThrow(UsageError);
    expect(() => fill(bi, 'the cat')).toThrow(/no gap/);
    expect(() => fill(bi, 'a_\nb')).toThrow(/one line/);
    expect(() => fill(bi, 'a_', { gap: '**' })).toThrow(/^fill option gap is "\*\*": expected exactly one character/);
    // The library names its options as the library does; the CLI's flags: test/cli/sample-fill.test.ts.
    expect(() => fill(bi, 'a_', { gap: '*' })).toThrow(/^gap and wildcard must differ, both are "\*"$/);
    expect(() => fill(bi, 'a_', { maxGap: 0 })).toThrow(/^fill option maxGap is 0: expected an integer from 1 to 100$/);
    expect(() => fill(bi, 'a_', { beam: 0 })).toThrow(/^fill option beam is 0/);
    expect(() => fill(bi, 'a_', { top: 1.5 })).toThrow(/^fill option top is 1\.5/);
    expect(() => fill(bi, 'a_', { maxgap: 3 } as never)).toThrow(/^fill has no option "maxgap": did you mean maxGap\?$/);
  });
});
