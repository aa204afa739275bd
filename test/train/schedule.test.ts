// The learning-rate schedules of issue 17 (src/train/schedule.ts): cosine and linear warm up
// over --warmup updates and decay to --lr-floor x --lr exactly as the run ends, by --steps, by
// --epochs and by --time (the largest progress of several limits); char-rnn is the old rule.
// The loop reports the scheduled rate; a run split by --resume is the same bits as one that
// never stopped (by steps and by epochs); with --time the run's training time is kept in the
// training state and the resumed run goes on from it. Options added with the schedule are
// recorded only when they differ from their legacy value, and a record without them resumes
// as the run it was (char-rnn), whatever the defaults say.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { absentMeans, choice, optionalInt, recordedOptions, type OptionTable } from '../../src/options/option-spec.js';
import { train, type StepReport } from '../../src/train/loop.js';
import { resumedOptions } from '../../src/train/resume.js';
import { decayFactor, defaultWarmup, learningRate, Schedule, warmupFactor, type ScheduleOptions } from '../../src/train/schedule.js';
import { TRAIN_DEFAULTS, type TrainOptions } from '../../src/train/train-options.js';

const LINES = ['the cat sat on the mat', 'a dog ran to the park', 'we sing and we dance', 'it rains in the spring'];
const TEXT = Array.from({ length: 4 }, () => LINES.join('\n') + '\n').join(''); // 9 batches of 4 x 8 per epoch
const BASE: Partial<TrainOptions> = { hidden: 12, layers: 2, batch: 4, seq: 8, lr: 1e-2, seed: 7, evalEvery: 1000, dropout: 0.2 };
const dir = mkdtempSync(join(tmpdir(), 'charnn-schedule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run; with stopAt, stopped after that step as Ctrl-C stops one (the schedule still the whole run's). */
async function run(options: Partial<TrainOptions>, stopAt?: number) {
  const steps: StepReport[] = [];
  const notices: string[] = [];
  let perEpoch = 0;
  const stop = new AbortController();
  const result = await train(
    TEXT,
    'tiny',
    { ...BASE, ...options },
    {
      onStart: (s) => (perEpoch = s.plan.batchesPerEpoch),
      onStep: (r) => {
        steps.push(r);
        if (r.step === stopAt) stop.abort();
      },
      onNotice: (m) => notices.push(m),
    },
    stop.signal,
  );
  const params = Array.from((await result.model.hostWeights()).data);
  return { result, steps, notices, perEpoch, params, lrs: steps.map((s) => s.lr), losses: steps.map((s) => s.lossNats) };
}

const options = (o: Partial<ScheduleOptions>): ScheduleOptions => ({
  schedule: 'cosine',
  lr: 1,
  lrDecay: 0.97,
  lrDecayAfter: 10,
  warmup: 0,
  lrFloor: 0.1,
  timeMs: null,
  ...o,
});

describe('the schedules', () => {
  it('cosine and linear: 1 at the start, the floor at the end, the formulas between; p is clamped to [0, 1]', () => {
    for (const floor of [0, 0.1, 0.5]) {
      for (const kind of ['cosine', 'linear'] as const) {
        expect(decayFactor(kind, 0, floor)).toBe(1);
        expect(decayFactor(kind, 1, floor)).toBeCloseTo(floor, 15);
        expect(decayFactor(kind, -0.5, floor)).toBe(1);
        expect(decayFactor(kind, 2, floor)).toBeCloseTo(floor, 15);
      }
      for (const p of [0.1, 0.25, 0.5, 0.9]) {
        expect(decayFactor('cosine', p, floor)).toBeCloseTo(floor + ((1 - floor) * (1 + Math.cos(Math.PI * p))) / 2, 15);
        expect(decayFactor('linear', p, floor)).toBeCloseTo(1 - (1 - floor) * p, 15);
      }
      expect(decayFactor('cosine', 0.5, floor)).toBeCloseTo((1 + floor) / 2, 15);
    }
  });

  it('warm-up: update n of W runs at n / W of the rate, then the whole rate; W = 0 is none', () => {
    expect([1, 2, 4, 5, 9].map((n) => warmupFactor(n, 4))).toEqual([0.25, 0.5, 1, 1, 1]);
    expect(warmupFactor(1, 0)).toBe(1);
  });

  it('the default warm-up: 100 steps; a fine-tune a tenth of its length where shorter (rounded up), 100 when only the time is known', () => {
    const limits = [1, 2, 9, 10, 11, 60, 999, 1000, 1001, 20_000, Infinity];
    expect(limits.map((n) => defaultWarmup(n, true))).toEqual([1, 1, 1, 1, 2, 6, 100, 100, 100, 100, 100]);
    expect(limits.map((n) => defaultWarmup(n, false))).toEqual(limits.map(() => 100));
  });

  it('progress: by steps after update n of N, by epochs through the step limit, by time, the largest of several', () => {
    const bySteps = new Schedule(options({}), 10, 40); // 40 steps
    expect(bySteps.progress(0, 0)).toBe(1 / 40);
    expect(bySteps.progress(39, 0)).toBe(1);
    expect(bySteps.progress(79, 0)).toBe(1); // clamped
    const byTime = new Schedule(options({ timeMs: 1000 }), 10, Infinity);
    expect(byTime.progress(5, 250)).toBe(0.25);
    expect(byTime.progress(5, 5000)).toBe(1);
    expect(byTime.followsTime).toBe(true);
    const both = new Schedule(options({ timeMs: 1000 }), 10, 40);
    expect(both.progress(9, 100)).toBe(0.25); // steps ahead of the clock
    expect(both.progress(9, 600)).toBe(0.6); // the clock ahead of the steps
    expect(new Schedule(options({ schedule: 'char-rnn', timeMs: 1000 }), 10, 40).followsTime).toBe(false);
    expect(bySteps.followsTime).toBe(false);
  });

  it('rates: warm-up times decay; char-rnn is learningRate of the epoch whatever the limits', () => {
    const s = new Schedule(options({ lr: 0.01, warmup: 4, lrFloor: 0.2, schedule: 'linear' }), 5, 20);
    expect(s.rateAt(0, 0)).toBeCloseTo(0.01 * 0.25 * (1 - 0.8 * (1 / 20)), 15);
    expect(s.rateAt(9, 0)).toBeCloseTo(0.01 * (1 - 0.8 * 0.5), 15);
    expect(s.rateAt(19, 0)).toBeCloseTo(0.002, 15);
    const c = new Schedule(options({ schedule: 'char-rnn', lr: 0.01, lrDecay: 0.5, lrDecayAfter: 2 }), 5, 20);
    for (let step = 0; step < 20; step++) expect(c.rateAt(step, 1e9)).toBe(learningRate(0.01, Math.floor(step / 5), 0.5, 2));
  });
});

describe('the loop follows the schedule', () => {
  it('cosine by --steps: the reported rate is the schedule, warm-up first, the floor at the last step', async () => {
    const r = await run({ schedule: 'cosine', warmup: 4, lrFloor: 0.1, steps: 16, out: null });
    const expected = Array.from({ length: 16 }, (_, i) => 0.01 * Math.min(1, (i + 1) / 4) * decayFactor('cosine', (i + 1) / 16, 0.1));
    expect(r.lrs).toEqual(expected);
    expect(r.lrs.at(-1)).toBeCloseTo(0.001, 15);
  });

  it('linear by --epochs: the run of 3 epochs of 9 batches ends at the floor; default warm-up and floor are recorded', async () => {
    const out = join(dir, 'linear.safetensors');
    const r = await run({ schedule: 'linear', epochs: 3, out });
    expect(r.perEpoch).toBe(9);
    expect(r.lrs.length).toBe(27);
    expect(r.lrs[4]).toBeCloseTo(0.01 * (5 / 100) * (1 - 0.9 * (5 / 27)), 15); // warm-up of 100 (the default)
    expect(r.lrs.at(-1)).toBeCloseTo(0.01 * (27 / 100) * 0.1, 15);
    const training = loadCheckpoint(out).meta.training;
    expect([training.schedule, training.warmup, training.lrFloor]).toEqual(['linear', 100, 0.1]);
  });

  it("a fine-tune's default warm-up is a tenth of its length in steps; limited only by --time, 100 steps", async () => {
    const out = join(dir, 'linear.safetensors');
    const tuned = join(dir, 'tuned.safetensors');
    const r = await run({ schedule: 'linear', init: out, epochs: 3, out: tuned });
    expect(loadCheckpoint(tuned).meta.training.warmup).toBe(3); // 27 steps
    expect(r.lrs[1]).toBeCloseTo(0.01 * (2 / 3) * (1 - 0.9 * (2 / 27)), 15);
    expect(r.lrs[4]).toBeCloseTo(0.01 * (1 - 0.9 * (5 / 27)), 15);
    const timed = join(dir, 'tuned-timed.safetensors');
    await run({ schedule: 'cosine', init: out, timeMs: 300, out: timed });
    expect(loadCheckpoint(timed).meta.training.warmup).toBe(100);
  });

  for (const [name, limit] of [
    ['cosine, --steps', { schedule: 'cosine', warmup: 3, steps: 14 }],
    ['linear, --epochs', { schedule: 'linear', warmup: 2, lrFloor: 0, epochs: 3 }],
  ] as const) {
    it(`${name}: stopped at step 5 (as by Ctrl-C) and resumed = straight, bit for bit; no training time in the state`, async () => {
      const straight = await run({ ...limit, out: join(dir, `${name}-a.safetensors`) });
      const out = join(dir, `${name}-b.safetensors`);
      const first = await run({ ...limit, out }, 5);
      expect(first.result.stoppedBy).toBe('abort');
      expect(first.losses).toEqual(straight.losses.slice(0, 5));
      expect(loadCheckpoint(out, { trainState: true }).trainState!.json.train_ms).toBeUndefined();
      const resumed = await run({ resume: out, out });
      expect(resumed.lrs).toEqual(straight.lrs.slice(5));
      expect(resumed.losses).toEqual(straight.losses.slice(5));
      expect(resumed.params).toEqual(straight.params);
    });
  }

  it('cosine by --time: ends near the floor; the run keeps its training time and a resumed run decays from where it stopped to the new limit', async () => {
    const out = join(dir, 'timed.safetensors');
    // No evaluation but the last (an evaluation step that happened to end the run would save the clock before the limit).
    const first = await run({ schedule: 'cosine', warmup: 0, lrFloor: 0.1, timeMs: 1000, evalEvery: 1e9, out });
    expect(first.result.stoppedBy).toBe('time');
    expect(first.lrs.at(-1)!).toBeLessThan(0.01 * 0.15);
    for (let i = 1; i < first.lrs.length; i++) expect(first.lrs[i]).toBeLessThanOrEqual(first.lrs[i - 1]);
    const state = loadCheckpoint(out, { trainState: true }).trainState!.json;
    const trainMs = state.train_ms as number;
    expect(trainMs).toBeGreaterThanOrEqual(1000);
    // The limit counts the run's whole training time: 1500 ms leaves about 500 for this session.
    const more = await run({ resume: out, out, timeMs: 1500 });
    expect(more.notices.join('\n')).toMatch(/s of the run's time limit used/);
    expect(more.steps.at(-1)!.elapsedS).toBeLessThan(1.2);
    expect(more.lrs[0]).toBeLessThanOrEqual(0.01 * decayFactor('cosine', trainMs / 1500, 0.1) + 1e-12);
    expect(more.lrs.at(-1)!).toBeLessThan(0.01 * 0.15);
    expect(loadCheckpoint(out, { trainState: true }).trainState!.json.train_ms as number).toBeGreaterThan(trainMs);
  });
});

describe('options the schedule added', () => {
  it('a char-rnn run records none of them (its checkpoint is as before); a checkpoint without them resumes as char-rnn', async () => {
    const out = join(dir, 'plain.safetensors');
    await run({ steps: 3, schedule: 'char-rnn', out });
    const { meta, trainState } = loadCheckpoint(out, { trainState: true });
    for (const key of ['schedule', 'warmup', 'lrFloor']) expect(Object.hasOwn(meta.training, key)).toBe(false);
    expect(trainState!.json.train_ms).toBeUndefined();
    // The defaults are cosine now (issue 17's sweep): a record without the keys still means char-rnn.
    expect(TRAIN_DEFAULTS.schedule).toBe('cosine');
    const { options } = resumedOptions(meta.training, {});
    expect([options.schedule, options.warmup, options.lrFloor]).toEqual(['char-rnn', null, null]);
  });

  it('recordedOptions and absentMeans: legacy values are left out, others kept; recordedWhenSet means its default', () => {
    const table = {
      kind: choice('--kind <k>', 'a choice', 'new', ['old', 'new'], { legacy: 'old' }),
      count: optionalInt('--count <n>', 'a count', 0, 9, { legacy: null }),
      extra: optionalInt('--extra <n>', 'another', 0, 9, { recordedWhenSet: true }),
      plain: optionalInt('--plain <n>', 'one every record has', 0, 9),
    } satisfies OptionTable;
    expect(recordedOptions(table, { kind: 'old', count: null, extra: null, plain: null })).toEqual({ plain: null });
    expect(recordedOptions(table, { kind: 'new', count: 3, extra: 2, plain: 1 })).toEqual({ kind: 'new', count: 3, extra: 2, plain: 1 });
    expect(absentMeans(table.kind)).toEqual({ value: 'old' });
    expect(absentMeans(table.count)).toEqual({ value: null });
    expect(absentMeans(table.extra)).toEqual({ value: null });
    expect(absentMeans(table.plain)).toBeUndefined();
  });

  it('refuses options of another schedule (a new run), naming them as the library names them', async () => {
    await expect(run({ steps: 2, schedule: 'char-rnn', warmup: 10, out: null })).rejects.toThrow(UsageError);
    await expect(run({ steps: 2, schedule: 'char-rnn', lrFloor: 0.2, out: null })).rejects.toThrow(
      /lrFloor applies to the cosine and linear schedules/,
    );
    await expect(run({ steps: 2, lrDecay: 0.5, out: null })).rejects.toThrow(/lrDecay applies to the char-rnn/);
    await expect(run({ steps: 2, schedule: 'linear', lrDecayAfter: 1, out: null })).rejects.toThrow(/lrDecayAfter applies/);
    // The defaults of the other schedule's options are no choice: the library always has them.
    await expect(run({ ...TRAIN_DEFAULTS, ...BASE, steps: 2, out: null })).resolves.toBeTruthy();
    await expect(
      run({ ...TRAIN_DEFAULTS, ...BASE, steps: 2, schedule: 'char-rnn', warmup: null, lrFloor: null, out: null }),
    ).resolves.toBeTruthy();
  });
});
