// Crash safety of `charnn train`, with real processes: SIGKILL at 24 random moments of runs that
// save at every step never leaves a checkpoint that does not load (each run resumes from what
// the last one left, so the lock and temp files of a killed run must not get in the way); a
// second run on the same checkpoint path is refused while the first runs; Ctrl-C saves and
// exits 130, and a second Ctrl-C exits at once without touching the last good file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { Rng } from '../../src/util/rng.js';

const BIN = resolve(__dirname, '../../bin/charnn.js');
const dir = mkdtempSync(join(tmpdir(), 'charnn-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Saves (latest and, when validation improves, best) at every step.
const FLAGS = ['--hidden', '48', '--batch', '8', '--seq', '32', '--eval-every', '1', '--val-frac', '0.02', '--steps', '1000000', '--samples', '0', '--threads', '1'];

beforeAll(() => {
  const lines = ['the quick brown fox jumps over the lazy dog', 'pack my box with five dozen liquor jugs', 'how vexingly quick daft zebras jump'];
  writeFileSync(join(dir, 'corpus.txt'), Array.from({ length: 600 }, (_, i) => lines[i % 3]).join('\n') + '\n');
});

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code, signal) => r(signal === 'SIGKILL' ? null : code)));
  return { child, stderr: () => err, exited };
}

/** Resolves once stderr matches (or the process has exited). */
async function waitFor(run: Running, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 600 && !pattern.test(run.stderr()) && run.child.exitCode === null; i++) await sleep(25);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety', () => {
  it('kill -9 at 24 random moments: what is on disk always loads, and the next run resumes from it', async () => {
    const ckpt = 'k.safetensors';
    const rng = new Rng(2024);
    let loads = 0;
    let lastStep = -1;
    let resumed = 0;
    for (let i = 0; i < 24; i++) {
      const args = existsSync(join(dir, ckpt)) ? ['train', '--resume', ckpt, '--steps', '1000000'] : ['train', 'corpus.txt', ...FLAGS, '-o', ckpt];
      const run = start(args);
      // Even rounds: any moment from start-up on (reading the corpus, the first saves). Odd
      // rounds: once this process is training, so that a loaded machine's slow start-ups do
      // not leave every kill before the first save.
      if (i % 2 === 1) await waitFor(run, /\bstep \d+\//);
      await sleep(i % 2 === 0 ? 100 + rng.uniform(0, 1000) : rng.uniform(0, 500));
      run.child.kill('SIGKILL');
      expect(await run.exited).toBe(null); // it was still running: it did not fail on its own
      if (args[1] === '--resume') resumed++;
      for (const name of [ckpt, 'k.best.safetensors']) {
        if (!existsSync(join(dir, name))) continue;
        const loaded = loadCheckpoint(join(dir, name)); // throws if the file is incomplete or damaged
        loads++;
        if (name === ckpt) {
          expect(loaded.hasTrainState).toBe(true);
          expect(loaded.meta.progress.step).toBeGreaterThanOrEqual(lastStep);
          lastStep = loaded.meta.progress.step;
        }
      }
    }
    expect(loads).toBeGreaterThanOrEqual(12);
    expect(resumed).toBeGreaterThan(10);
    expect(lastStep).toBeGreaterThan(5); // training made progress across the kills
    // A finished run cleans up after the killed ones: no lock, no temp files.
    const last = start(['train', '--resume', ckpt, '--steps', String(lastStep + 2)]);
    expect(await last.exited).toBe(0);
    expect(readdirSync(dir).filter((n) => n.startsWith('.k.') || n.endsWith('.lock'))).toEqual([]);
  }, 90_000);

  it('a second run writing the same checkpoint is refused while the first runs', async () => {
    const first = start(['train', 'corpus.txt', ...FLAGS, '-o', 'two.safetensors']);
    await waitFor(first, /step 2\//);
    const second = start(['train', 'corpus.txt', ...FLAGS, '-o', 'two.safetensors']);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/^charnn: .*two\.safetensors is being written by another charnn train \(pid \d+ on .+\)\nhint: .*delete .*two\.safetensors\.lock\n$/);
    first.child.kill('SIGKILL');
    await first.exited;
  }, 30_000);

  it.each(['SIGINT', 'SIGTERM'] as const)('%s saves where it stopped and exits 130; the run resumes from there', async (signal) => {
    const name = `int-${signal}.safetensors`;
    const run = start(['train', 'corpus.txt', ...FLAGS, '-o', name]);
    await waitFor(run, /step 3\//);
    run.child.kill(signal);
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toMatch(/Stopping after this step and saving a checkpoint/);
    expect(run.stderr()).toContain(`Saved ${name}`);
    const saved = loadCheckpoint(join(dir, name));
    const step = saved.meta.progress.step;
    expect(step).toBeGreaterThanOrEqual(3);
    const more = start(['train', '--resume', name, '--steps', String(step + 2)]);
    expect(await more.exited).toBe(0);
    expect(more.stderr()).toMatch(new RegExp(`resuming .*${name.replace('.', '\\.')} at step ${step}`));
  }, 30_000);

  it('a second Ctrl-C exits at once and leaves the last good checkpoint loadable', async () => {
    const run = start(['train', 'corpus.txt', ...FLAGS, '-o', 'twice.safetensors']);
    await waitFor(run, /step 3\//);
    run.child.kill('SIGINT');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
    expect(loadCheckpoint(join(dir, 'twice.safetensors')).meta.progress.step).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(dir, 'twice.safetensors')).length).toBeGreaterThan(0);
  }, 30_000);
});
