/**
 * A UTF-8 file as a corpus source (src/data/source.ts), read from disk in chunks on every pass,
 * never held whole; and the one-line messages for files that cannot be read.
 */
import { expectPath } from '../../util/arguments.js';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { CharnnError } from '../../errors.js';
import { BYTE_CHUNK, checkChunk, decodePass, type CodePointSource } from '../../data/source.js';

/**
 * A UTF-8 file as a source. The file is checked now (it exists, is not a directory, can be
 * opened), so those mistakes are reported before any work starts; each pass then reads it
 * from the start in chunks of chunkBytes.
 */
export function fileSource(path: string, chunkBytes = BYTE_CHUNK): CodePointSource {
  expectPath('fileSource', 'path', path);
  checkChunk(chunkBytes);
  try {
    if (statSync(path).isDirectory()) throw new CharnnError(`${path} is a directory, not a text file`);
    closeSync(openSync(path, 'r'));
  } catch (e) {
    if (e instanceof CharnnError) throw e;
    throw fsError(path, e);
  }
  return {
    name: path,
    forEachChunk(sink) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (e) {
        throw fsError(path, e);
      }
      try {
        const size = fstatSync(fd).size;
        const buffer = new Uint8Array(Math.max(1, Math.min(chunkBytes, size || chunkBytes)));
        decodePass(
          path,
          (each) => {
            for (;;) {
              let got: number;
              try {
                got = readSync(fd, buffer, 0, buffer.length, null);
              } catch (e) {
                throw fsError(path, e);
              }
              if (got === 0) break;
              each(buffer.subarray(0, got));
            }
          },
          chunkBytes,
          sink,
        );
      } finally {
        closeSync(fd);
      }
    },
  };
}

export function fsError(path: string, e: unknown): CharnnError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new CharnnError(`no such file: ${path}`);
  if (code === 'EISDIR') return new CharnnError(`${path} is a directory, not a text file`);
  if (code === 'EACCES' || code === 'EPERM') return new CharnnError(`cannot read ${path}: permission denied`);
  const msg = e instanceof Error ? e.message : String(e);
  return new CharnnError(`cannot read ${path}: ${msg}`);
}
