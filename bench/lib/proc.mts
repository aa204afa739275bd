/**
 * Child processes for the benchmarks: spawn, time (wall seconds from spawn to close), capture,
 * and stop every child still running if the bench is interrupted. Only the benchmark's own
 * children are ever signalled, by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall seconds from spawn to the close of the child's streams. */
  wallS: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the child (SIGKILL) and fail after this many seconds. */
  timeoutS?: number;
  /** Called for every stdout chunk (utf8) with performance.now() at its arrival. */
  onStdout?: (chunk: string, nowMs: number) => void;
  /** Called for every stderr chunk (utf8) with performance.now() at its arrival. */
  onStderr?: (chunk: string, nowMs: number) => void;
  /** Called once the child is spawned. */
  onSpawn?: (child: ChildProcess) => void;
}

/** A benchmark step that failed: the command, and what it said. */
export class BenchError extends Error {}

const live = new Set<ChildProcess>();

/** SIGKILL every child of ours still running (used on Ctrl-C and on a fatal error). */
export function killChildren(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      // A child wrapped in /usr/bin/time: stop its own child first.
      for (const pid of childPids(child.pid)) killPid(pid);
      killPid(child.pid);
    }
  }
}

export function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The direct children of a process (Linux /proc), or [] when that cannot be read. */
export function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  try {
    if (existsSync(file)) {
      return readFileSync(file, 'utf8')
        .trim()
        .split(/\s+/)
        .filter((s) => s !== '')
        .map(Number);
    }
    // Fallback: scan /proc for processes whose parent is pid.
    const found: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) found.push(Number(entry));
      } catch {
        // exited meanwhile
      }
    }
    return found;
  } catch {
    return [];
  }
}

/** Run a command to completion (never rejects on a non-zero exit; see expectOk). */
export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer =
      options.timeoutS !== undefined
        ? setTimeout(() => {
            timedOut = true;
            if (child.pid !== undefined) {
              for (const pid of childPids(child.pid)) killPid(pid);
              killPid(child.pid);
            }
          }, options.timeoutS * 1000)
        : null;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const now = performance.now();
      stdout += chunk;
      options.onStdout?.(chunk, now);
    });
    child.stderr.on('data', (chunk: string) => {
      const now = performance.now();
      stderr += chunk;
      options.onStderr?.(chunk, now);
    });
    child.on('spawn', () => options.onSpawn?.(child));
    child.on('error', (e) => {
      live.delete(child);
      if (timer) clearTimeout(timer);
      reject(new BenchError(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      const wallS = (performance.now() - started) / 1000;
      live.delete(child);
      if (timer) clearTimeout(timer);
      if (timedOut) {
        reject(new BenchError(`timed out after ${options.timeoutS} s: ${describe(cmd, args)}${tail(stderr)}`));
        return;
      }
      resolve({ code, signal, stdout, stderr, wallS });
    });
  });
}

/** The result if the command succeeded, else a BenchError naming it with the end of its stderr. */
export function expectOk(result: RunResult, cmd: string, args: string[]): RunResult {
  if (result.code !== 0) {
    const how = result.signal !== null ? `was killed by ${result.signal}` : `exited with ${result.code}`;
    throw new BenchError(`${describe(cmd, args)} ${how}${tail(result.stderr)}`);
  }
  return result;
}

export function describe(cmd: string, args: string[]): string {
  return [cmd, ...args].map(quote).join(' ');
}

/** A word as a POSIX shell would need it. */
export function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function tail(text: string, lines = 6): string {
  const kept = text.trimEnd().split('\n').slice(-lines).join('\n');
  return kept === '' ? '' : `:\n${kept}`;
}
