// One writer per checkpoint: a second holder is refused with a message naming the owner; a lock
// left by a dead process (SIGKILL) or an unreadable one that has aged is taken over; a lock from
// another host is not; taking a lock removes the temp files an interrupted save left behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CharnnError } from '../../../src/errors.js';
import { CheckpointLock } from '../../../src/platform/node/checkpoint-lock.js';
import { train } from '../../../src/train/loop.js';

let dir: string;
let ckpt: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'charnn-lock-'));
  ckpt = join(dir, 'm.safetensors');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('CheckpointLock', () => {
  it('is exclusive while held, and free again once released', () => {
    const lock = CheckpointLock.acquire(ckpt);
    expect(JSON.parse(readFileSync(`${ckpt}.lock`, 'utf8'))).toEqual({ pid: process.pid, host: hostname() });
    expect(() => CheckpointLock.acquire(ckpt)).toThrow(CharnnError);
    expect(() => CheckpointLock.acquire(ckpt)).toThrow(
      `${ckpt} is being written by another charnn train (pid ${process.pid} on ${hostname()})`,
    );
    lock.release();
    expect(existsSync(`${ckpt}.lock`)).toBe(false);
    CheckpointLock.acquire(ckpt).release();
  });

  it('takes over the lock of a process that no longer exists', () => {
    const pid = deadPid();
    expect(pid).toBeGreaterThan(0);
    writeFileSync(`${ckpt}.lock`, JSON.stringify({ pid, host: hostname() }));
    const lock = CheckpointLock.acquire(ckpt);
    expect(JSON.parse(readFileSync(`${ckpt}.lock`, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('keeps the lock of another host, and says how to clear it', () => {
    writeFileSync(`${ckpt}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere.example' }));
    try {
      CheckpointLock.acquire(ckpt);
      expect.unreachable();
    } catch (e) {
      expect((e as CharnnError).message).toMatch(/pid 1 on elsewhere\.example/);
      expect((e as CharnnError).hint).toContain(`delete ${ckpt}.lock`);
    }
  });

  it('takes over an unreadable lock only once it has aged', () => {
    writeFileSync(`${ckpt}.lock`, '');
    expect(() => CheckpointLock.acquire(ckpt)).toThrow(/owner unknown/);
    const old = Date.now() / 1000 - 60;
    utimesSync(`${ckpt}.lock`, old, old);
    CheckpointLock.acquire(ckpt).release();
  });

  it('appears already holding its owner (written aside, then linked): a kill at any moment leaves no empty lock', () => {
    const lock = CheckpointLock.acquire(ckpt);
    // Nothing but the lock itself: the owner's temp file is gone once linked.
    expect(readdirSync(dir)).toEqual(['m.safetensors.lock']);
    expect(JSON.parse(readFileSync(`${ckpt}.lock`, 'utf8'))).toEqual({ pid: process.pid, host: hostname() });
    // A held lock refuses a second taker, which leaves no temp file behind either.
    expect(() => CheckpointLock.acquire(ckpt)).toThrow(/being written by another charnn train \(pid/);
    expect(readdirSync(dir)).toEqual(['m.safetensors.lock']);
    lock.release();
  });

  it('removes the temp files of interrupted saves of its checkpoint and its companions, nothing else', () => {
    const names = [
      '.m.safetensors.123.a1b2c3.tmp',
      '.m.best.safetensors.9.ff.tmp',
      '.m.safetensors.lock.77.0a0b.tmp', // a lock's owner file, its writer killed before linking it
      '.m.safetensors.v2.tmp',
      '.mm.safetensors.1.ab.tmp',
      'notes.tmp',
    ];
    for (const n of names) writeFileSync(join(dir, n), 'x');
    const lock = CheckpointLock.acquire(ckpt, [join(dir, 'm.best.safetensors')]);
    expect(readdirSync(dir).sort()).toEqual(['.m.safetensors.v2.tmp', '.mm.safetensors.1.ab.tmp', 'm.safetensors.lock', 'notes.tmp']);
    lock.release();
  });
});

describe('train holds the lock of its checkpoint', () => {
  const TEXT = 'the cat sat on the mat\na dog ran to the park\n'.repeat(20);
  const SMALL = { hidden: 8, layers: 1, batch: 4, seq: 8, threads: 1 };

  it('a second run on the same path is refused while the first runs; the lock is gone after', async () => {
    const abort = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = train(TEXT, 't', { ...SMALL, steps: 100_000, out: ckpt }, { onStep: () => started() }, abort.signal);
    await running;
    await expect(train(TEXT, 't', { ...SMALL, steps: 2, out: ckpt })).rejects.toThrow(/is being written by another charnn train/);
    // Another path is fine meanwhile.
    await train(TEXT, 't', { ...SMALL, steps: 2, out: join(dir, 'other.safetensors') });
    abort.abort();
    await first;
    expect(existsSync(`${ckpt}.lock`)).toBe(false);
    await train(TEXT, 't', { ...SMALL, steps: 2, out: ckpt });
  });
});
