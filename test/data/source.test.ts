// Code point sources: a string, UTF-8 bytes in memory and a file read in chunks (Node's
// fileSource, src/platform/node/file-source.ts) give the same code points and, through
// countSource / encodeSource, exactly what the string encoder gives, wherever the chunk
// boundaries fall (inside a multi-byte sequence, a surrogate pair, a CRLF, a leading BOM); bad
// bytes are reported as before (NUL first, then the first invalid sequence's offset, as
// TextDecoder accepts exactly the valid inputs); ids are compact.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { charCounts, countChars, countSource, encodeCorpus, encodeSource, splitLines } from '../../src/data/corpus.js';
import { bytesSource, stringSource, type CodePointSource } from '../../src/data/source.js';
import { CharnnError } from '../../src/errors.js';
import { evaluate, type LoadedModel } from '../../src/index.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import { fileSource } from '../../src/platform/node/file-source.js';
import { prepareCorpus } from '../../src/train/prepare.js';
import { EOS_ID, Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** All code points of one pass, line ends as LF. */
function codePoints(source: CodePointSource): number[] {
  const out: number[] = [];
  source.forEachChunk((cps, n) => {
    expect(n).toBeGreaterThan(0);
    for (let k = 0; k < n; k++) out.push(cps[k]);
  });
  return out;
}

/** The reference: the string's code points (codePointAt), CRLF / CR / LF -> one LF. */
function referenceCodePoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    if (cp === 0x0d) {
      out.push(0x0a);
      i += text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
      continue;
    }
    out.push(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}

/** The encoding the slow, obvious way: [EOS] + each line's ids + EOS. */
function referenceIds(text: string, vocab: Vocab): number[] {
  const out = [EOS_ID];
  for (const line of splitLines(text)) out.push(...vocab.encodeLine(line), EOS_ID);
  return out;
}

/** The first invalid UTF-8 sequence's lead byte (-1 if none): the pre-streaming reader's rule. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number, min: number, cp: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min, cp] = [1, 0x80, c & 0x1f];
    else if (c >= 0xe0 && c <= 0xef) [need, min, cp] = [2, 0x800, c & 0x0f];
    else if (c >= 0xf0 && c <= 0xf4) [need, min, cp] = [3, 0x10000, c & 0x07];
    else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

function errorOf(f: () => unknown): CharnnError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CharnnError);
    expect((e as Error).message).not.toContain('\n');
    return e as CharnnError;
  }
  throw new Error('expected a CharnnError');
}

// CRLF, lone CR, LF-then-CR, astral characters, a combining accent, a BOM (leading and inner),
// empty lines, rare characters, no final line end.
const TRICKY = [
  '',
  'a',
  '\n',
  '\r',
  '\r\n',
  '\r\r\n\n\r',
  'ab\r\ncd\ref\n\ngh',
  'a\n\rb',
  '\uFEFFab\uFEFF\r\n😀日\r\n',
  'é😀x\n日🦊e\u0301\n',
  '👩‍👧 zwj\r\n\r\nend without newline 🦊',
  'x'.repeat(40) + '\r' + '日本語'.repeat(7) + '\r\n' + '😀'.repeat(9),
];

describe('code point sources', () => {
  it('string, bytes and chunked bytes give the reference code points for every chunk size', () => {
    for (const text of TRICKY) {
      const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a byte source drops a leading BOM
      const expected = referenceCodePoints(body);
      for (const chunk of [1, 2, 3, 4, 5, 7, 64, 1 << 20]) {
        expect(codePoints(stringSource(text, 'text', chunk))).toEqual(referenceCodePoints(text));
        expect(codePoints(bytesSource(utf8(text), 'bytes', chunk))).toEqual(expected);
      }
    }
  });

  it('bytes arriving in arbitrary pieces (as stdin does) decode as one stream', () => {
    const rng = new Rng(9);
    for (const text of TRICKY) {
      const bytes = utf8(text);
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < bytes.length;) {
        const n = 1 + Math.floor(rng.next() * 5);
        pieces.push(bytes.slice(at, at + n));
        at += n;
      }
      expect(codePoints(bytesSource(pieces, 'stdin', 3))).toEqual(codePoints(bytesSource(bytes, 'one')));
    }
  });

  it('a string source keeps a lone surrogate as its own code point (as codePointAt does)', () => {
    for (const text of ['a\uD800b', '\uDC00\uD83D', 'x\uD83D\uDE00\uD83D', '\uD83D\uDE00']) {
      for (const chunk of [1, 2, 3, 16]) expect(codePoints(stringSource(text, 't', chunk))).toEqual(referenceCodePoints(text));
    }
  });

  it('a BOM is dropped only at offset 0, also when the chunk boundary splits it', () => {
    for (const chunk of [1, 2, 3, 8]) {
      expect(codePoints(bytesSource(utf8('\uFEFF\uFEFFa'), 'b', chunk))).toEqual([0xfeff, 0x61]);
      expect(codePoints(bytesSource(utf8('a\uFEFF'), 'b', chunk))).toEqual([0x61, 0xfeff]);
    }
  });
});

describe('encodeSource', () => {
  const vocab = Vocab.build(countChars('abcé日😀\u0301 \uFEFF'), 1);

  it('gives exactly encodeCorpus(text) and the line-by-line reference, from strings and bytes in any chunks', () => {
    for (const text of TRICKY) {
      const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      const expected = encodeCorpus(body, vocab);
      expect(Array.from(expected.ids)).toEqual(referenceIds(body, vocab));
      for (const chunk of [1, 2, 3, 5, 1 << 16]) {
        for (const c of [encodeSource(bytesSource(utf8(text), 'b', chunk), vocab), encodeSource(stringSource(body, 's', chunk), vocab)]) {
          expect(c.ids).toEqual(expected.ids);
          expect(c.lineStarts).toEqual(expected.lineStarts);
          expect([c.lines, c.chars, c.unk]).toEqual([expected.lines, expected.chars, expected.unk]);
        }
      }
    }
  });

  it('matches the reference on random texts, with random chunk sizes', () => {
    const rng = new Rng(42);
    const alphabet = ['a', 'b', 'c', 'é', '日', '😀', '🦊', 'x', '\n', '\r', '\r\n', '\u0301', ' ', 'ß'];
    for (let trial = 0; trial < 300; trial++) {
      let text = '';
      const len = Math.floor(rng.next() * 40);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(rng.next() * alphabet.length)];
      const chunk = 1 + Math.floor(rng.next() * 9);
      const c = encodeSource(bytesSource(utf8(text), 'b', chunk), vocab);
      const lines = splitLines(text);
      expect(Array.from(c.ids)).toEqual(referenceIds(text, vocab));
      expect(c.lines).toBe(lines.length);
      expect(c.chars).toBe(lines.reduce((s, l) => s + Array.from(l).length, 0));
      expect(c.unk).toBe(Array.from(c.ids).filter((id) => id === 1).length);
      for (let i = 0; i < c.lines; i++) {
        expect(c.ids[c.lineStarts[i] - 1]).toBe(EOS_ID);
        expect(Array.from(c.ids.subarray(c.lineStarts[i], c.lineStarts[i + 1] - 1))).toEqual(Array.from(vocab.encodeLine(lines[i])));
      }
      expect(c.lineStarts[c.lines]).toBe(c.ids.length);
      // And the counting pass agrees with the string counter.
      expect(charCounts(countSource(bytesSource(utf8(text), 'b', chunk)))).toEqual(countChars(text));
    }
  });

  it('stores ids in the smallest array type for the vocabulary', () => {
    expect(encodeCorpus('abc\n', vocab).ids).toBeInstanceOf(Uint8Array);
    // 300 characters (302 symbols): Uint16Array, ids past 255 intact.
    const many = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    const v16 = Vocab.build(countChars(many), 1);
    const c16 = encodeCorpus(many + '\n' + many.slice(250), v16);
    expect(c16.ids).toBeInstanceOf(Uint16Array);
    expect(Array.from(c16.ids)).toEqual(referenceIds(many + '\n' + many.slice(250), v16));
    expect(Math.max(...c16.ids)).toBe(301);
    // Past 65,536 symbols: Int32Array.
    const huge = Array.from({ length: 65_600 }, (_, i) => String.fromCodePoint(0x10000 + i)).join('');
    const v32 = Vocab.build(countChars(huge), 1);
    const c32 = encodeCorpus(huge, v32);
    expect(c32.ids).toBeInstanceOf(Int32Array);
    expect(c32.ids[65_600]).toBe(65_601);
  });

  it('reports an input that changed between the passes', () => {
    let pass = 0;
    const changing: CodePointSource = {
      name: 'moving.txt',
      forEachChunk(sink) {
        const cps = Int32Array.from(pass++ === 0 ? [0x61, 0x0a] : [0x61, 0x61, 0x0a]);
        sink(cps, cps.length);
      },
    };
    expect(errorOf(() => encodeSource(changing, vocab)).message).toMatch(/moving\.txt changed while it was being read/);
  });
});

describe('byte checks', () => {
  it.each([
    ['a stray continuation byte', [0x61, 0x62, 0x80, 0x63], 2],
    ['Latin-1 é', [0x63, 0x61, 0x66, 0xe9, 0x0a], 3],
    ['a truncated sequence', [0x61, 0xe6, 0x97], 1],
    ['a sequence cut by an ASCII byte', [0x61, 0xe6, 0x41, 0x42], 1],
    ['an overlong slash', [0x61, 0x61, 0x61, 0xc0, 0xaf], 3],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf], 0],
    ['an encoded surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['a value past U+10FFFF', [0x61, 0x62, 0xf4, 0x90, 0x80, 0x80], 2],
    ['a byte never used in UTF-8', [0x61, 0xff], 1],
  ])('invalid UTF-8 (%s) is reported at its offset, for every chunk size', (_label, bytes, offset) => {
    for (const chunk of [1, 2, 3, 64]) {
      const e = errorOf(() => codePoints(bytesSource(new Uint8Array(bytes), 'bad.txt', chunk)));
      expect(e.message).toBe(`bad.txt is not valid UTF-8 (invalid byte at offset ${offset})`);
      expect(e.hint).toMatch(/iconv/);
    }
  });

  it('a NUL byte anywhere is a binary file, even after invalid UTF-8 in an earlier chunk', () => {
    for (const chunk of [1, 2, 4, 64]) {
      expect(errorOf(() => codePoints(bytesSource(new Uint8Array([0x61, 0x62, 0x00, 0xff]), 'bin', chunk))).message).toBe(
        'bin looks like a binary file (NUL byte at offset 2)',
      );
      expect(errorOf(() => codePoints(bytesSource(new Uint8Array([0x61, 0xff, 0x62, 0x63, 0x64, 0x00]), 'bin', chunk))).message).toMatch(
        /binary file \(NUL byte at offset 5\)/,
      );
    }
  });

  it('accepts exactly what a fatal TextDecoder accepts and finds the first bad sequence (random bytes)', () => {
    const rng = new Rng(7);
    const pool = [0x41, 0x0a, 0x0d, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x90, 0x8f, 0xbb];
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(rng.next() * 10) }, () => pool[Math.floor(rng.next() * pool.length)]);
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        valid = false;
      }
      const chunk = 1 + Math.floor(rng.next() * 4);
      if (valid) {
        const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        expect(codePoints(bytesSource(bytes, 'r', chunk))).toEqual(
          referenceCodePoints(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text),
        );
      } else {
        expect(errorOf(() => codePoints(bytesSource(bytes, 'r', chunk))).message).toMatch(
          new RegExp(`offset ${firstInvalidUtf8(bytes)}\\)$`),
        );
      }
    }
  });
});

describe('fileSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'charnn-source-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  it('reads a file in chunks, pass after pass, as the bytes would read', () => {
    const text = '\uFEFF' + TRICKY.join('\r\n') + 'ß\r';
    const p = file('tricky.txt', text);
    const vocab = Vocab.build(countChars(text), 2);
    const expected = encodeCorpus(text.slice(1), vocab);
    for (const chunk of [1, 2, 3, 1000, 1 << 20]) {
      const source = fileSource(p, chunk);
      expect(codePoints(source)).toEqual(codePoints(bytesSource(utf8(text), 'b')));
      const c = encodeSource(source, vocab);
      expect(c.ids).toEqual(expected.ids);
      expect(c.lineStarts).toEqual(expected.lineStarts);
      expect(c.unk).toBe(expected.unk);
    }
  });

  it('checks existence and kind when made, content when read', () => {
    expect(errorOf(() => fileSource(join(dir, 'nope.txt'))).message).toMatch(/no such file: .*nope\.txt/);
    expect(errorOf(() => fileSource(dir)).message).toMatch(/is a directory/);
    const bin = fileSource(file('bin.dat', new Uint8Array([0x61, 0x62, 0x00, 0xff, 0x10])));
    expect(errorOf(() => countSource(bin)).message).toMatch(/bin\.dat looks like a binary file \(NUL byte at offset 2\)/);
    const bad = fileSource(file('bad.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a])), 2);
    expect(errorOf(() => countSource(bad)).message).toMatch(/bad\.txt is not valid UTF-8 \(invalid byte at offset 3\)/);
    expect(countSource(fileSource(file('empty.txt', ''))).lines).toBe(0);
  });

  it('prepareCorpus gives the same vocabulary, ids and split from a file as from its text', () => {
    const text = 'First line é\r\nsecond 😀 line\n\nthird line, rare: ☃\rlast line without end';
    const p = file('prep.txt', text);
    const a = prepareCorpus(text, 'prep', 2, 0.3);
    const b = prepareCorpus(fileSource(p, 5), 'prep', 2, 0.3);
    expect(b.vocab.symbols).toEqual(a.vocab.symbols);
    expect([b.lines, b.unk, b.parts]).toEqual([a.lines, a.unk, 1]);
    expect(b.split.train).toEqual(a.split.train);
    expect(b.split.val).toEqual(a.split.val);
    expect(b.split.valStartLine).toBe(a.split.valStartLine);
    expect(b.unk).toBeGreaterThan(0); // ☃ and the other single characters
    expect(errorOf(() => prepareCorpus(fileSource(file('blank.txt', '\r\n\n')), 'blank', 2, 0.1)).message).toMatch(
      /no characters to learn from/,
    );
  });

  it('the library evaluate() gives the same result for a file source as for the text', async () => {
    const text = '\uFEFFab c\r\nba\n\ncab x\r';
    const p = file('eval.txt', text);
    const v = Vocab.fromSymbols(['<EOS>', '<UNK>', ' ', 'a', 'b', 'c']);
    const config = { cell: 'bilstm' as const, vocabSize: v.size, hidden: 8, layers: 2, dropout: 0 };
    const loaded = { model: new CharLM(config, initParams(config, new Rng(1))), vocab: v, meta: {} as LoadedModel['meta'] };
    for (const reset of ['line', 'none'] as const) {
      for (const direction of ['forward', 'both'] as const) {
        expect(await evaluate(loaded, fileSource(p, 3), { reset, direction })).toEqual(
          await evaluate(loaded, text.slice(1), { reset, direction }),
        );
      }
    }
    expect((await evaluate(loaded, fileSource(p))).unk).toBe(1);
  });
});
