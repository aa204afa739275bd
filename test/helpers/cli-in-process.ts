/**
 * The charnn program in-process, on fresh fake streams (optionally a pretend terminal), for tests
 * and for scripts/record-golden.ts (so it imports nothing from vitest).
 */
import { clearLine, clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { isFancyTerminal } from '../../src/cli/colour.js';

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

export interface FakeTerminal {
  /** Pretend stderr (and so progress, colour, the chart) is a terminal of this many columns. */
  stderrTTY?: boolean;
  /** Piped stdin; undefined = a terminal (nothing piped). */
  stdinText?: string | Buffer;
  /** Pretend stdout is a terminal. */
  stdoutTTY?: boolean;
  /** The environment the program sees (default: none at all). */
  env?: NodeJS.ProcessEnv;
  /** Columns of the pretend terminal (default 100). */
  columns?: number;
}

/** The program in-process on fresh fake streams, optionally with stderr a pretend terminal. */
export async function cliIn(cwd: string, args: string[], opts: FakeTerminal = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as PassThrough & Record<string, unknown>;
  if (opts.stderrTTY) {
    // What ora and cli-progress use of a tty.WriteStream: escape sequences written to the stream.
    Object.assign(stderr, {
      isTTY: true,
      columns: opts.columns ?? 100,
      rows: 40,
      cursorTo: (x: number, y?: number) => cursorTo(stderr, x, y),
      moveCursor: (dx: number, dy: number) => moveCursor(stderr, dx, dy),
      clearLine: (dir: -1 | 0 | 1) => clearLine(stderr, dir),
      clearScreenDown: () => clearScreenDown(stderr),
      getWindowSize: () => [opts.columns ?? 100, 40],
      hasColors: () => false,
    });
  }
  if (opts.stdoutTTY) Object.assign(stdout, { isTTY: true, columns: opts.columns ?? 100 });
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = opts.stdinText === undefined;
  stdin.end(opts.stdinText ?? '');
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d: Buffer) => (err += d));
  const env = opts.env ?? {};
  const io: CliIO = {
    stdout,
    stderr,
    stdin,
    fancy: Boolean(opts.stderrTTY) && isFancyTerminal(stderr as { isTTY?: boolean; columns?: number }, env),
    env,
    cwd,
  };
  const code = await run(args, io);
  return { code, out, err };
}
