/**
 * A corpus file or bytes as one JavaScript string, with the checks of the corpus sources (a
 * missing file, a directory, an unreadable file, a binary file, invalid UTF-8, a leading BOM).
 * charnn itself never reads a corpus as one string (it reads sources in chunks); the tests use
 * these to check the sources' checks on whole texts.
 */
import { readFileSync } from 'node:fs';
import { CharnnError } from '../../src/errors.js';
import { bytesSource } from '../../src/data/source.js';
import { fileSource, fsError } from '../../src/platform/node/file-source.js';

/**
 * Read a UTF-8 text file as a string (leading BOM removed). Throws a one-line CharnnError for
 * a missing file, a directory, an unreadable file, a binary file or invalid UTF-8. An empty
 * file is not an error here: whether it is enough text is for the caller to decide.
 * Training and evaluation read files through fileSource instead, without the string.
 */
export function readCorpusFile(path: string): string {
  fileSource(path); // the up-front checks: exists, not a directory, readable
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw fsError(path, e);
  }
  return decodeCorpusBytes(bytes, path);
}

/**
 * Decode the bytes of a corpus (a file, or stdin read by the caller) with the same checks as
 * the byte sources (NUL, invalid UTF-8, leading BOM); `name` is used in error messages.
 */
export function decodeCorpusBytes(bytes: Uint8Array, name: string): string {
  bytesSource(bytes, name).forEachChunk(() => {}); // validation only: throws for bad input
  let text: string;
  try {
    // Valid by now; ignoreBOM keeps a BOM in the output so we strip it ourselves, as the
    // byte sources do.
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  } catch (e) {
    if (e instanceof RangeError) throw new CharnnError(`${name} is too large to read as one string (${bytes.length} bytes)`);
    throw e;
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
