// Streamed input: CorpusPieces (stdin encoded a piece of whole lines at a time) joined is
// exactly encodeSource's id stream with the same counts, wherever the byte chunks fall, and no
// piece is much bigger than its target unless one line is; utf8Lines (score's stdin) gives
// the lines of splitLines with a corpus's checks, wherever the chunks fall, handing out the
// lines before a bad byte and then the error.
import { describe, expect, it } from 'vitest';
import { CorpusPieces, encodeSource, splitLines, type EncodedCorpus } from '../../src/data/corpus.js';
import { utf8Lines } from '../../src/data/lines.js';
import { bytesSource, Utf8Stream } from '../../src/data/source.js';
import { CharnnError } from '../../src/errors.js';
import { EOS_ID, Vocab } from '../../src/tokenizer/vocab.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const vocab = Vocab.build(
  new Map([
    ['a', 5],
    ['b', 5],
    ['é', 5],
    ['😀', 5],
    [' ', 5],
  ]),
  1,
);
const TEXT = '\ufeffab a\r\n\r\né😀 b\rzz\n\na😀' + '\nab'.repeat(50) + '\n' + 'b'.repeat(300) + '\nlast';

/** Bytes cut every `size` bytes (inside sequences, CRLFs, the BOM). */
function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function piecesOf(bytes: Uint8Array, chunkSize: number, target: number): EncodedCorpus[] {
  const pieces = new CorpusPieces(vocab, target);
  const stream = new Utf8Stream('stdin', (cps, n) => pieces.push(cps, n));
  const out: EncodedCorpus[] = [];
  for (const c of chunks(bytes, chunkSize)) {
    stream.push(c);
    out.push(...pieces.take());
  }
  stream.end();
  pieces.end();
  return [...out, ...pieces.take()];
}

describe('CorpusPieces', () => {
  const whole = encodeSource(bytesSource(utf8(TEXT), 'text'), vocab);

  it.each([
    [1, 1],
    [3, 7],
    [64, 16],
    [1 << 20, 1 << 22],
  ])('chunks of %i bytes, pieces of ~%i ids: joined, the whole text encoded', (chunkSize, target) => {
    const pieces = piecesOf(utf8(TEXT), chunkSize, target);
    const joined: number[] = [];
    pieces.forEach((p, i) => {
      expect(p.ids[0]).toBe(EOS_ID);
      expect(p.ids[p.ids.length - 1]).toBe(EOS_ID);
      expect(p.lineStarts).toHaveLength(p.lines + 1);
      expect(p.lineStarts[p.lines]).toBe(p.ids.length);
      // Each piece is an EncodedCorpus of its own lines.
      expect(p.ids.length).toBe(1 + p.chars + p.lines);
      joined.push(...Array.from(i === 0 ? p.ids : p.ids.subarray(1)));
    });
    expect(joined).toEqual(Array.from(whole.ids));
    const sum = (f: (p: EncodedCorpus) => number) => pieces.reduce((s, p) => s + f(p), 0);
    expect([sum((p) => p.lines), sum((p) => p.chars), sum((p) => p.unk)]).toEqual([whole.lines, whole.chars, whole.unk]);
    // Line starts, shifted to the whole stream, are the whole stream's.
    const starts: number[] = [];
    let base = 0;
    for (const p of pieces) {
      for (let l = 0; l < p.lines; l++) starts.push(base + p.lineStarts[l]);
      base += p.ids.length - 1;
    }
    expect(starts).toEqual(Array.from(whole.lineStarts.subarray(0, whole.lines)));
  });

  it('reusing buffers (each piece used before the next take): the same pieces, in two sets of buffers', () => {
    const pieces = new CorpusPieces(vocab, 16, true);
    const stream = new Utf8Stream('stdin', (cps, n) => pieces.push(cps, n));
    const seen: number[][] = [];
    const buffers = new Set<ArrayBufferLike>();
    const use = () => {
      for (const p of pieces.take()) {
        seen.push(Array.from(p.ids), Array.from(p.lineStarts));
        buffers.add(p.ids.buffer);
      }
    };
    for (const c of chunks(utf8(TEXT), 5)) {
      stream.push(c);
      use();
    }
    stream.end();
    pieces.end();
    use();
    const fresh = piecesOf(utf8(TEXT), 5, 16).flatMap((p) => [Array.from(p.ids), Array.from(p.lineStarts)]);
    expect(seen).toEqual(fresh);
    expect(seen.length / 2).toBeGreaterThan(10);
    expect(buffers.size).toBe(2); // reused buffers hold lines of up to 64 Ki characters without growing
  });

  it('a piece ends at the first line end past its target: only a long line makes it longer', () => {
    const pieces = piecesOf(utf8(TEXT), 5, 16);
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces) {
      let longest = 0;
      for (let l = 0; l < p.lines; l++) longest = Math.max(longest, p.lineStarts[l + 1] - p.lineStarts[l]);
      expect(p.ids.length).toBeLessThanOrEqual(16 + longest + 1);
    }
  });

  it('no text, or only a BOM: no pieces; only line ends: empty lines', () => {
    expect(piecesOf(utf8(''), 4, 16)).toEqual([]);
    expect(piecesOf(utf8('\ufeff'), 1, 16)).toEqual([]);
    const [p] = piecesOf(utf8('\n\r\n\r'), 1, 16);
    expect(Array.from(p.ids)).toEqual([EOS_ID, EOS_ID, EOS_ID, EOS_ID]);
    expect(p.lines).toBe(3);
  });

  it('bad bytes: the same errors as a file (a NUL at once; invalid UTF-8 at the end)', () => {
    expect(() => piecesOf(Buffer.from('ab\nc\x00', 'latin1'), 2, 16)).toThrow(/stdin looks like a binary file \(NUL byte at offset 4\)/);
    expect(() => piecesOf(Buffer.from('ab\n\xe9 b\n', 'latin1'), 2, 16)).toThrow(/stdin is not valid UTF-8 \(invalid byte at offset 3\)/);
  });
});

async function linesOf(bytes: Uint8Array, chunkSize: number, max?: number): Promise<{ lines: string[]; error: CharnnError | null }> {
  const lines: string[] = [];
  async function* source() {
    yield* chunks(bytes, chunkSize);
  }
  try {
    for await (const line of utf8Lines(source(), 'stdin', max)) lines.push(line);
  } catch (e) {
    if (!(e instanceof CharnnError)) throw e;
    return { lines, error: e };
  }
  return { lines, error: null };
}

describe('utf8Lines', () => {
  it.each([1, 2, 3, 5, 64, 1 << 16])('chunks of %i bytes: the lines of splitLines, BOM dropped', async (size) => {
    const { lines, error } = await linesOf(utf8(TEXT), size);
    expect(error).toBeNull();
    expect(lines).toEqual(splitLines(TEXT.slice(1)));
  });

  it('a final line end adds no line; a lone CR at the end ends the last line', async () => {
    expect((await linesOf(utf8('a\n'), 1)).lines).toEqual(['a']);
    expect((await linesOf(utf8('a\r'), 1)).lines).toEqual(['a']);
    expect((await linesOf(utf8('a\r\r\n'), 1)).lines).toEqual(['a', '']);
    expect((await linesOf(utf8(''), 1)).lines).toEqual([]);
    expect((await linesOf(utf8('\ufeff'), 1)).lines).toEqual([]);
    expect((await linesOf(utf8('x\ufeff\n\ufeffy'), 2)).lines).toEqual(['x\ufeff', '\ufeffy']); // only a leading BOM is dropped
  });

  it.each([1, 4, 64])('bad bytes, chunks of %i: the lines before the bad one, then the error with its offset', async (size) => {
    const nul = await linesOf(Buffer.from('ab\ncd\nx\x00y\nz\n', 'latin1'), size);
    expect(nul.lines).toEqual(['ab', 'cd']);
    expect(nul.error?.message).toBe('stdin looks like a binary file (NUL byte at offset 7)');
    const bad = await linesOf(Buffer.from('ab\nc\xe9\n\x00', 'latin1'), size);
    expect(bad.lines).toEqual(['ab']);
    expect(bad.error?.message).toBe('stdin is not valid UTF-8 (invalid byte at offset 4)'); // the first problem wins
    const cut = await linesOf(Buffer.from([0x61, 0x0a, 0x62, 0xf0, 0x9f, 0x98]), size);
    expect(cut.lines).toEqual(['a']);
    expect(cut.error?.message).toBe('stdin is not valid UTF-8 (invalid byte at offset 3)');
    const surrogate = await linesOf(Buffer.from([0x61, 0x0a, 0xed, 0xa0, 0x80, 0x0a]), size);
    expect(surrogate.error?.message).toBe('stdin is not valid UTF-8 (invalid byte at offset 2)');
  });

  it('a line longer than the limit is an error naming the line; the lines before it are handed out', async () => {
    const r = await linesOf(utf8('short\n' + 'x'.repeat(40) + '\nnext\n'), 7, 32);
    expect(r.lines).toEqual(['short']);
    expect(r.error?.message).toBe('stdin: line 2 is longer than 32 bytes');
    expect((await linesOf(utf8('x'.repeat(32) + '\n'), 7, 32)).lines).toEqual(['x'.repeat(32)]);
    expect((await linesOf(utf8('x'.repeat(33)), 40, 32)).error?.message).toMatch(/line 1 is longer/);
  });
});
