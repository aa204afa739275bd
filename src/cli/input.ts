/**
 * Where a command's text comes from: arguments, files, or standard input ('-', or nothing
 * given while stdin is not a terminal). `score` and `eval` read stdin as a stream, so input
 * of any length goes through in bounded memory; `train` reads it whole (it makes passes).
 */
import { CorpusPieces, type EncodedCorpus } from '../data/corpus.js';
import { utf8Lines } from '../data/lines.js';
import { bytesSource, fileSource, Utf8Stream, type CodePointSource } from '../data/source.js';
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
export async function readStdinChunks(io: CliIO): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return chunks;
}

/** Corpus text from a file (read in chunks on each pass) or from stdin ('-'), never as one string. */
export async function corpusSource(file: string, io: CliIO): Promise<CodePointSource> {
  return file === '-' ? bytesSource(await readStdinChunks(io), 'stdin') : fileSource(file);
}
