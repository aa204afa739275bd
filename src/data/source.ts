/**
 * Where corpus text comes from, as a stream of Unicode code points that can be read more than
 * once (counting, then encoding) without ever holding the text as one JavaScript string.
 *
 * Every source hands out its text in chunks of code points (an Int32Array scratch, reused),
 * with line ends already folded: '\r\n', '\r' and '\n' each arrive as one LF (0x0A), so the
 * consumers (src/data/corpus.ts) need one rule for lines, whatever the source:
 *
 *   stringSource(text)      a JS string (the library API); UTF-16 pairs -> code points, a lone
 *                           surrogate is its own code point (as String.prototype.codePointAt)
 *   bytesSource(chunks)     UTF-8 bytes already in memory (stdin), checked as below
 *   fileSource(path)        a UTF-8 file, read in chunks on every pass (src/platform/node/file-source.ts)
 *   Utf8Stream              one pass over bytes pushed in as they arrive (stdin read once)
 *
 * Byte sources are checked as one file: a NUL byte anywhere is a "binary file" error (with the
 * offset of the first NUL, even when invalid UTF-8 comes earlier); otherwise the first byte of
 * the first invalid UTF-8 sequence (bad lead byte, bad or missing continuation byte, overlong
 * form, UTF-16 surrogate, past U+10FFFF) is reported; a leading BOM (U+FEFF at offset 0) is
 * dropped. Chunk boundaries may fall anywhere: inside a multi-byte sequence, a surrogate pair
 * or a '\r\n'.
 */
import { CharnnError, UsageError } from '../errors.js';
import { describe, expectString } from '../util/arguments.js';

export const LF = 0x0a;
export const CR = 0x0d;

/** Called with successive chunks cps[0 .. n) of a pass, in order; the buffer is reused. */
export type CodePointSink = (cps: Int32Array, n: number) => void;

/** A text that can be read as code points, from the start, any number of times. */
export interface CodePointSource {
  /** Used in error messages: a path, 'stdin', 'text'. */
  readonly name: string;
  /**
   * One pass over the whole text (line ends folded to LF). Throws a CharnnError for bad input.
   * A source of several parts (several files: joinSources) calls `onPart(i)` as part i begins;
   * a source of one part need not call it.
   */
  forEachChunk(sink: CodePointSink, onPart?: (index: number) => void): void;
}

/** True for a CodePointSource (a string is not one: a string is text). */
export function isCodePointSource(x: unknown): x is CodePointSource {
  const s = x as Partial<CodePointSource> | null;
  return typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.forEachChunk === 'function';
}

/** UTF-16 units per chunk of a string source. */
const STRING_CHUNK = 1 << 16;
/** Bytes per read (and per decoded chunk) of a byte source: 1 MiB of bytes, 4 MiB of scratch. */
export const BYTE_CHUNK = 1 << 20;

/**
 * Wraps a sink so that line ends reach it folded: CR -> LF, and the LF of a CRLF dropped. The
 * CR state is carried between chunks, so a '\r\n' split by a chunk boundary is one line end.
 * Folds in place (the output is never longer than the input).
 */
function foldingLineEnds(sink: CodePointSink): CodePointSink {
  let afterCR = false;
  return (cps, n) => {
    let w = 0;
    let cr = afterCR;
    for (let r = 0; r < n; r++) {
      const c = cps[r];
      if (c === CR) {
        cps[w++] = LF;
        cr = true;
      } else if (c === LF) {
        if (!cr) cps[w++] = LF; // the LF of a CRLF was already emitted as the CR's line end
        cr = false;
      } else {
        cps[w++] = c;
        cr = false;
      }
    }
    afterCR = cr;
    if (w > 0) sink(cps, w);
  };
}

/** A JS string as a source (no BOM handling: a string is text already, as the caller gave it). */
export function stringSource(text: string, name = 'text', chunkUnits = STRING_CHUNK): CodePointSource {
  checkChunk(chunkUnits);
  return {
    name,
    forEachChunk(sink) {
      const out = foldingLineEnds(sink);
      const len = text.length;
      const cps = new Int32Array(Math.min(chunkUnits, len) + 1);
      let i = 0;
      while (i < len) {
        const end = Math.min(len, i + chunkUnits);
        let n = 0;
        // One code point per step; a pair may straddle `end` (i then stops at end + 1).
        while (i < end) {
          const c = text.charCodeAt(i);
          if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
            const d = text.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff) {
              cps[n++] = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
              i += 2;
              continue;
            }
          }
          cps[n++] = c;
          i++;
        }
        out(cps, n);
      }
    },
  };
}

/**
 * UTF-8 decoding with the checks above, one chunk at a time (state carried between chunks).
 * One decoder per pass.
 */
export class Utf8Decoder {
  /** Absolute offset of the next chunk's first byte. */
  private offset = 0;
  /** Continuation bytes still expected by the pending sequence (0: between code points). */
  private need = 0;
  /** The pending sequence's bits so far, its smallest legal value, its lead byte's offset. */
  private cp = 0;
  private min = 0;
  private lead = 0;
  /** Offset of the first invalid sequence's lead byte, once found (-1 before). */
  private invalidAt = -1;

  constructor(readonly name: string) {}

  /** Offset of the first invalid sequence's lead byte seen so far; -1 while the input is valid. */
  get invalidOffset(): number {
    return this.invalidAt;
  }

  /**
   * Decodes bytes into out (out.length >= bytes.length); returns how many code points it wrote.
   * Throws at once for a NUL byte; after invalid UTF-8 it writes nothing more (finish() throws)
   * but keeps checking later chunks for NUL, which takes precedence.
   */
  decode(bytes: Uint8Array, out: Int32Array): number {
    const base = this.offset;
    this.offset += bytes.length;
    const nul = bytes.indexOf(0);
    if (nul >= 0) throw binaryFileError(this.name, base + nul);
    if (this.invalidAt >= 0) return 0;
    let { need, cp, min, lead } = this;
    let n = 0;
    const len = bytes.length;
    for (let i = 0; i < len; i++) {
      const c = bytes[i];
      if (need === 0) {
        if (c < 0x80) {
          out[n++] = c;
          continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
          need = 1;
          min = 0x80;
          cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
          need = 2;
          min = 0x800;
          cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
          need = 3;
          min = 0x10000;
          cp = c & 0x07;
        } else {
          this.invalidAt = base + i; // a continuation byte out of place, or never legal in UTF-8
          return n;
        }
        lead = base + i;
      } else {
        if ((c & 0xc0) !== 0x80) {
          this.invalidAt = lead; // the sequence ended early
          return n;
        }
        cp = (cp << 6) | (c & 0x3f);
        if (--need === 0) {
          // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid too.
          if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
            this.invalidAt = lead;
            return n;
          }
          if (cp !== 0xfeff || lead !== 0) out[n++] = cp; // the leading BOM is not text
        }
      }
    }
    this.need = need;
    this.cp = cp;
    this.min = min;
    this.lead = lead;
    return n;
  }

  /** At the end of the input: throws for invalid UTF-8, including a truncated last sequence. */
  finish(): void {
    if (this.invalidAt < 0 && this.need > 0) this.invalidAt = this.lead;
    if (this.invalidAt >= 0) throw invalidUtf8Error(this.name, this.invalidAt);
  }
}

export function invalidUtf8Error(name: string, offset: number): CharnnError {
  return new CharnnError(
    `${name} is not valid UTF-8 (invalid byte at offset ${offset})`,
    'convert it first, e.g. iconv -f latin1 -t utf-8',
  );
}

export function binaryFileError(name: string, offset: number): CharnnError {
  return new CharnnError(
    `${name} looks like a binary file (NUL byte at offset ${offset})`,
    'charnn reads plain UTF-8 text, one sentence per line',
  );
}

/**
 * One pass of UTF-8 bytes pushed in as they arrive (a file's reads, stdin's chunks) and handed
 * to the sink as code points with line ends folded, with the checks above. end() throws for
 * invalid UTF-8; push() throws at once for a NUL byte.
 */
export class Utf8Stream {
  private readonly out: CodePointSink;
  private readonly decoder: Utf8Decoder;
  private cps: Int32Array | null = null;

  constructor(
    name: string,
    sink: CodePointSink,
    private readonly maxChunk = BYTE_CHUNK,
  ) {
    checkChunk(maxChunk);
    this.out = foldingLineEnds(sink);
    this.decoder = new Utf8Decoder(name);
  }

  push(bytes: Uint8Array): void {
    const { maxChunk } = this;
    for (let at = 0; at < bytes.length; at += maxChunk) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + maxChunk));
      if (this.cps === null || this.cps.length < piece.length) this.cps = new Int32Array(Math.max(piece.length, Math.min(maxChunk, 4096)));
      const n = this.decoder.decode(piece, this.cps);
      if (n > 0) this.out(this.cps, n);
    }
  }

  end(): void {
    this.decoder.finish();
  }
}

/** Runs one pass of UTF-8 chunks through a decoder into the sink. */
export function decodePass(name: string, chunks: (each: (bytes: Uint8Array) => void) => void, maxChunk: number, sink: CodePointSink): void {
  const stream = new Utf8Stream(name, sink, maxChunk);
  chunks((bytes) => stream.push(bytes));
  stream.end();
}

/** UTF-8 bytes in memory (one buffer, or the chunks stdin arrived in) as a source. */
export function bytesSource(bytes: Uint8Array | readonly Uint8Array[], name: string, chunkBytes = BYTE_CHUNK): CodePointSource {
  if (!(bytes instanceof Uint8Array) && !(Array.isArray(bytes) && bytes.every((b) => b instanceof Uint8Array)))
    throw new UsageError(`bytesSource: bytes must be a Uint8Array or an array of them, got ${describe(bytes)}`);
  expectString('bytesSource', 'name', name);
  checkChunk(chunkBytes);
  const list = bytes instanceof Uint8Array ? [bytes] : bytes;
  return {
    name,
    forEachChunk(sink) {
      decodePass(name, (each) => list.forEach((b) => each(b)), chunkBytes, sink);
    },
  };
}

export function checkChunk(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`chunk size must be a positive integer, got ${n}`);
}
