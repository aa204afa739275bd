/**
 * Where a command's text comes from: arguments, files, or standard input ('-', or nothing
 * given while stdin is not a terminal). `score` and `eval` read stdin as a stream, so input
 * of any length goes through in bounded memory; `train` reads it whole (it makes passes).
 */
import { createReadStream, statSync } from 'node:fs';
import { CorpusPieces, type EncodedCorpus } from '../data/corpus.js';
import { utf8Lines } from '../data/lines.js';
import { bytesSource, Utf8Stream, type CodePointSource } from '../data/source.js';
import { fsError } from '../platform/node/file-source.js';
import { fileSource, textFiles, type SkippedFile } from '../platform/node/corpus-files.js';
import { joinSources, type JoinedSource } from '../data/joined-source.js';
import { CharnnError, UsageError } from '../errors.js';
import type { Vocab } from '../tokenizer/vocab.js';
import type { CliIO } from './io.js';

export function wantsStdin(args: string[], io: CliIO): boolean {
  return (args.length === 1 && args[0] === '-') || (args.length === 0 && !io.stdin.isTTY);
}

/** Throws a usage error unless the arguments name inputs or stdin, before any work starts. */
export function checkInputArgs(args: string[], io: CliIO, what: string, missing = 'give the text as arguments'): void {
  if (args.includes('-') && args.length > 1) throw new UsageError(`${what}: '-' (stdin) cannot be combined with other arguments`);
  if (args.length === 0 && !wantsStdin(args, io)) throw new UsageError(`${what}: ${missing}, or '-' to read lines from stdin`);
}

/**
 * Sentences from arguments (each one sentence) or from stdin lines, one at a time: stdin is
 * checked as a corpus is (NUL bytes, invalid UTF-8, BOM, line ends: src/data/lines.ts).
 */
export async function* sentences(args: string[], io: CliIO, what: string): AsyncGenerator<string> {
  checkInputArgs(args, io, what);
  if (wantsStdin(args, io)) {
    yield* utf8Lines(io.stdin, 'stdin');
    return;
  }
  yield* args;
}

/**
 * The lines of files and folders (their text files, walked as a corpus's: corpus-files.ts), one
 * sentence each, a line at a time: `score --file`. Files skipped in folders are named on stderr.
 */
export async function* fileLines(paths: readonly string[], io: CliIO): AsyncGenerator<string> {
  const { files, skipped } = textFiles(paths);
  for (const s of skipped) io.stderr.write(`note: skipped ${s.path}: ${s.why}\n`);
  for (const path of files) {
    let stream: AsyncIterable<Uint8Array>;
    try {
      stream = createReadStream(path);
      yield* utf8Lines(stream, path);
    } catch (e) {
      if (e instanceof CharnnError) throw e;
      throw fsError(path, e);
    }
  }
}

/**
 * Stdin encoded as it arrives, in pieces of whole lines (CorpusPieces), with the checks of a
 * corpus file: only one piece of ids is held at a time, whatever the length of the input.
 */
export async function* stdinPieces(io: CliIO, vocab: Vocab): AsyncGenerator<EncodedCorpus> {
  // Each piece is evaluated before the next take(), so two sets of buffers serve any input.
  const pieces = new CorpusPieces(vocab, undefined, true);
  const stream = new Utf8Stream('stdin', (cps, n) => pieces.push(cps, n));
  for await (const chunk of io.stdin) {
    stream.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
    yield* pieces.take();
  }
  stream.end();
  pieces.end();
  yield* pieces.take();
}

/** The whole of stdin as the chunks it arrived in (no concatenated copy of a big input). */
export function readStdinChunks(io: CliIO): Promise<Uint8Array[]> {
  return collectChunks(io.stdin);
}

/** Every chunk of a stream, as bytes, in order. */
async function collectChunks(stream: AsyncIterable<string | Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return chunks;
}

/**
 * Corpus text from a file (read in chunks on each pass) or from stdin ('-'), never as one string.
 * A path that is not a regular file (a pipe: /dev/stdin, a FIFO, the shell's <(command)) can be
 * read only once, while a corpus is read twice (vocabulary, then ids): it is read whole first,
 * as stdin is.
 */
export async function corpusSource(file: string, io: CliIO): Promise<CodePointSource> {
  return (await corpusFrom([file], io)).source;
}

/** A corpus read from the command line's paths: the source, and what it was read from. */
export interface CorpusInput {
  source: CodePointSource;
  /** Files read (stdin and pipes count as one each). */
  files: number;
  /** Files left out of folders, with why. */
  skipped: SkippedFile[];
  /** True when it came from more than one file (or from a folder): the summary says what was read. */
  several: boolean;
  /** Its size in bytes (the files' sizes as they are on disk; stdin's and pipes' as read). */
  bytes: number;
}

/**
 * Files, folders (their text files, walked: corpus-files.ts) and '-' (stdin, at most once), as one
 * source in which each file's lines are sentences and the end of a file ends a line. One file
 * (or stdin) alone is the same source as before there could be several.
 */
export async function corpusFrom(args: readonly string[], io: CliIO): Promise<CorpusInput> {
  if (args.filter((a) => a === '-').length > 1) throw new UsageError("'-' (stdin) can be given once");
  const parts: CodePointSource[] = [];
  const skipped: SkippedFile[] = [];
  let folder = false;
  let bytes = 0;
  const read = (chunks: Uint8Array[]) => {
    for (const c of chunks) bytes += c.length;
    return chunks;
  };
  for (const arg of args) {
    if (arg === '-') parts.push(bytesSource(read(await readStdinChunks(io)), 'stdin'));
    else if (isStream(arg)) parts.push(bytesSource(read(await readWholeStream(arg)), arg));
    else {
      const found = fileSource(arg);
      if (found.files.length !== 1 || found.files[0] !== arg) folder = true;
      skipped.push(...found.skipped);
      parts.push(...('parts' in found ? (found as unknown as JoinedSource).parts : [found]));
      for (const file of found.files) bytes += sizeOf(file);
    }
  }
  const several = parts.length > 1 || folder;
  const name = args.length === 1 ? (args[0] === '-' ? 'stdin' : args[0]) : `${args[0]} and ${args.length - 1} more`;
  return { source: parts.length === 1 && !folder ? parts[0] : joinSources(parts, name), files: parts.length, skipped, several, bytes };
}

/** A file's size, or 0 when it cannot be read (reading it says why). */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** True for a path that exists and is not a regular file or a directory (fileSource reports
 *  missing paths and directories itself). */
function isStream(path: string): boolean {
  try {
    const stat = statSync(path);
    return !stat.isFile() && !stat.isDirectory();
  } catch {
    return false;
  }
}

async function readWholeStream(path: string): Promise<Uint8Array[]> {
  try {
    return await collectChunks(createReadStream(path));
  } catch (e) {
    throw fsError(path, e);
  }
}
