/**
 * One writer per checkpoint: `charnn train` holds `<checkpoint>.lock` while it runs, so a second
 * run writing the same path refuses to start instead of overwriting the first one's files.
 *
 * The lock is a small file holding the owner's pid and host, written whole to a temp file first
 * and then hard-linked to its name, which fails if the name exists: the lock appears already
 * filled, so a process killed at any moment leaves either no lock or a readable one (an O_EXCL
 * create then a write, as before, left an empty lock when killed in between: the next run then
 * had to wait). Where hard links are not supported it falls back to that O_EXCL create. A
 * process killed with SIGKILL cannot remove its lock, so a lock is taken over when its owner is
 * gone: same host and no process with that pid (a recycled pid keeps the lock until the user
 * removes it, which the message says how to do). A lock file that is empty or unreadable (not
 * ours, or written by an older charnn) is taken over once it is a few seconds old.
 *
 * Taking the lock also removes the temp files that an interrupted save of that checkpoint left
 * behind (see atomic-file.ts): with the lock held, nobody else can be writing them.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { CharnnError } from '../../errors.js';

/** A lock file younger than this with no readable owner may still be being written. */
const UNREADABLE_GRACE_MS = 5_000;

interface Owner {
  pid: number;
  host: string;
}

export class CheckpointLock {
  private released = false;

  private constructor(readonly path: string) {}

  /** Takes the lock of `checkpoint` or throws a CharnnError saying who holds it. `companions`
   *  are the other files the holder writes (the best checkpoint), whose temp files it also owns. */
  static acquire(checkpoint: string, companions: string[] = []): CheckpointLock {
    const path = `${checkpoint}.lock`;
    // Two attempts: the second after removing a stale lock (if another process removed it and
    // took it in between, the exclusive create fails and we report that one as the owner).
    for (let attempt = 0; attempt < 2; attempt++) {
      if (tryCreate(path)) {
        for (const file of [checkpoint, ...companions, path]) removeLeftoverTempFiles(file);
        return new CheckpointLock(path);
      }
      const owner = readOwner(path);
      if (attempt === 0 && isStale(path, owner)) {
        try {
          unlinkSync(path);
        } catch {
          // someone else removed it first; try again anyway
        }
        continue;
      }
      throw new CharnnError(
        `${checkpoint} is being written by another charnn train (${owner ? `pid ${owner.pid} on ${owner.host}` : 'owner unknown'})`,
        `choose another checkpoint path with -o, or wait for that run; if no such process is running, delete ${path}`,
      );
    }
    throw new CharnnError(`cannot lock ${checkpoint}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkSync(this.path);
    } catch {
      // already gone: nothing to release
    }
  }
}

function tryCreate(path: string): boolean {
  const owner = JSON.stringify({ pid: process.pid, host: hostname() }) + '\n';
  // The same name pattern as atomic-file.ts's temp files, so a killed run's leftover is removed.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, owner, { flag: 'wx', mode: 0o644 });
  } catch (e) {
    throw cannotCreate(path, e);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // EEXIST: held. ENOENT: another run taking the lock removed our temp file as a leftover.
    if (code === 'EEXIST' || code === 'ENOENT') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') return tryCreateExclusive(path, owner);
    throw cannotCreate(path, e);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already removed
    }
  }
}

/** Where the file system has no hard links: create exclusively, then fill. */
function tryCreateExclusive(path: string, owner: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw cannotCreate(path, e);
  }
  try {
    writeSync(fd, owner);
  } finally {
    closeSync(fd);
  }
  return true;
}

function cannotCreate(path: string, e: unknown): CharnnError {
  const code = (e as NodeJS.ErrnoException).code;
  return new CharnnError(`cannot create the lock file ${path}: ${code ?? (e as Error).message}`, 'choose another checkpoint path with -o');
}

function readOwner(path: string): Owner | null {
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    if (Number.isSafeInteger(raw.pid) && (raw.pid as number) > 0 && typeof raw.host === 'string')
      return { pid: raw.pid as number, host: raw.host };
  } catch {
    // empty, half-written or not ours
  }
  return null;
}

function isStale(path: string, owner: Owner | null): boolean {
  if (owner === null) {
    try {
      return Date.now() - statSync(path).mtimeMs > UNREADABLE_GRACE_MS;
    } catch {
      return true; // vanished meanwhile
    }
  }
  return owner.host === hostname() && !isAlive(owner.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp files are `.<name>.<pid>.<random>.tmp` beside the file they replace (atomic-file.ts). */
function removeLeftoverTempFiles(file: string): void {
  const dir = dirname(file);
  const prefix = `.${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d+\.[0-9a-f]+\.tmp$/.test(name.slice(prefix.length))) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // best effort
    }
  }
}
