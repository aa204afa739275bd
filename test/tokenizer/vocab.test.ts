// Tests for the character vocabulary: layout, code-point handling, <UNK>, validation.
import { describe, expect, it } from 'vitest';
import { CharnnError } from '../../src/errors.js';
import { EOS, EOS_ID, UNK, UNK_ID, Vocab } from '../../src/tokenizer/vocab.js';

/** Count code points like the corpus counter does (tests must not depend on it here). */
function counts(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const ch of text) if (ch !== '\n' && ch !== '\r') m.set(ch, (m.get(ch) ?? 0) + 1);
  return m;
}

const MIXED = 'café naïve e\u0301 日本語 😀 👩‍👩‍👧 🇫🇷 ﬁ！';

describe('Vocab.build', () => {
  it('puts <EOS>, <UNK> first, then characters sorted by code point', () => {
    const v = Vocab.build(counts('cab'), 1);
    expect(v.symbols).toEqual([EOS, UNK, 'a', 'b', 'c']);
    expect(v.size).toBe(5);
    expect(EOS_ID).toBe(0);
    expect(UNK_ID).toBe(1);
  });

  it('sorts astral characters after the whole BMP (code point order, not UTF-16 order)', () => {
    // U+FF01 '！' is a single UTF-16 unit above the surrogates that encode U+1F600.
    const v = Vocab.build(counts('😀！a'), 1);
    expect(v.symbols).toEqual([EOS, UNK, 'a', '！', '😀']);
  });

  it('makes every code point one symbol: accents, combining marks, CJK, emoji, ZWJ sequences', () => {
    const v = Vocab.build(counts(MIXED), 1);
    expect(v.size - 2).toBe(new Set(Array.from(MIXED)).size);
    // The family emoji is 5 code points (3 people joined by 2 ZWJ) -> 5 ids.
    expect(v.encodeLine('👩‍👩‍👧').length).toBe(5);
    expect(v.encodeLine('e\u0301').length).toBe(2);
    expect(v.encodeLine('🇫🇷').length).toBe(2);
    for (const s of v.symbols) expect(Array.from(s).length === 1 || s === EOS || s === UNK).toBe(true);
  });

  it('leaves out characters rarer than minCount, so they map to <UNK>', () => {
    const v = Vocab.build(counts('aaabbc'), 2);
    expect(v.symbols).toEqual([EOS, UNK, 'a', 'b']);
    expect(v.idOf('c')).toBe(UNK_ID);
    expect(Array.from(v.encodeLine('abc'))).toEqual([2, 3, UNK_ID]);
  });

  it('never includes line ends', () => {
    const m = counts('ab');
    m.set('\n', 10);
    m.set('\r', 10);
    expect(Vocab.build(m, 1).symbols).toEqual([EOS, UNK, 'a', 'b']);
  });

  it('rejects count keys that are not one code point', () => {
    expect(() => Vocab.build(new Map([['ab', 3]]), 1)).toThrow(CharnnError);
  });
});

describe('encode / decode', () => {
  const v = Vocab.build(counts(MIXED), 1);

  it('round-trips non-ASCII text exactly', () => {
    const ids = v.encodeLine(MIXED);
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids.length).toBe(Array.from(MIXED).length);
    expect(v.decode(ids)).toBe(MIXED);
  });

  it('maps unseen characters to <UNK>, decoded as U+FFFD', () => {
    const ids = v.encodeLine('cXé🦊');
    expect(Array.from(ids)).toEqual([v.idOf('c'), UNK_ID, v.idOf('é'), UNK_ID]);
    expect(v.decode(ids)).toBe('c\uFFFDé\uFFFD');
  });

  it('does not append <EOS> to a line, and decodes <EOS> as a newline', () => {
    expect(v.encodeLine('').length).toBe(0);
    expect(v.decode([EOS_ID, v.idOf('a'), EOS_ID])).toBe('\na\n');
  });

  it('idOf and symbolOf agree, including the specials', () => {
    for (let id = 0; id < v.size; id++) expect(v.idOf(v.symbolOf(id))).toBe(id);
    expect(v.symbolOf(EOS_ID)).toBe('<EOS>');
    expect(v.symbolOf(UNK_ID)).toBe('<UNK>');
    expect(v.idOf('\n')).toBe(EOS_ID);
    expect(v.idOf('😀')).toBe(v.symbols.indexOf('😀'));
  });

  it('rejects ids outside the vocabulary and idOf of several characters', () => {
    expect(() => v.decode([v.size])).toThrow(CharnnError);
    expect(() => v.decode([-1])).toThrow(CharnnError);
    expect(() => v.symbolOf(1.5)).toThrow(CharnnError);
    expect(() => v.idOf('ab')).toThrow(CharnnError);
    expect(() => v.idOf('')).toThrow(CharnnError);
  });
});

describe('Vocab.fromSymbols', () => {
  it('rebuilds an identical vocabulary', () => {
    const v = Vocab.build(counts(MIXED), 1);
    const w = Vocab.fromSymbols([...v.symbols]);
    expect(w.symbols).toEqual(v.symbols);
    expect(Array.from(w.encodeLine(MIXED))).toEqual(Array.from(v.encodeLine(MIXED)));
  });

  it('accepts a vocabulary of only the specials', () => {
    const v = Vocab.fromSymbols([EOS, UNK]);
    expect(Array.from(v.encodeLine('ab'))).toEqual([UNK_ID, UNK_ID]);
  });

  it.each([
    ['missing specials', ['a', 'b']],
    ['specials swapped', [UNK, EOS, 'a']],
    ['too short', [EOS]],
    ['duplicate', [EOS, UNK, 'a', 'b', 'a']],
    ['two code points', [EOS, UNK, 'ab']],
    ['a ZWJ sequence', [EOS, UNK, '👩‍👧']],
    ['empty entry', [EOS, UNK, '']],
    ['newline', [EOS, UNK, '\n']],
    ['special repeated', [EOS, UNK, EOS]],
  ])('rejects %s', (_label, symbols) => {
    expect(() => Vocab.fromSymbols(symbols)).toThrow(CharnnError);
  });

  it('keeps its symbols immutable', () => {
    const v = Vocab.fromSymbols([EOS, UNK, 'a']);
    expect(Object.isFrozen(v.symbols)).toBe(true);
  });
});
