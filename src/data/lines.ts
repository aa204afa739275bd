/**
 * Lines of UTF-8 text arriving in chunks (stdin), one string per line, for `score`: one sentence
 * is held at a time, so any number of lines streams through in bounded memory.
 *
 * The same rules as every other text charnn reads (src/data/source.ts): '\n', '\r\n' and '\r'
 * end a line (a '\r\n' split between chunks is one line end), a final line end adds no empty
 * line, a BOM at the very start is dropped, a NUL byte is a "binary" error and invalid UTF-8 an
 * error at the offset of its first byte. Unlike a file read in passes, a stream cannot be
 * checked before it is used: the lines before the first problem are handed out, then the error
 * is thrown; the line holding the bad byte is never handed out.
 *
 * Line ends are found on the bytes (0x0A and 0x0D never occur inside a multi-byte UTF-8
 * sequence), and each line's bytes are decoded once, natively.
 */
import { CharnnError } from '../errors.js';
import { binaryFileError, CR, invalidUtf8Error, LF, Utf8Decoder } from './source.js';

/** Longest line accepted, in bytes: a sentence is held whole, as a string and its scores
 *  (about 20 bytes per character: 16 MiB of text takes about 350 MB). */
export const MAX_LINE_BYTES = 1 << 24; // 16 MiB

export async function* utf8Lines(
  chunks: AsyncIterable<Uint8Array | string>,
  name: string,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<string> {
  const decoder = new Utf8Decoder(name); // validation only: its code points are not used
  let scratch = new Int32Array(0);
  let offset = 0; // absolute offset of the current chunk's first byte
  let partial: Uint8Array[] = []; // bytes of the line not yet ended, from earlier chunks
  let partialBytes = 0;
  let lastEndWasCR = false; // the byte just before the current line start was a CR line end
  let lineNo = 0;

  const line = (chunk: Uint8Array, from: number, to: number): string => {
    let text: string;
    if (partialBytes === 0) text = utf8.decode(chunk.subarray(from, to));
    else {
      partial.push(chunk.subarray(from, to));
      text = utf8.decode(concat(partial));
      partial = [];
      partialBytes = 0;
    }
    if (lineNo++ === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // the BOM is not text
    return text;
  };
  const tooLong = () =>
    new CharnnError(
      `${name}: line ${lineNo + 1} is longer than ${maxLineBytes.toLocaleString('en-US')} bytes`,
      'a sentence is held in memory whole: split the text into lines, or use charnn eval',
    );

  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
    // The usable prefix: up to the first NUL or invalid byte, whichever comes first.
    const nul = chunk.indexOf(0);
    const checked = nul >= 0 ? chunk.subarray(0, nul) : chunk;
    if (scratch.length < checked.length) scratch = new Int32Array(checked.length);
    decoder.decode(checked, scratch);
    let end = checked.length;
    let problem: CharnnError | null = nul >= 0 ? binaryFileError(name, offset + nul) : null;
    if (decoder.invalidOffset >= 0) {
      // A sequence begun in an earlier chunk is in the unfinished line: nothing of this chunk is usable.
      end = Math.max(0, decoder.invalidOffset - offset);
      problem = invalidUtf8Error(name, decoder.invalidOffset);
    }
    let start = 0;
    for (let i = 0; i < end; i++) {
      const c = chunk[i];
      if (c !== LF && c !== CR) continue;
      if (c === LF && lastEndWasCR && i === start && partialBytes === 0) {
        // The LF of a CRLF whose CR already ended the line.
        start = i + 1;
        lastEndWasCR = false;
        continue;
      }
      if (partialBytes + (i - start) > maxLineBytes) throw tooLong();
      yield line(chunk, start, i);
      start = i + 1;
      lastEndWasCR = c === CR;
    }
    if (problem) throw problem;
    if (end > start) {
      if (partialBytes + (end - start) > maxLineBytes) throw tooLong();
      partial.push(chunk.subarray(start, end));
      partialBytes += end - start;
      lastEndWasCR = false;
    }
    offset += chunk.length;
  }
  decoder.finish(); // a sequence cut short by the end of the input
  // The last line, unless it is nothing but the BOM of an otherwise empty input.
  const onlyBom = lineNo === 0 && partialBytes === 3 && concat(partial).every((b, i) => b === BOM[i]);
  if (partialBytes > 0 && !onlyBom) yield line(new Uint8Array(0), 0, 0);
}

const BOM = [0xef, 0xbb, 0xbf];
/** The bytes are checked as UTF-8 before they are decoded; a BOM is kept (and dropped above only
 *  at the start of the text). */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
