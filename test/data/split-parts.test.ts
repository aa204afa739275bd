// A corpus of several files (issue 15, item 1): joinSources ends every file with a line end and
// tells the counting pass where each file starts; the validation text is the end of each file
// (splitTrainValParts), as much as --val-frac of the whole to within a line, and a corpus of one
// file splits exactly as before.
import { describe, expect, it } from 'vitest';
import { countSource, encodeSource } from '../../src/data/corpus.js';
import { joinSources } from '../../src/data/joined-source.js';
import { stringSource } from '../../src/data/source.js';
import { splitTrainValParts } from '../../src/data/split-parts.js';
import { splitTrainVal } from '../../src/data/split.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';

const vocab = Vocab.fromSymbols(['<EOS>', '<UNK>', ...'abcdefghij ']);
const decode = (ids: ArrayLike<number>) => vocab.decode(ids);

function codePoints(source: ReturnType<typeof joinSources>): string {
  let s = '';
  source.forEachChunk((cps, n) => {
    for (let i = 0; i < n; i++) s += String.fromCodePoint(cps[i]);
  });
  return s;
}

describe('joinSources', () => {
  it('each part ends with a line end (added when missing), an empty part adds nothing; the counting pass sees the parts', () => {
    const joined = joinSources([stringSource('ab\r\ncd'), stringSource('e'), stringSource(''), stringSource('f\n\n')], 'three');
    expect(codePoints(joined)).toBe('ab\ncd\ne\nf\n\n');
    const counts = countSource(joined);
    expect(counts.partLines).toEqual([2, 1, 0, 2]);
    expect(counts.lines).toBe(5);
    expect(countSource(stringSource('ab\ncd')).partLines).toBeNull();
  });
});

/** Random files of random lines (some files of one line or none); every line different (it starts
 *  with its file's and its own number, in letters), so the cut can be read back from the text. */
function randomFiles(rng: Rng, files: number): string[][] {
  const letters = (n: number) => [...String(n)].map((d) => 'abcdefghij'[Number(d)]).join('');
  return Array.from({ length: files }, (_, f) => {
    const lines = rng.nextUint32() % 4 === 0 ? rng.nextUint32() % 3 : 5 + (rng.nextUint32() % 60);
    return Array.from({ length: lines }, (_, i) => {
      const n = rng.nextUint32() % 24;
      return `${letters(f)} ${letters(i)} ` + Array.from({ length: n }, () => 'abcdefghij '[rng.nextUint32() % 11]).join('');
    });
  });
}

describe('splitTrainValParts', () => {
  it('one file: exactly splitTrainVal', () => {
    const text = Array.from({ length: 40 }, (_, i) => 'abc'.repeat(i % 5)).join('\n');
    const corpus = encodeSource(stringSource(text), vocab);
    for (const f of [0, 0.1, 0.5]) expect(splitTrainValParts(corpus, [corpus.lines], f, vocab.size)).toEqual(splitTrainVal(corpus, f));
  });

  it('several: training = the first lines of each file, validation = the last, in file order; valFrac of the whole to within a line', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 40; trial++) {
      const files = randomFiles(rng, 1 + (rng.nextUint32() % 8));
      const joined = joinSources(
        files.map((lines) => stringSource(lines.join('\n'))),
        'files',
      );
      const counts = countSource(joined);
      if (counts.lines === 0) continue;
      const corpus = encodeSource(joined, vocab, counts);
      const valFrac = [0.05, 0.1, 0.3][trial % 3];
      const split = splitTrainValParts(corpus, counts.partLines!, valFrac, vocab.size);
      // The layout of splitTrainVal: both start with an <EOS>; the validation stream starts with the training stream's last one.
      expect(split.train[0]).toBe(0);
      expect(split.train[split.train.length - 1]).toBe(0);
      expect(split.val[0]).toBe(0);
      expect(split.train.length + split.val.length - 1).toBe(corpus.ids.length);
      // Decoded: each file's lines cut in two, the first parts then the last parts.
      const trainLines = decode(split.train.subarray(1)).split('\n').slice(0, -1);
      const valLines = split.val.length > 1 ? decode(split.val.subarray(1)).split('\n').slice(0, -1) : [];
      const kept = files.map(() => 0);
      let at = 0;
      for (let f = 0; f < files.length; f++) {
        while (kept[f] < files[f].length && at < trainLines.length && trainLines[at] === files[f][kept[f]]) {
          kept[f]++;
          at++;
        }
      }
      const expectedVal = files.flatMap((lines, f) => lines.slice(kept[f]));
      expect(at).toBe(trainLines.length);
      expect(valLines).toEqual(expectedVal);
      // As much validation text as asked for, to within one line (the longest: 32 characters + <EOS>).
      const total = corpus.ids.length - 1;
      expect(Math.abs(split.val.length - 1 - valFrac * total)).toBeLessThanOrEqual(33);
      // Every file of 40 lines or more gives some of its end (it is about 4 lines at 10%).
      if (valFrac >= 0.1) files.forEach((lines, f) => lines.length >= 40 && expect(kept[f], `file ${f}`).toBeLessThan(lines.length));
    }
  });

  it('valFrac 0: no validation text; a bad valFrac is refused', () => {
    const joined = joinSources([stringSource('ab\ncd\n'), stringSource('ef\n')], 'two');
    const counts = countSource(joined);
    const corpus = encodeSource(joined, vocab, counts);
    const split = splitTrainValParts(corpus, counts.partLines!, 0, vocab.size);
    expect(split.val.length).toBe(1);
    expect(decode(split.train)).toBe('\nab\ncd\nef\n');
    expect(() => splitTrainValParts(corpus, counts.partLines!, 1, vocab.size)).toThrow(/validation fraction/);
  });
});
