/**
 * Corpus text: splitting it into lines (sentences), counting its characters and encoding it as
 * one compact id stream `[EOS, line1..., EOS, line2..., EOS, ...]`.
 *
 * Counting and encoding are two passes over a CodePointSource (src/data/source.ts): a string,
 * UTF-8 bytes in memory, or a file read in chunks. So a 100 MB file goes from bytes to ids
 * (1 or 2 bytes each, see src/data/ids.ts) without ever becoming a JavaScript string, and a
 * string and its UTF-8 bytes encode identically: there is one definition of lines, characters
 * and <UNK> here, whatever the source.
 */
import { CharnnError } from '../errors.js';
import { EOS_ID, UNK_ID, type Vocab } from '../tokenizer/vocab.js';
import { allocIds, type IdArray } from './ids.js';
import { LF, stringSource, type CodePointSource } from './source.js';
import { sharedBuffer } from '../util/shared-memory.js';

/** Lines of a text. '\n', '\r\n' and '\r' all end a line; a final line end adds no empty line. */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|\r|\n/);
  const last = text.charCodeAt(text.length - 1);
  if (last === LF || last === 0x0d) lines.pop();
  return lines;
}

/** What the counting pass learns about a text. */
export interface SourceCounts {
  /** (65536) occurrences of each BMP code point; [LF] holds the number of line ends. */
  bmp: Float64Array;
  /** Occurrences of each astral code point. */
  astral: Map<number, number>;
  /** Characters (code points), line ends excluded. */
  chars: number;
  /** Lines: line ends, plus one for a last line without a line end. */
  lines: number;
}

/** The counting pass: code point frequencies, characters and lines of a source. */
export function countSource(source: CodePointSource): SourceCounts {
  // A dense table for the BMP (no per-character string or Map traffic), a Map for the rest.
  const bmp = new Float64Array(0x10000);
  const astral = new Map<number, number>();
  let total = 0;
  let last = LF;
  source.forEachChunk((cps, n) => {
    for (let k = 0; k < n; k++) {
      const cp = cps[k];
      if (cp < 0x10000) bmp[cp]++;
      else astral.set(cp, (astral.get(cp) ?? 0) + 1);
    }
    total += n;
    last = cps[n - 1];
  });
  const lineEnds = bmp[LF];
  // A last line without a line end still counts as a line.
  return { bmp, astral, chars: total - lineEnds, lines: lineEnds + (last === LF ? 0 : 1) };
}

/** The counts as characters -> occurrences (line ends are not characters), for Vocab.build. */
export function charCounts(counts: SourceCounts): Map<string, number> {
  const out = new Map<string, number>();
  for (let cp = 0; cp < 0x10000; cp++) if (cp !== LF && counts.bmp[cp] > 0) out.set(String.fromCharCode(cp), counts.bmp[cp]);
  for (const [cp, n] of counts.astral) out.set(String.fromCodePoint(cp), n);
  return out;
}

/** How often each character (code point) occurs; line ends are not characters. */
export function countChars(text: string): Map<string, number> {
  return charCounts(countSource(stringSource(text)));
}

export interface EncodedCorpus {
  /** (1 + chars + lines) `[EOS, line 0..., EOS, line 1..., EOS, ...]`. The leading EOS is what
   *  the model sees before the first line: the end of the line before. The smallest id type
   *  that holds the vocabulary (allocIds). */
  ids: IdArray;
  /** Number of lines (sentences). */
  lines: number;
  /** Number of characters (code points), line ends excluded. */
  chars: number;
  /** How many of those characters were mapped to `<UNK>`. */
  unk: number;
  /** (lines + 1) index in `ids` of line i's first character (its EOS if the line is empty).
   *  The last entry is a sentinel `ids.length`, so line i's EOS is always at
   *  `lineStarts[i + 1] - 1`. */
  lineStarts: Int32Array;
}

/**
 * The encoding pass: a source as one id stream; see `EncodedCorpus`. `counts` (from
 * countSource of the same source) gives the exact sizes; without it a counting pass runs first.
 */
export function encodeSource(source: CodePointSource, vocab: Vocab, counts: SourceCounts = countSource(source)): EncodedCorpus {
  const { chars, lines } = counts;
  const size = 1 + chars + lines;
  if (size > 0x7fffffff) throw new CharnnError(`${source.name} is too large: ${chars} characters (at most about 2 billion)`);
  // Each buffer is allocated once at its final length.
  const ids = allocIds(vocab.size, size);
  const lineStarts = new Int32Array(sharedBuffer(4 * (lines + 1))); // shared, as the ids (see allocIds)
  let n = 0;
  let line = 0;
  let unk = 0;
  let atLineStart = true;
  ids[n++] = EOS_ID;
  source.forEachChunk((cps, m) => {
    // Locals in the loop (closure variables are slower in V8's hot loops); written back below.
    let w = n;
    let l = line;
    let u = unk;
    let k = 0;
    if (atLineStart) lineStarts[l++] = w;
    // Outer loop per line, tight inner loop per character within the chunk.
    for (;;) {
      while (k < m) {
        const cp = cps[k];
        if (cp === LF) break;
        const id = vocab.idOfCodePoint(cp);
        if (id === UNK_ID) u++;
        ids[w++] = id;
        k++;
      }
      if (k === m) {
        atLineStart = false;
        break;
      }
      ids[w++] = EOS_ID; // this line's end
      k++;
      if (k === m) {
        atLineStart = true; // the next line starts in the next chunk (if any)
        break;
      }
      lineStarts[l++] = w; // the next line's first character, or its EOS when it is empty
    }
    n = w;
    line = l;
    unk = u;
  });
  if (!atLineStart) ids[n++] = EOS_ID; // closes an unterminated last line
  lineStarts[line] = n;
  if (n !== size || line !== lines) {
    // Both passes share one definition of lines and code points: only a changed input differs.
    throw new CharnnError(`${source.name} changed while it was being read (${n - 1} tokens instead of ${size - 1})`);
  }
  return { ids, lines, chars, unk, lineStarts };
}

/** Encode a text as one id stream; see `EncodedCorpus`. */
export function encodeCorpus(text: string, vocab: Vocab): EncodedCorpus {
  return encodeSource(stringSource(text), vocab);
}

/** Ids per piece of a streamed text (see CorpusPieces): 4 Mi, 4 to 16 MB of ids. */
export const PIECE_IDS = 1 << 22;

/**
 * The encoding pass for a text that can be read only once (stdin), as a series of pieces of
 * whole lines, each an EncodedCorpus of its own (`[EOS, line..., EOS, ...]`, its own
 * lineStarts) of about `target` ids, so a text of any length is encoded and evaluated in
 * bounded memory: the largest of `target` ids and the longest line. Consecutive pieces share
 * one id: the <EOS> that ends a piece is also the first id of the next, so the pieces
 * joined (the next piece's first id dropped) are exactly what encodeSource gives for the whole
 * text, and their line, character and <UNK> counts add up to its counts.
 *
 * push() takes code points with line ends folded (the sink of a Utf8Stream); completed pieces
 * wait in take() until the caller evaluates them; end() closes the last one. With `reuse`, the
 * pieces a take() returns are valid only until the next take(), whose pieces are written into
 * the same buffers: a long input then allocates nothing after its first pieces.
 */
export class CorpusPieces {
  private buffer!: PieceBuffer; // the piece being written
  private w = 0; // ids written to the current piece
  private l = 0; // lines begun in the current piece
  private chars = 0;
  private unk = 0;
  private atLineStart = true;
  private ready: { piece: EncodedCorpus; buffer: PieceBuffer }[] = [];
  private lent: PieceBuffer[] = []; // buffers of the pieces the last take() returned
  private readonly spare: PieceBuffer[] = [];

  constructor(
    private readonly vocab: Vocab,
    private readonly target = PIECE_IDS,
    private readonly reuse = false,
  ) {
    if (!Number.isInteger(target) || target < 1) throw new RangeError(`piece size must be a positive integer, got ${target}`);
    this.startPiece();
  }

  /** Code points cps[0 .. n), line ends folded to LF. */
  push(cps: Int32Array, n: number): void {
    const { vocab, target } = this;
    let { w, l, chars, unk, atLineStart } = this;
    let { ids, lineStarts } = this.buffer;
    for (let k = 0; k < n; k++) {
      if (atLineStart) {
        if (l + 2 > lineStarts.length) lineStarts = this.growLineStarts(l);
        lineStarts[l++] = w;
        atLineStart = false;
      }
      if (w + 1 > ids.length) ids = this.growIds(w);
      const cp = cps[k];
      if (cp === LF) {
        ids[w++] = EOS_ID;
        atLineStart = true;
        if (w > target) {
          this.save(w, l, chars, unk, atLineStart);
          this.finishPiece();
          ({ w, l, chars, unk, atLineStart } = this);
          ({ ids, lineStarts } = this.buffer);
        }
        continue;
      }
      const id = vocab.idOfCodePoint(cp);
      if (id === UNK_ID) unk++;
      ids[w++] = id;
      chars++;
    }
    this.save(w, l, chars, unk, atLineStart);
  }

  /** The end of the text: closes an unterminated last line and the last piece. */
  end(): void {
    if (!this.atLineStart) {
      if (this.w + 1 > this.buffer.ids.length) this.growIds(this.w);
      this.buffer.ids[this.w++] = EOS_ID;
      this.atLineStart = true;
    }
    if (this.l > 0) this.finishPiece();
  }

  /** The pieces completed since the last call, in text order. */
  take(): EncodedCorpus[] {
    if (this.reuse) {
      this.spare.push(...this.lent);
      this.lent = this.ready.map((r) => r.buffer);
    }
    const out = this.ready.map((r) => r.piece);
    this.ready = [];
    return out;
  }

  private save(w: number, l: number, chars: number, unk: number, atLineStart: boolean): void {
    this.w = w;
    this.l = l;
    this.chars = chars;
    this.unk = unk;
    this.atLineStart = atLineStart;
  }

  private startPiece(): void {
    // Shared memory, as encodeSource's: eval's worker threads read a piece in place. Reused
    // buffers are made big enough for a piece with lines of up to 64 Ki characters at once.
    this.buffer = this.spare.pop() ?? {
      ids: allocIds(this.vocab.size, this.reuse ? this.target + (1 << 16) : Math.min(this.target, 1 << 16) + 1),
      lineStarts: new Int32Array(sharedBuffer(4 * 1024)),
    };
    this.buffer.ids[0] = EOS_ID; // the end of the line before (or the start of the text)
    this.save(1, 0, 0, 0, true);
  }

  private finishPiece(): void {
    if (this.l + 1 > this.buffer.lineStarts.length) this.growLineStarts(this.l);
    const { buffer, w, l, chars, unk } = this;
    buffer.lineStarts[l] = w; // the sentinel
    this.ready.push({
      piece: { ids: buffer.ids.subarray(0, w), lines: l, chars, unk, lineStarts: buffer.lineStarts.subarray(0, l + 1) },
      buffer,
    });
    this.startPiece();
  }

  /** Doubles the id buffer (a piece grows past `target` only to hold a long line). */
  private growIds(w: number): IdArray {
    const bigger = allocIds(this.vocab.size, Math.max(2 * this.buffer.ids.length, w + 1));
    bigger.set(this.buffer.ids.subarray(0, w));
    this.buffer.ids = bigger;
    return bigger;
  }

  private growLineStarts(l: number): Int32Array {
    const bigger = new Int32Array(sharedBuffer(8 * this.buffer.lineStarts.length));
    bigger.set(this.buffer.lineStarts.subarray(0, l));
    this.buffer.lineStarts = bigger;
    return bigger;
  }
}

/** The arrays a piece of CorpusPieces is written into. */
interface PieceBuffer {
  ids: IdArray;
  lineStarts: Int32Array;
}
