/**
 * Where a command's text comes from: arguments, files, or standard input ('-', or nothing
 * given while stdin is not a terminal). `score` and `eval` read stdin as a stream, so input
 * of any length goes through in bounded memory; `train` reads it whole (it makes passes).
 */
import { createReadStream, statSync } from 'node:fs';
import { CorpusPieces, type EncodedCorpus } from '../data/corpus.js';
import { utf8Lines } from '../data/lines.js';
import { bytesSource, Utf8Stream, type CodePointSource } from '../data/source.js';
import { fileSource, fsError } from '../platform/node/file-source.js';
import { UsageError } from '../errors.js';
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
  if (file === '-') return bytesSource(await readStdinChunks(io), 'stdin');
  return isStream(file) ? bytesSource(await readWholeStream(file), file) : fileSource(file);
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
