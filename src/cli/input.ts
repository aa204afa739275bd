/**
 * Where a command's text comes from: arguments, files, or standard input ('-', or nothing
 * given while stdin is not a terminal). Lines are read as a stream so input of any length
 * is handled line by line.
 */
import { createInterface } from 'node:readline';
import { bytesSource, fileSource, type CodePointSource } from '../data/source.js';
import { UsageError } from '../errors.js';
import type { CliIO } from './io.js';

export function wantsStdin(args: string[], io: CliIO): boolean {
  return (args.length === 1 && args[0] === '-') || (args.length === 0 && !io.stdin.isTTY);
}

/** Throws a usage error unless the arguments name inputs or stdin, before any work starts. */
export function checkInputArgs(args: string[], io: CliIO, what: string, missing = 'give the text as arguments'): void {
  if (args.includes('-') && args.length > 1) throw new UsageError(`${what}: '-' (stdin) cannot be combined with other arguments`);
  if (args.length === 0 && !wantsStdin(args, io)) throw new UsageError(`${what}: ${missing}, or '-' to read lines from stdin`);
}

/** Sentences from arguments (each one sentence) or from stdin lines. */
export async function* sentences(args: string[], io: CliIO, what: string): AsyncGenerator<string> {
  checkInputArgs(args, io, what);
  if (wantsStdin(args, io)) {
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    for await (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
    return;
  }
  yield* args;
}

/** The whole of stdin as bytes (decoded and checked by the caller). */
export async function readAllStdinBytes(io: CliIO): Promise<Uint8Array> {
  return Buffer.concat(await readStdinChunks(io));
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
