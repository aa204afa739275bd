/** The charnn program in-process on fake streams (fresh per call), for CLI tests. */
import { clearLine, clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface FakeTerminal {
  /** Pretend stderr (and so progress, colour, the chart) is a terminal of this many columns. */
  stderrTTY?: boolean;
  stdinText?: string;
}

export async function cliIn(cwd: string, args: string[], opts: FakeTerminal = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as PassThrough & Record<string, unknown>;
  if (opts.stderrTTY) {
    // What ora and cli-progress use of a tty.WriteStream: escape sequences written to the stream.
    Object.assign(stderr, {
      isTTY: true,
      columns: 100,
      rows: 40,
      cursorTo: (x: number, y?: number) => cursorTo(stderr, x, y),
      moveCursor: (dx: number, dy: number) => moveCursor(stderr, dx, dy),
      clearLine: (dir: -1 | 0 | 1) => clearLine(stderr, dir),
      clearScreenDown: () => clearScreenDown(stderr),
      getWindowSize: () => [100, 40],
      hasColors: () => false,
    });
  }
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = opts.stdinText === undefined;
  stdin.end(opts.stdinText ?? '');
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d: Buffer) => (err += d));
  const io: CliIO = { stdout, stderr, stdin, fancy: Boolean(opts.stderrTTY), env: {}, cwd };
  const code = await run(args, io);
  return { code, out, err };
}

/** Text without ANSI escape sequences (colours, cursor moves). */
export function stripAnsi(s: string): string {
  return s.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '');
}
