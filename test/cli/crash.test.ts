// Crash safety of `charnn train`, with real processes: SIGKILL at 24 random moments of runs that
// save at every step never leaves a checkpoint that does not load (each run resumes from what
// the last one left, so the lock and temp files of a killed run must not get in the way); a
// second run on the same checkpoint path is refused while the first runs; Ctrl-C saves and
// exits 130, and a second Ctrl-C exits at once without touching the last good file.
//
// Time: every wait has its own deadline and fails naming what it waited for; a test's limit is
// the sum of its waits' deadlines (24 rounds get 24 round budgets, not one fixed total).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { Rng } from '../../src/util/rng.js';

const BIN = resolve(__dirname, '../../bin/charnn.js');
const dir = mkdtempSync(join(tmpdir(), 'charnn-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Saves (latest and, when validation improves, best) at every step.
const FLAGS = [
  '--hidden',
  '48',
  '--batch',
  '8',
  '--seq',
  '32',
  '--eval-every',
  '1',
  '--val-frac',
  '0.02',
  '--steps',
  '1000000',
  '--samples',
  '0',
  '--threads',
  '1',
];

beforeAll(() => {
  const lines = [
    'the quick brown fox jumps over the lazy dog',
    'pack my box with five dozen liquor jugs',
    'how vexingly quick daft zebras jump',
  ];
  writeFileSync(join(dir, 'corpus.txt'), Array.from({ length: 600 }, (_, i) => lines[i % 3]).join('\n') + '\n');
});

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Every charnn started, so that none outlives a test that failed while waiting for it. */
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function start(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code, signal) => r(signal === 'SIGKILL' ? null : code)));
  return { child, stderr: () => err, exited };
}

/** How long charnn may take to start and print a given early step: about 0.2 s alone; a few
 *  seconds when the whole suite loads 2 cores. */
const START_MS = 20_000;
/** How long a process may take to exit once killed or interrupted (it saves first on SIGINT). */
const EXIT_MS = 10_000;
/** How long a short resumed run (a couple of steps, then a save) may take from start to exit. */
const RUN_MS = START_MS + EXIT_MS;

const stderrTail = (run: Running) => run.stderr().split('\n').slice(-6).join('\n');

/** Resolves once stderr matches; throws, naming what it waited for and showing the end of
 *  stderr, if the process exits first or `ms` pass. */
async function waitFor(run: Running, pattern: RegExp, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(run.stderr())) {
    const { exitCode, signalCode } = run.child;
    if (exitCode !== null || signalCode !== null)
      throw new Error(
        `charnn exited (${signalCode ?? `code ${exitCode}`}) before ${what} (${pattern} on stderr); stderr ends:\n${stderrTail(run)}`,
      );
    if (Date.now() > deadline)
      throw new Error(`waited ${ms / 1000} s for ${what} (${pattern} on stderr) in vain; stderr ends:\n${stderrTail(run)}`);
    await sleep(25);
  }
}

/** The process's exit (null: killed by SIGKILL); throws, naming what it waited for, after `ms`. */
async function exitOf(run: Running, what: string, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms / 1000} s for ${what} in vain; stderr ends:\n${stderrTail(run)}`)), ms);
  });
  try {
    return await Promise.race([run.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kill rounds, and what one may take: a start-up (to the first step on odd rounds), at most
 *  1.1 s of waiting, the kill, and loading what is on disk. */
const ROUNDS = 24;
const ROUND_MS = START_MS + 1_100 + EXIT_MS;

describe('crash safety', () => {
  it(
    `kill -9 at ${ROUNDS} random moments: what is on disk always loads, and the next run resumes from it`,
    async () => {
      const ckpt = 'k.safetensors';
      const rng = new Rng(2024);
      let loads = 0;
      let lastStep = -1;
      let resumed = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const args = existsSync(join(dir, ckpt))
          ? ['train', '--resume', ckpt, '--steps', '1000000']
          : ['train', 'corpus.txt', ...FLAGS, '-o', ckpt];
        const run = start(args);
        // Even rounds: any moment from start-up on (reading the corpus, the first saves). Odd
        // rounds: once this process is training, so that a loaded machine's slow start-ups do
        // not leave every kill before the first save.
        if (i % 2 === 1) await waitFor(run, /\bstep \d+\//, `round ${i + 1}'s first training step`, START_MS);
        await sleep(i % 2 === 0 ? 100 + rng.uniform(0, 1000) : rng.uniform(0, 500));
        run.child.kill('SIGKILL');
        // null: it was still running when killed, it did not fail on its own.
        expect(await exitOf(run, `round ${i + 1}'s charnn to die of SIGKILL`, EXIT_MS)).toBe(null);
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
      expect(await exitOf(last, `the last run (resumed at step ${lastStep}, 2 steps) to finish`, RUN_MS)).toBe(0);
      expect(readdirSync(dir).filter((n) => n.startsWith('.k.') || n.endsWith('.lock'))).toEqual([]);
    },
    ROUNDS * ROUND_MS + RUN_MS,
  );

  it(
    'a second run writing the same checkpoint is refused while the first runs',
    async () => {
      const first = start(['train', 'corpus.txt', ...FLAGS, '-o', 'two.safetensors']);
      await waitFor(first, /step 2\//, "the first run's step 2", START_MS);
      const second = start(['train', 'corpus.txt', ...FLAGS, '-o', 'two.safetensors']);
      expect(await exitOf(second, 'the second run to be refused', RUN_MS)).toBe(1);
      expect(second.stderr()).toMatch(
        /^charnn: .*two\.safetensors is being written by another charnn train \(pid \d+ on .+\)\nhint: .*delete .*two\.safetensors\.lock\n$/,
      );
      first.child.kill('SIGKILL');
      await exitOf(first, 'the first run to die of SIGKILL', EXIT_MS);
    },
    START_MS + RUN_MS + EXIT_MS,
  );

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s saves where it stopped and exits 130; the run resumes from there',
    async (signal) => {
      const name = `int-${signal}.safetensors`;
      const run = start(['train', 'corpus.txt', ...FLAGS, '-o', name]);
      await waitFor(run, /step 3\//, 'step 3', START_MS);
      run.child.kill(signal);
      expect(await exitOf(run, `charnn to save and exit after ${signal}`, EXIT_MS)).toBe(130);
      expect(run.stderr()).toMatch(/Stopping after this step and saving a checkpoint/);
      expect(run.stderr()).toContain(`Saved ${name}`);
      const saved = loadCheckpoint(join(dir, name));
      const step = saved.meta.progress.step;
      expect(step).toBeGreaterThanOrEqual(3);
      const more = start(['train', '--resume', name, '--steps', String(step + 2)]);
      expect(await exitOf(more, `the run resumed at step ${step} to finish`, RUN_MS)).toBe(0);
      expect(more.stderr()).toMatch(new RegExp(`resuming .*${name.replace('.', '\\.')} at step ${step}`));
    },
    START_MS + EXIT_MS + RUN_MS,
  );

  it(
    'a second Ctrl-C exits at once and leaves the last good checkpoint loadable',
    async () => {
      const run = start(['train', 'corpus.txt', ...FLAGS, '-o', 'twice.safetensors']);
      await waitFor(run, /step 3\//, 'step 3', START_MS);
      run.child.kill('SIGINT');
      run.child.kill('SIGINT');
      expect(await exitOf(run, 'charnn to exit after a second SIGINT', EXIT_MS)).toBe(130);
      expect(run.stderr()).not.toMatch(/\n\s+at /);
      expect(loadCheckpoint(join(dir, 'twice.safetensors')).meta.progress.step).toBeGreaterThanOrEqual(2);
      expect(readFileSync(join(dir, 'twice.safetensors')).length).toBeGreaterThan(0);
    },
    START_MS + EXIT_MS,
  );
});
