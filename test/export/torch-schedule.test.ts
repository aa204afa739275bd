// The exported PyTorch trainer (templates/torch/) follows charnn's learning-rate schedules
// (issue 17): cosine by --steps and linear by --epochs continue a charnn run with the same rates
// and, within float rounding, the same losses as charnn's own --resume; with --time it keeps the
// run's training time in the training state as charnn does, so each side continues the other's
// schedule where it stopped; a char-rnn run's record has no schedule keys, as charnn's has none;
// options.py's defaults and legacy values are charnn's (so flipping a default flips both).
//
// Needs a Python with torch (test/helpers/torch.ts); skipped with the reason otherwise. The
// tolerance is torch-trainer.test.ts's (measured there: 4.2e-7 over 20 steps).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { train } from '../../src/train/loop.js';
import { absentMeans } from '../../src/options/option-spec.js';
import { decayFactor, DEFAULT_LR_FLOOR, DEFAULT_WARMUP, defaultWarmup, SCHEDULES } from '../../src/train/schedule.js';
import { TRAIN_DEFAULTS, TRAIN_OPTIONS, type TrainOptions } from '../../src/train/train-options.js';
import { cliInProcess } from '../helpers/cli.js';
import { runPython, torchPython } from '../helpers/torch.js';

const ROOT = resolve(__dirname, '../..');
const torch = torchPython();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const LINES = [
  'The ferry leaves at seven when the tide allows.',
  'Gulls argue over the nets on the harbour wall.',
  'A boy counts the boats and loses count at nine.',
  'Rain on the slate roofs, then sun on the slate roofs.',
  'The baker opens late on Sundays.',
  'Two old men play draughts by the window.',
  'Nobody remembers who painted the lighthouse red.',
  'The postman whistles the same four notes every morning.',
  'At low water the sand shows the ribs of a wreck.',
  'Lanterns swing on the quay when the wind turns east.',
];
const TEXT = Array.from({ length: 3 }, () => LINES.join('\n') + '\n').join('');
/** 2 x 12, batches of 6 x 10, 19 per epoch with 15% held out; a peak rate of 0.002. */
const BASE = {
  lr: 2e-3,
  hidden: 12,
  layers: 2,
  batch: 6,
  seq: 10,
  minCount: 1,
  valFrac: 0.15,
  evalEvery: 8,
  seed: 5,
  threads: 1,
} satisfies Partial<TrainOptions>;
const START = 6;
/** Step limits at which the two trainers' default warm-ups are compared. */
const LIMITS = [1, 2, 11, 60, 999, 1000, 20_000, Infinity];
const TOL_LOSS = 2e-6;

interface Steps {
  loss: Map<number, number>;
  lr: Map<number, number>;
}

/** charnn's run, stopped after `stopAt` as Ctrl-C stops one (its schedule still the whole run's). */
async function charnnRun(options: Partial<TrainOptions>, stopAt?: number): Promise<Steps & { notices: string[] }> {
  const out = { loss: new Map<number, number>(), lr: new Map<number, number>(), notices: [] as string[] };
  const stop = new AbortController();
  await train(
    TEXT,
    'harbour',
    options,
    {
      onStep: (r) => {
        out.loss.set(r.step, r.lossNats);
        out.lr.set(r.step, r.lr);
        if (r.step === stopAt) stop.abort();
      },
      onNotice: (m) => out.notices.push(m),
    },
    stop.signal,
  );
  return out;
}

/** The trainer's --log (--log-every 1): each step's loss and rate. */
function readLog(path: string): Steps {
  const out: Steps = { loss: new Map(), lr: new Map() };
  for (const line of readFileSync(path, 'utf8').trim().split('\n')) {
    const l = JSON.parse(line) as { step: number; loss_nats: number; lr: number };
    out.loss.set(l.step, l.loss_nats);
    out.lr.set(l.step, l.lr);
  }
  return out;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A charnn run to START steps (of a run planned by `options`), exported, with its corpus. */
async function exported(prefix: string, options: Partial<TrainOptions>): Promise<string> {
  const dir = tempDir(prefix);
  writeFileSync(join(dir, 'harbour.txt'), TEXT);
  await charnnRun({ ...BASE, ...options, corpusPath: join(dir, 'harbour.txt'), out: join(dir, 'start.safetensors') }, START);
  const r = await cliInProcess(['export', 'torch', '-m', 'start.safetensors', '-o', 'ex'], dir);
  expect(r.code, r.err).toBe(0);
  return dir;
}

describe("the trainer's options are charnn's", () => {
  it("options.py's defaults, legacy values and the schedule's defaults are charnn's (change them together)", (ctx) => {
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'templates', 'torch'))})`,
      'import options',
      `LIMITS = [${LIMITS.map((n) => (Number.isFinite(n) ? String(n) : 'float("inf")')).join(', ')}]`,
      'print(json.dumps({"defaults": options.DEFAULTS, "legacy": options.LEGACY, "warmup": options.DEFAULT_WARMUP, "floor": options.DEFAULT_LR_FLOOR, "schedules": list(options.SCHEDULES), "defaultWarmup": [options.default_warmup(n, f) for f in (True, False) for n in LIMITS]}))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    if (r.error || r.status !== 0) ctx.skip(`python3 cannot run templates/torch/options.py here: ${r.error?.message ?? r.stderr}`);
    const py = JSON.parse(r.stdout) as {
      defaults: Record<string, unknown>;
      legacy: Record<string, unknown>;
      warmup: number;
      floor: number;
      schedules: string[];
      defaultWarmup: number[];
    };
    for (const [key, value] of Object.entries(py.defaults)) expect(value, key).toEqual(TRAIN_DEFAULTS[key as keyof TrainOptions]);
    for (const [key, value] of Object.entries(py.legacy))
      expect({ value }, key).toEqual(absentMeans(TRAIN_OPTIONS[key as keyof TrainOptions]));
    expect([py.warmup, py.floor, py.schedules]).toEqual([DEFAULT_WARMUP, DEFAULT_LR_FLOOR, [...SCHEDULES]]);
    expect(py.defaultWarmup).toEqual([true, false].flatMap((f) => LIMITS.map((n) => defaultWarmup(n, f))));
  });
});

describe('the exported trainer follows the schedule', () => {
  for (const { name, options, limit } of [
    {
      name: 'lstm, cosine by --steps',
      options: { cell: 'lstm', schedule: 'cosine', warmup: 4, lrFloor: 0.2, steps: 26 },
      limit: ['--steps', '26'],
    },
    { name: 'gru, linear by --epochs', options: { cell: 'gru', schedule: 'linear', warmup: 0, epochs: 2 }, limit: ['--epochs', '2'] },
  ] as const) {
    it(`${name}: the rates and losses of charnn's own continuation`, async (ctx) => {
      if (typeof torch === 'string') ctx.skip(torch);
      const py = torch as { python: string };
      const dir = await exported(`charnn-torch-${options.schedule}-`, options);
      copyFileSync(join(dir, 'start.safetensors'), join(dir, 'charnn.safetensors'));
      const ours = await charnnRun({ resume: join(dir, 'charnn.safetensors'), out: join(dir, 'charnn.safetensors'), threads: 1 });
      runPython(py.python, ['ex/train.py', ...limit, '--log', 't.jsonl', '--log-every', '1', '-o', 't.safetensors', '--threads', '1'], dir);
      const theirs = readLog(join(dir, 't.jsonl'));
      const steps = [...ours.loss.keys()];
      expect(steps.length).toBeGreaterThan(15);
      expect([...theirs.loss.keys()]).toEqual(steps);
      for (const s of steps) {
        expect(Math.abs(theirs.lr.get(s)! - ours.lr.get(s)!), `lr at step ${s}`).toBeLessThan(1e-15);
        expect(Math.abs(theirs.loss.get(s)! - ours.loss.get(s)!), `loss at step ${s}`).toBeLessThan(TOL_LOSS);
      }
      expect(ours.lr.get(steps.at(-1)!)).toBeCloseTo(0.002 * (options.schedule === 'cosine' ? 0.2 : 0.1), 15);
      const training = loadCheckpoint(join(dir, 't.safetensors')).meta.training;
      expect([training.schedule, training.warmup]).toEqual([options.schedule, options.warmup]);
    });
  }

  it("cosine by --time: the trainer keeps the run's training time (train_ms) and charnn goes on from it, and back", async (ctx) => {
    if (typeof torch === 'string') ctx.skip(torch);
    const py = torch as { python: string };
    const dir = await exported('charnn-torch-time-', { cell: 'rnn', schedule: 'cosine', warmup: 0, timeMs: 60_000 });
    const started = loadCheckpoint(join(dir, 'start.safetensors'), { trainState: true }).trainState!.json.train_ms as number;
    expect(started).toBeGreaterThan(0);
    // Continued by PyTorch with a limit of the run's time so far plus 1.5 s.
    const limitMs = Math.ceil(started) + 1500;
    runPython(
      py.python,
      // No evaluation but the last: one that happened to end the run would save the clock before the limit.
      [
        'ex/train.py',
        '--time',
        `${limitMs}ms`,
        '--eval-every',
        '1000000000',
        '--log',
        't.jsonl',
        '--log-every',
        '1',
        '-o',
        't.safetensors',
        '--threads',
        '1',
      ],
      dir,
    );
    const theirs = readLog(join(dir, 't.jsonl'));
    const lrs = [...theirs.lr.values()];
    expect(lrs[0]).toBeLessThanOrEqual(0.002 * decayFactor('cosine', started / limitMs, 0.1) + 1e-12);
    expect(lrs.at(-1)!).toBeLessThan(0.002 * 0.15);
    const state = loadCheckpoint(join(dir, 't.safetensors'), { trainState: true }).trainState!.json;
    expect(state.train_ms as number).toBeGreaterThanOrEqual(limitMs);
    // charnn continues PyTorch's run: the limit counts the time both spent.
    const back = await charnnRun({ resume: join(dir, 't.safetensors'), out: join(dir, 't.safetensors'), timeMs: limitMs + 500 });
    expect(back.notices.join('\n')).toMatch(/s of the run's time limit used/);
    expect([...back.lr.values()].at(-1)!).toBeLessThan(0.002 * 0.15);
  });

  it("a char-rnn run's record written by the trainer has no schedule keys, as charnn's has none; the options of another schedule are refused", async (ctx) => {
    if (typeof torch === 'string') ctx.skip(torch);
    const py = torch as { python: string };
    const dir = await exported('charnn-torch-plain-', { cell: 'gru', schedule: 'char-rnn', steps: 10 });
    runPython(py.python, ['ex/train.py', '--steps', '8', '-o', 't.safetensors', '--threads', '1'], dir);
    const training = loadCheckpoint(join(dir, 't.safetensors')).meta.training;
    for (const key of ['schedule', 'warmup', 'lrFloor']) expect(Object.hasOwn(training, key), key).toBe(false);
    const refused = (args: string[]) => {
      expect(() => runPython(py.python, ['ex/train.py', '--new-run', '--steps', '2', '-o', 'x.safetensors', ...args], dir)).toThrow(
        /applies to|apply to/,
      );
    };
    refused(['--warmup', '5']);
    refused(['--schedule', 'cosine', '--lr-decay', '0.5']);
    runPython(
      py.python,
      ['ex/train.py', '--new-run', '--steps', '2', '--schedule', 'linear', '-o', 'x.safetensors', '--threads', '1'],
      dir,
    );
    expect(loadCheckpoint(join(dir, 'x.safetensors')).meta.training.warmup).toBe(1); // a new run from the model's weights: a tenth of 2 steps, rounded up
  });
});
