/**
 * Token id arrays. A big corpus is held as compact ids (Uint8Array when the vocabulary has at
 * most 256 symbols, Uint16Array up to 65,536, Int32Array beyond), never as JavaScript strings:
 * 100 MB of text is 100-200 MB of ids instead of 400 MB of Int32Array or a 200 MB string.
 * Per-batch buffers that the engine reads (x, y of one T x B chunk) stay Int32Array.
 */
import { sharedBuffer } from '../util/shared-memory.js';

export type IdArray = Uint8Array | Uint16Array | Int32Array;

/**
 * The smallest id array type that can hold ids below vocabSize, with n elements. It lives on a
 * SharedArrayBuffer where there is one (see util/shared-memory.ts), so worker threads can read a
 * corpus in place (src/scoring/line-threads.ts).
 */
export function allocIds(vocabSize: number, n: number): IdArray {
  if (vocabSize <= 0x100) return new Uint8Array(sharedBuffer(n));
  if (vocabSize <= 0x10000) return new Uint16Array(sharedBuffer(2 * n));
  return new Int32Array(sharedBuffer(4 * n));
}
