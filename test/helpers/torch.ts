/**
 * PyTorch for the tests of `charnn export torch`: the first Python that imports torch, of
 * $CHARNN_PYTHON, python3 on the PATH and Debian's /usr/bin/python3 (where apt's python3-torch
 * lives when a pyenv or venv python3 comes first on the PATH). None: a reason, for ctx.skip.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export interface TorchPython {
  python: string;
  version: string;
}

let found: TorchPython | string | undefined;

/** The Python with torch, or why there is none. */
export function torchPython(): TorchPython | string {
  if (found !== undefined) return found;
  const candidates = [process.env.CHARNN_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p));
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return (found = { python, version: r.stdout.trim() });
  }
  found = `no Python with torch (tried ${candidates.join(', ')}): install it (Debian: apt-get install python3-torch libopenblas0-pthread) or set CHARNN_PYTHON`;
  return found;
}

/**
 * torchrun's arguments for N processes on this machine: --standalone (a local rendezvous on a
 * free port), and --redirects 1 --tee 1, because PyTorch 1.13's launcher under Python 3.11
 * (Debian 12's python3-torch) fails on the default "0" (`'NoneType' object has no attribute
 * 'get'`: Std.from_str misses Std.NONE, fixed in PyTorch 2.0); they are harmless elsewhere.
 * --monitor_interval 0.5: the launcher notices the end of the run sooner than its default 5 s.
 */
export function torchrunArgs(processes: number): string[] {
  return [
    '-m',
    'torch.distributed.run',
    '--standalone',
    '--nproc_per_node',
    String(processes),
    '--redirects',
    '1',
    '--tee',
    '1',
    '--monitor_interval',
    '0.5',
  ];
}

/** Runs python with args; throws with its stderr when it fails, so a test shows why. */
export function runPython(python: string, args: string[], cwd: string, timeoutMs = 120_000, input?: string): SpawnSyncReturns<string> {
  const r = spawnSync(python, args, {
    cwd,
    input,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (r.status !== 0) throw new Error(`${python} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}\n${r.stdout}`);
  return r;
}
