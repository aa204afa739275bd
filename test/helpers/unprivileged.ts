/**
 * File permissions in tests: root reads any file, so a check that an unreadable file is
 * reported needs a user the permissions apply to. Where the suite runs as root (containers,
 * CI), such checks run in a child process that drops to nobody (uid and gid 65534: Node's
 * spawn calls setgid and setuid in the child); elsewhere the suite's own user will do.
 *
 * The child starts in its working directory before it drops privileges, so it can use paths
 * relative to it even where nobody could not walk the absolute path there. The run's private
 * temporary directory (private-tmp.ts) lets others through (mode 711) for a child that
 * needs absolute paths, such as one that loads TypeScript through tsx.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const runningAsRoot = process.getuid?.() === 0;

/** Spawn options for a child that file permissions apply to: nobody's ids as root, none otherwise. */
export const unprivileged: SpawnSyncOptions = runningAsRoot ? { uid: 65534, gid: 65534 } : {};

/**
 * Why file permissions cannot be tested here (to pass to ctx.skip), or null when they can: a
 * child with `unprivileged` options, started in `dir`, must fail to read a mode-000 file there.
 */
export function whyPermissionsDoNotApply(dir: string): string | null {
  const probe = join(dir, '.permission-probe');
  writeFileSync(probe, 'x');
  chmodSync(probe, 0o000);
  try {
    const r = spawnSync('cat', ['.permission-probe'], { cwd: dir, ...unprivileged });
    const who = runningAsRoot ? 'uid 65534 (nobody)' : `uid ${process.getuid?.()}`;
    if (r.error)
      return `cannot start a process as ${who} (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}): root's privileges cannot be dropped here`;
    if (r.status === 0) return `${who} reads a mode-000 file here: file permissions are not enforced`;
    return null;
  } finally {
    rmSync(probe, { force: true });
  }
}
