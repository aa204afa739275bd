/**
 * A corpus of files and folders: the library's fileSource(path) and the command line's corpus
 * arguments. A file is read as it is (a bad one is an error when read); a folder is walked,
 * recursively, in a stable order (names sorted by their UTF-16 code units at each level, so the
 * same tree gives the same corpus on every machine), for its text files: a file inside a folder
 * that is binary (a NUL byte) or not valid UTF-8, or cannot be read, is skipped and listed in
 * `skipped` (the command line prints a note naming each), since a folder of texts often holds
 * an image or a stray .DS_Store. Names starting with a dot (hidden files and folders: .git)
 * are left out; a file reached twice (a symbolic link, or named twice) is read once.
 */
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { CharnnError } from '../../errors.js';
import { joinSources } from '../../data/joined-source.js';
import { BYTE_CHUNK, Utf8Decoder, type CodePointSource } from '../../data/source.js';
import { describe } from '../../util/arguments.js';
import { UsageError } from '../../errors.js';
import { fileSource as oneFile, fsError } from './file-source.js';

/** A file left out of a folder, and why ("looks like a binary file (NUL byte at offset 12)"). */
export interface SkippedFile {
  path: string;
  why: string;
}

/** A corpus read from files: which ones, and which were skipped. */
export interface FilesSource extends CodePointSource {
  readonly files: readonly string[];
  readonly skipped: readonly SkippedFile[];
}

/**
 * A file, a folder (its text files), or a list of them, as one source: each file's lines are
 * sentences, and the end of a file ends a line. Missing paths are reported now; a file's content
 * when it is read.
 */
export function fileSource(paths: string | readonly string[], chunkBytes = BYTE_CHUNK): FilesSource {
  const list = typeof paths === 'string' ? [paths] : paths;
  if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string' && p.length > 0))
    throw new UsageError(`fileSource: path must be a path (a non-empty string) or a list of them, got ${describe(paths)}`);
  if (list.length === 1 && !isDirectory(list[0])) return { ...oneFile(list[0], chunkBytes), files: [list[0]], skipped: [] };
  const { files, skipped } = textFiles(list);
  const name = list.length === 1 ? list[0] : `${list[0]} and ${list.length - 1} more`;
  if (files.length === 0) {
    throw new CharnnError(
      `${name}: no text files to read` +
        (skipped.length > 0 ? ` (skipped ${skipped.length}: ${skipped[0].path} ${skipped[0].why}...)` : ''),
      'give files of UTF-8 text, one sentence per line',
    );
  }
  return {
    ...joinSources(
      files.map((f) => oneFile(f, chunkBytes)),
      name,
    ),
    files,
    skipped,
  };
}

/** True for a path that is a directory (a missing one is not: it is reported when opened). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The files a list of paths names: files as given, folders walked for their text files. */
export function textFiles(paths: readonly string[]): { files: string[]; skipped: SkippedFile[] } {
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>(); // real paths of the files and folders taken
  const take = (path: string) => {
    const real = realpathSync(path);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  };
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      skipped.push({ path: dir, why: whyUnreadable(dir, e) });
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      let kind: 'dir' | 'file' | 'other';
      try {
        const st = statSync(path);
        kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      } catch (e) {
        skipped.push({ path, why: whyUnreadable(path, e) });
        continue;
      }
      if (kind === 'other') skipped.push({ path, why: 'is not a regular file' });
      else if (!take(path)) continue;
      else if (kind === 'dir') walk(path);
      else {
        const why = notText(path);
        if (why === null) files.push(path);
        else skipped.push({ path, why });
      }
    }
  };
  for (const path of paths) {
    let directory: boolean;
    try {
      directory = statSync(path).isDirectory();
    } catch (e) {
      throw fsError(path, e);
    }
    if (!take(path)) continue;
    if (directory) walk(path);
    else files.push(path); // named directly: a bad file is an error when it is read
  }
  return { files, skipped };
}

/** Why a file is not UTF-8 text (the message of the error reading it would give, without its path), or null. */
function notText(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return whyUnreadable(path, e);
  }
  try {
    const decoder = new Utf8Decoder(path);
    const buffer = new Uint8Array(BYTE_CHUNK);
    const scratch = new Int32Array(BYTE_CHUNK);
    for (;;) {
      const got = readSync(fd, buffer, 0, buffer.length, null);
      if (got === 0) break;
      decoder.decode(buffer.subarray(0, got), scratch);
    }
    decoder.finish();
    return null;
  } catch (e) {
    if (e instanceof CharnnError) return e.message.startsWith(path) ? e.message.slice(path.length + 1) : e.message;
    return whyUnreadable(path, e);
  } finally {
    closeSync(fd);
  }
}

function whyUnreadable(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'is missing (a broken link?)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  return `cannot be read: ${code ?? (e instanceof Error ? e.message : String(e))}`;
}

/** A short name for a corpus of several paths: the first one's base name. */
export function corpusName(paths: readonly string[]): string {
  const first = paths[0].replace(/[/\\]+$/, '');
  return basename(first, extname(first)) || 'corpus';
}
