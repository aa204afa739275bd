/**
 * The streams a command talks to, injected so tests can run the program in-process.
 * Data goes to stdout; progress, messages and errors to stderr.
 */
import type { Readable, Writable } from 'node:stream';

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean };
  /** Colour, spinners and progress bars only on a terminal and without NO_COLOR. */
  fancy: boolean;
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

/**
 * Whether progress can be drawn on this stream: a terminal with a width, colour not turned off.
 * A terminal of 0 columns (a pseudo-terminal whose size was never set: `script` run without a
 * terminal, some CI runners) counts as none: ora clears ceil(width / columns) = Infinity lines
 * there, in a loop that never ends (seen: 100 MB of escape codes a minute, and no way to stop it
 * but SIGKILL).
 */
export function isFancyTerminal(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && (stream.columns ?? 0) > 0 && !env.NO_COLOR && env.TERM !== 'dumb';
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
