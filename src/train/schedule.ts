/**
 * Learning-rate schedules (`--schedule`):
 *
 *   char-rnn  as char-rnn: --lr for the first --lr-decay-after epochs, then multiplied by
 *             --lr-decay at the start of every later epoch. No warm-up; the run's length plays
 *             no part.
 *   cosine    a linear warm-up over --warmup updates, times a decay from 1 to --lr-floor that
 *   linear    ends exactly as the run does: cosine floor + (1 - floor)(1 + cos(pi p)) / 2,
 *             linear 1 - (1 - floor) p, where p in [0, 1] is how far the run has got: after
 *             update n (1-based) of a run of N steps (--steps, or --epochs x batches per epoch:
 *             the smaller) p = n / N; with --time, the training time so far over the time limit;
 *             with several limits the largest of these.
 *
 * The exported PyTorch trainer computes the same (templates/torch/objective.py).
 */

export const SCHEDULES = ['char-rnn', 'cosine', 'linear'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/** cosine and linear, when --warmup and --lr-floor are not given (the warm-up: defaultWarmup). */
export const DEFAULT_WARMUP = 100;
export const DEFAULT_LR_FLOOR = 0.1;

/**
 * --warmup when not given, for a run of at most `stepLimit` steps (Infinity when only --time
 * limits it): 100 steps; a fine-tuning run (from a trained model) a tenth of its length where
 * that is shorter. Measured (BENCHMARKS.md): from trained weights the short warm-up wins (60
 * steps: 2.73 nats against 4.40, whose rate never reached --lr; 300 steps: 1.97 against 2.04);
 * from fresh weights at --lr 1e-2 the long one does (300 steps: better on 3 seeds of 3).
 */
export function defaultWarmup(stepLimit: number, fineTuning: boolean): number {
  return fineTuning && Number.isFinite(stepLimit) ? Math.min(DEFAULT_WARMUP, Math.ceil(stepLimit / 10)) : DEFAULT_WARMUP;
}

/**
 * char-rnn's schedule: constant for the first `decayAfter` epochs, then multiplied by `decay`
 * at the start of every later epoch.
 */
export function learningRate(base: number, epoch: number, decay: number, decayAfter: number): number {
  // epoch is 0-based: epochs 0 .. decayAfter-1 run at the base rate, epoch decayAfter at base * decay.
  const decayedEpochs = Math.max(0, epoch - decayAfter + 1);
  return base * decay ** decayedEpochs;
}

/** The decay of cosine and linear at progress p (clamped to [0, 1]): 1 at the start, floor at the end. */
export function decayFactor(schedule: 'cosine' | 'linear', p: number, floor: number): number {
  const q = Math.min(1, Math.max(0, p));
  return schedule === 'cosine' ? floor + ((1 - floor) * (1 + Math.cos(Math.PI * q))) / 2 : 1 - (1 - floor) * q;
}

/** The warm-up factor of update n (1-based): n / warmup up to 1; 1 without a warm-up. */
export function warmupFactor(n: number, warmup: number): number {
  return warmup > 0 ? Math.min(1, n / warmup) : 1;
}

/** The options a schedule reads (TrainOptions' fields, warmup and lrFloor resolved). */
export interface ScheduleOptions {
  schedule: ScheduleName;
  lr: number;
  lrDecay: number;
  lrDecayAfter: number;
  warmup: number | null;
  lrFloor: number | null;
  timeMs: number | null;
}

/** A run's schedule: the learning rate of each update. */
export class Schedule {
  constructor(
    private readonly o: ScheduleOptions,
    private readonly batchesPerEpoch: number,
    /** Steps the run takes at most (--steps, --epochs): Infinity when only --time limits it. */
    private readonly stepLimit: number,
  ) {}

  /** True when the learning rate depends on the clock: cosine or linear with a time limit. */
  get followsTime(): boolean {
    return this.o.schedule !== 'char-rnn' && this.o.timeMs !== null;
  }

  /** How far the run is after update `step + 1`, with `trainMs` of training time behind it (0 to 1). */
  progress(step: number, trainMs: number): number {
    const bySteps = Number.isFinite(this.stepLimit) ? (step + 1) / this.stepLimit : 0;
    const byTime = this.o.timeMs !== null ? trainMs / this.o.timeMs : 0;
    return Math.min(1, Math.max(0, bySteps, byTime));
  }

  /** The learning rate of the update at 0-based `step` (before any halving after a bad step). */
  rateAt(step: number, trainMs: number): number {
    const o = this.o;
    if (o.schedule === 'char-rnn') return learningRate(o.lr, Math.floor(step / this.batchesPerEpoch), o.lrDecay, o.lrDecayAfter);
    const p = this.progress(step, trainMs);
    return o.lr * warmupFactor(step + 1, o.warmup ?? DEFAULT_WARMUP) * decayFactor(o.schedule, p, o.lrFloor ?? DEFAULT_LR_FLOOR);
  }
}
