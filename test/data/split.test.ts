// Tests for the train/validation split: line-boundary cuts, val = encoding of the remaining
// lines, the fallback exact cut, and edge cases.
import { describe, expect, it } from 'vitest';
import { countChars, encodeCorpus, splitLines } from '../../src/data/corpus.js';
import { splitTrainVal } from '../../src/data/split.js';
import { UsageError } from '../../src/errors.js';
import { EOS_ID, Vocab } from '../../src/tokenizer/vocab.js';

function setup(text: string) {
  const vocab = Vocab.build(countChars(text), 1);
  return { vocab, corpus: encodeCorpus(text, vocab) };
}

describe('splitTrainVal', () => {
  // 20 lines of varied length, with non-ASCII and an empty line.
  const lines = Array.from({ length: 20 }, (_, i) => (i === 7 ? '' : `línea ${i} ${'😀'.repeat(i % 4)}${'x'.repeat(i * 3)}`));
  const text = lines.join('\r\n') + '\n';
  const { vocab, corpus } = setup(text);

  it.each([0.05, 0.1, 0.25, 0.5, 0.9])('cuts at a line boundary near valFrac=%s', (frac) => {
    const s = splitTrainVal(corpus, frac);
    const k = s.valStartLine;
    expect(k).toBeGreaterThanOrEqual(1);
    expect(k).toBeLessThan(corpus.lines);
    // The chosen line start is the closest one to the requested position.
    const target = (1 - frac) * corpus.ids.length;
    const dist = (j: number) => Math.abs(corpus.lineStarts[j] - target);
    for (let j = 1; j < corpus.lines; j++) expect(dist(k)).toBeLessThanOrEqual(dist(j));
    // train = ids[0 .. lineStarts[k]] ends with line k-1's EOS; val starts with that EOS.
    expect(s.train.length).toBe(corpus.lineStarts[k]);
    expect(s.train[s.train.length - 1]).toBe(EOS_ID);
    expect(s.val[0]).toBe(EOS_ID);
    expect(s.train.length + s.val.length).toBe(corpus.ids.length + 1);
    // val is exactly the encoding of lines k.. on their own; train that of lines ..k-1.
    const rest = splitLines(text).slice(k).join('\n');
    expect(Array.from(s.val)).toEqual(Array.from(encodeCorpus(rest, vocab).ids));
    const head = splitLines(text).slice(0, k).join('\n');
    expect(Array.from(s.train)).toEqual(Array.from(encodeCorpus(head, vocab).ids));
  });

  it('returns views into the corpus, not copies', () => {
    const s = splitTrainVal(corpus, 0.1);
    expect(s.train.buffer).toBe(corpus.ids.buffer);
    expect(s.val.buffer).toBe(corpus.ids.buffer);
  });

  it('valFrac = 0 gives everything to training and an empty val', () => {
    const s = splitTrainVal(corpus, 0);
    expect(s.train.length).toBe(corpus.ids.length);
    expect(s.val.length).toBe(0);
    expect(s.valStartLine).toBe(corpus.lines);
  });

  it('always leaves at least the last line for validation, and line 0 for training', () => {
    const tiny = splitTrainVal(corpus, 1e-9);
    expect(tiny.valStartLine).toBe(corpus.lines - 1);
    const huge = splitTrainVal(corpus, 0.999999);
    expect(huge.valStartLine).toBe(1);
  });

  it('works with two lines, including empty ones', () => {
    const { corpus: c } = setup('\n\n');
    const s = splitTrainVal(c, 0.5);
    expect(Array.from(s.train)).toEqual([EOS_ID, EOS_ID]);
    expect(Array.from(s.val)).toEqual([EOS_ID, EOS_ID]);
    expect(s.valStartLine).toBe(1);
  });

  it('cuts a single line at the exact position (val starts mid-line, valStartLine = -1)', () => {
    const { corpus: c } = setup('abcdefghij'); // ids: EOS a..j EOS = 12
    const s = splitTrainVal(c, 0.25);
    expect(s.valStartLine).toBe(-1);
    expect(s.train.length).toBe(9);
    expect(s.val.length).toBe(4);
    // One id of overlap: the last training id is the first validation input.
    expect(s.val[0]).toBe(s.train[s.train.length - 1]);
    expect(Array.from(s.val)).toEqual(Array.from(c.ids.subarray(8)));
  });

  it('keeps at least 2 ids on each side of an exact cut', () => {
    const { corpus: c } = setup('ab'); // EOS a b EOS
    for (const frac of [1e-9, 0.5, 0.999]) {
      const s = splitTrainVal(c, frac);
      expect(s.train.length).toBeGreaterThanOrEqual(2);
      expect(s.val.length).toBeGreaterThanOrEqual(2);
      expect(s.valStartLine).toBe(-1);
    }
  });

  it('gives no validation text when the corpus is too small to cut', () => {
    for (const t of ['', '\n']) {
      const { corpus: c } = setup(t);
      const s = splitTrainVal(c, 0.5);
      expect(s.train.length).toBe(c.ids.length);
      expect(s.val.length).toBe(0);
      expect(s.valStartLine).toBe(c.lines);
    }
  });

  it.each([-0.1, 1, 1.5, Number.NaN])('rejects valFrac=%s', (frac) => {
    expect(() => splitTrainVal(corpus, frac)).toThrow(UsageError);
  });
});
