// A checkpoint write that fails during training (disk full, read-only directory; simulated,
// since the tests may run as root, who can write anywhere) stops training with a clear error
// that says which checkpoint is intact, and leaves that checkpoint byte-identical and loadable.
// The writes go through the Node platform's atomic writer (src/platform/node/atomic-file.ts),
// which is what node:fs is mocked under here.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CharnnError } from '../../src/errors.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { nodePlatform } from '../../src/platform/node/node-platform.js';
import { installPlatform, platform } from '../../src/platform/platform.js';
import { train } from '../../src/train/loop.js';

// Temp-file writes fail with `error` once `failAfter` of them have succeeded; everything else
// goes to the real fs.
const inject = vi.hoisted(() => ({
  error: undefined as (Error & { code: string }) | undefined,
  failAfter: 0,
  writes: 0,
  at: 'open',
}));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const failing = () => inject.error !== undefined && inject.writes >= inject.failAfter;
  return {
    ...fs,
    openSync: (path: string, flags: string, mode?: number) => {
      if (String(path).endsWith('.tmp') && flags === 'wx') {
        if (inject.at === 'open' && failing()) throw inject.error;
        inject.writes++;
      }
      return fs.openSync(path, flags, mode);
    },
    writeSync: (fd: number, ...rest: unknown[]) => {
      if (inject.at === 'write' && inject.error !== undefined && inject.writes > inject.failAfter) throw inject.error;
      return (fs.writeSync as (...a: unknown[]) => number)(fd, ...rest);
    },
  };
});

// The vitest setup file installed the Node platform before this file's mock existed, so its
// atomic writer has the real node:fs: install a fresh copy of the Node platform, loaded after
// the mock, whose atomic writer (and checkpoint lock) see the mocked node:fs.
beforeAll(async () => {
  vi.resetModules();
  const fresh = (await import('../../src/platform/node/node-platform.js')).nodePlatform;
  expect(fresh).not.toBe(nodePlatform);
  installPlatform(fresh);
  expect(platform()).toBe(fresh);
});
afterAll(() => installPlatform(nodePlatform));

const TEXT = 'the cat sat on the mat\na dog ran to the park\n'.repeat(30);
const SMALL = { hidden: 8, layers: 1, batch: 4, seq: 8, threads: 1, evalEvery: 2, steps: 12 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'charnn-savefail-'));
  inject.writes = 0;
});
afterEach(() => {
  inject.error = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const errno = (code: string, text: string) => Object.assign(new Error(`${code}: ${text}`), { code });

describe('failed checkpoint writes during training', () => {
  const cases: [string, Error & { code: string }, 'open' | 'write'][] = [
    ['disk full (ENOSPC while writing)', errno('ENOSPC', 'no space left on device, write'), 'write'],
    ['read-only directory (EROFS on create)', errno('EROFS', 'read-only file system, open'), 'open'],
    ['permission denied (EACCES on create)', errno('EACCES', 'permission denied, open'), 'open'],
  ];
  it.each(cases)('%s: a clear error, the previous checkpoint intact', async (_label, error, at) => {
    const out = join(dir, 'run.safetensors');
    // Saves happen at steps 2, 4, ...: the first two go through (latest and best at step 2).
    Object.assign(inject, { error, at, failAfter: 2 });
    let thrown: unknown;
    try {
      await train(TEXT, 't', { ...SMALL, out });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CharnnError);
    const message = (thrown as CharnnError).message;
    expect(message).toMatch(
      new RegExp(
        `^cannot save checkpoint .*: ${error.code}: .*; the last checkpoint \\(${out.replace(/[.]/g, '\\.')}, step 2\\) is intact$`,
      ),
    );
    expect((thrown as CharnnError).hint).toMatch(/--resume/);
    inject.error = undefined;
    const kept = loadCheckpoint(out);
    expect(kept.meta.progress.step).toBe(2);
    expect(kept.hasTrainState).toBe(true);
    // No temp file is left behind, and the lock is released.
    expect(readdirSync(dir).sort()).toEqual(['run.best.safetensors', 'run.safetensors']);
    // The run continues from the intact checkpoint.
    const resumed = await train(TEXT, 't', { steps: 6, resume: out, out });
    expect(resumed.steps).toBe(6);
    expect(readFileSync(out).length).toBeGreaterThan(0);
  });
});
