/**
 * Running charnn in tests: in-process (a fresh program per run, injected streams, as
 * test/cli/program.test.ts) where the process does not matter, optionally on a pretend terminal;
 * or the real binary in a child process where it does (stdin, pipes, exit codes of the process).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { cliIn, type CliResult } from './cli-in-process.js';

export { cliIn, type CliResult, type FakeTerminal } from './cli-in-process.js';

export const BIN = fileURLToPath(new URL('../../bin/charnn.js', import.meta.url));

/** The program in-process; `stdin` undefined = a terminal (nothing piped). */
export async function cliInProcess(args: string[], cwd: string, stdin?: string | Buffer): Promise<CliResult> {
  return cliIn(cwd, args, { stdinText: stdin });
}

/** The environment of a child with colour off whatever the developer's shell says (FORCE_COLOR would win over NO_COLOR). */
export function plainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  if (!('FORCE_COLOR' in extra)) delete env.FORCE_COLOR;
  return env;
}

/** The real binary in a child process. */
export function cliChild(args: string[], cwd: string, input?: string | Buffer, options: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    input: input ?? '',
    env: plainEnv(),
    maxBuffer: 1 << 28,
    ...options,
  });
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

/** Text without ANSI escape sequences (colours, cursor moves). */
export function stripAnsi(s: string): string {
  return s.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '');
}
