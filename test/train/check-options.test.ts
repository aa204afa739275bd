// train() as a library checks its options against the ranges the CLI's flags have (one table,
// src/train/train-options.ts, checked by src/train/check-options.ts): a bad value is a
// UsageError naming the option (by its library name), before any work, instead of a crash or an
// out-of-memory inside the run.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { TRAIN_RANGES, checkTrainOptions, inRange } from '../../src/train/check-options.js';
import { train } from '../../src/train/loop.js';
import { TRAIN_DEFAULTS, type TrainOptions } from '../../src/train/train-options.js';

const TEXT = 'the cat sat on the mat.\nthe dog sat on the log.\n'.repeat(20);
const tiny: Partial<TrainOptions> = { hidden: 8, layers: 1, batch: 4, seq: 8, steps: 1, out: null, threads: 1 };

describe('train options', () => {
  it.each([
    [{ hidden: 0 }, /^train option hidden is 0: expected an integer from 1 up$/],
    [{ hidden: 2.5 }, /option hidden is 2\.5: expected an integer/],
    [{ lr: Number.NaN }, /^train option lr is NaN: expected a number from 0 up \(0 excluded\)$/],
    [{ lr: 0 }, /option lr is 0/],
    [{ valFrac: 1 }, /option valFrac is 1: expected a number from 0 to 1 \(1 excluded\)/],
    [{ dropout: 1 }, /option dropout is 1: expected a number from 0 to 1 \(1 excluded\)$/],
    [{ threads: 0 }, /option threads is 0/],
    [{ steps: -1 }, /option steps is -1/],
    [{ seed: 2 ** 32 }, /option seed is 4294967296/],
    [{ cell: 'transformer' as never }, /^train option cell is "transformer": expected one of rnn, lstm, gru, bilstm$/],
    [{ optimizer: 'lion' as never }, /option optimizer is "lion": expected one of adam, rmsprop, sgd$/],
    [{ hidden: 4096, layers: 16 }, /is a model of [\d,]+ parameters; at most 50,000,000/],
    [{ batch: 100_000, seq: 100_000 }, /activations per step; at most/],
  ])('%o is a usage error naming it, before any work', async (bad, message) => {
    const run = train(TEXT, 'tiny', { ...tiny, ...bad });
    await expect(run).rejects.toThrow(UsageError);
    await expect(train(TEXT, 'tiny', { ...tiny, ...bad })).rejects.toThrow(message);
  });

  it('bounds that only guard the command line are open to the library; 0 steps builds a model and trains nothing', async () => {
    expect(() => checkTrainOptions({ ...TRAIN_DEFAULTS, epochs: 10, lr: 100, minCount: 2e9 })).not.toThrow();
    const none = await train(TEXT, 'tiny', { ...tiny, steps: 0 });
    expect(none.steps).toBe(0);
  });

  it('the defaults and the ends of every range are accepted', () => {
    expect(() => checkTrainOptions({ ...TRAIN_DEFAULTS, epochs: 10 })).not.toThrow();
    for (const [name, r] of Object.entries(TRAIN_RANGES)) {
      if (!r.minExclusive) expect(inRange(r.min, r), `${name} min`).toBe(true);
      if (!r.maxExclusive) expect(inRange(r.max, r), `${name} max`).toBe(true);
      expect(inRange(r.max + 1, r), `${name} above`).toBe(false);
      expect(inRange(r.min - 1, r), `${name} below`).toBe(false);
    }
  });

  it('a good run still trains', async () => {
    const result = await train(TEXT, 'tiny', tiny);
    expect(result.steps).toBe(1);
  });
});
