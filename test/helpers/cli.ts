/**
 * Running charnn in tests: in-process (a fresh program per run, injected streams, as
 * test/cli/program.test.ts) where the process does not matter, optionally on a pretend terminal;
 * or the real binary in a child process where it does (stdin, pipes, exit codes of the process).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { clearLine, clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import { PassThrough } from 'node:stream';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';

export const BIN = resolve(__dirname, '../../bin/charnn.js');

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** The program in-process; `stdin` undefined = a terminal (nothing piped). */
export async function cliInProcess(args: string[], cwd: string, stdin?: string | Buffer): Promise<CliResult> {
  return cliIn(cwd, args, { stdinText: stdin });
}

/** The real binary in a child process. */
export function cliChild(args: string[], cwd: string, input?: string | Buffer, options: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, input: input ?? '', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28, ...options });
  return { code: r.status, out: String(r.stdout ?? ''), err: String(r.stderr ?? '') };
}

/**
 * A failure as charnn reports one: the exit code, nothing on stdout unless allowed, stderr one
 * `charnn: ` line matching `pattern` plus at most a `hint:` line, and no stack trace.
 */
export function expectCleanError(r: CliResult, code: number, pattern: RegExp, allowStdout = false): void {
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.err).toMatch(pattern);
  const lines = r.err.replace(/\n$/, '').split('\n');
  expect(lines[0]).toMatch(/^charnn: /);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines.length === 2) expect(lines[1]).toMatch(/^hint: /);
  if (!allowStdout) expect(r.out).toBe('');
  expect(r.code).toBe(code);
}

export interface FakeTerminal {
  /** Pretend stderr (and so progress, colour, the chart) is a terminal of this many columns. */
  stderrTTY?: boolean;
  /** Piped stdin; undefined = a terminal (nothing piped). */
  stdinText?: string | Buffer;
}

/** The program in-process on fresh fake streams, optionally with stderr a pretend terminal. */
export async function cliIn(cwd: string, args: string[], opts: FakeTerminal = {}): Promise<CliResult> {
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
