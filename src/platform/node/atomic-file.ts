/**
 * Writing a file whole or not at all: a unique temp file beside the target
 * (`.<name>.<pid>.<random>.tmp`, the pattern checkpoint-lock.ts cleans up after a crash), written,
 * fsynced, then renamed over the target, and the directory fsynced. A crash or a full disk
 * mid-write never destroys the previous file and never leaves half a new one. Errors are
 * the file system's own (with their `code`); callers say what they were writing.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, data: Uint8Array | string, options: { makeDirs?: boolean } = {}): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    if (options.makeDirs) mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, 'wx', 0o644);
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) ignoreErrors(() => closeSync(fd!));
    ignoreErrors(() => unlinkSync(tmp));
    throw e;
  }
  // Make the rename itself durable. Some platforms cannot fsync a directory; the file is
  // already complete and in place, so that is not worth failing the write over.
  ignoreErrors(() => {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  });
}

function ignoreErrors(f: () => void): void {
  try {
    f();
  } catch {
    // best effort
  }
}
