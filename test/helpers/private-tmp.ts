/**
 * vitest globalSetup: the whole test run gets a temporary directory of its own (TMPDIR, which
 * os.tmpdir() reads, inherited by the test workers and every charnn they spawn) and removes it
 * at the end, so the many mkdtemp directories the tests make never pile up in the system's /tmp.
 * Others may pass through it (mode 711, not 700) but not list it: a test that drops root's
 * privileges (unprivileged.ts) reaches the one directory inside it that it opened to them.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'charnn-test-run-'));
  chmodSync(dir, 0o711);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(dir, { recursive: true, force: true });
  };
}
