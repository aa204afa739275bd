/**
 * The streams a command talks to, injected so tests can run the program in-process.
 * Data goes to stdout; progress, messages and errors to stderr.
 */
import type { Readable, Writable } from 'node:stream';
import type { ChalkInstance } from 'chalk';
import { chalkOf, colourLevel, isFancyTerminal, type ColorChoice } from './colour.js';

export { isFancyTerminal } from './colour.js';

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean };
  /** Spinners, progress bars and the chart: on a coloured terminal (colour.ts, isFancyTerminal). */
  fancy: boolean;
  /** --color, as the command line gives it (colorChoiceOf); auto when not set. */
  color?: ColorChoice;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    fancy: isFancyTerminal(process.stderr, process.env),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** The chalk to colour `which` stream with: the one decision of colour.ts, for this run's --color. */
export function coloursOf(io: CliIO, which: 'stdout' | 'stderr'): ChalkInstance {
  return chalkOf(colourLevel(io.color ?? 'auto', io.env, io[which] as { isTTY?: boolean }));
}

/**
 * Writes text and, when the stream's buffer is full (a slow reader at the other end of a pipe),
 * waits until it drains, so output never piles up in memory. Also returns when the stream
 * closes or fails (a closed pipe: the process is on its way out, see main.ts).
 */
export async function writeOut(stream: Writable, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
