// Exact resume: a run stopped at step k and resumed gives bit for bit the losses and final
// parameters of the run that never stopped (every cell; dropout on, so the generator state
// matters; across an epoch boundary, so the data position and the carried state matter; on one
// thread and on two, whose workers hold part of the carried state). Flags that may change on
// resume change (and are reported); others are refused; --steps counts from the start of the
// run; a best-model checkpoint, another corpus or another model size cannot be resumed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CharnnError, UsageError } from '../../src/errors.js';
import { bestPathOf, train } from '../../src/train/loop.js';
import type { TrainOptions } from '../../src/train/train-options.js';
import { CHAR_RNN } from '../helpers/char-rnn.js';

const LINES = ['the cat sat on the mat', 'a dog ran to the park', 'we sing and we dance', 'it rains in the spring'];
const TEXT = Array.from({ length: 4 }, () => LINES.join('\n') + '\n').join('');
const dir = mkdtempSync(join(tmpdir(), 'charnn-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE: Partial<TrainOptions> = {
  ...CHAR_RNN,
  hidden: 12,
  layers: 2,
  batch: 4,
  seq: 8,
  lr: 1e-2,
  seed: 7,
  evalEvery: 1000,
  dropout: 0.2,
};

async function run(options: Partial<TrainOptions>, text = TEXT) {
  const losses: number[] = [];
  const notices: string[] = [];
  let threads = 0;
  const result = await train(
    text,
    'tiny',
    { ...BASE, ...options },
    {
      onStart: (s) => (threads = s.threads),
      onStep: (r) => losses.push(r.lossNats),
      onNotice: (m) => notices.push(m),
    },
  );
  return { losses, notices, result, threads, params: Array.from((await result.model.hostWeights()).data) };
}

describe('resume is exact', () => {
  const cases: [string, number][] = (['rnn', 'lstm', 'gru', 'bilstm'] as const).flatMap(
    (cell) =>
      [
        [cell, 1],
        [cell, 2],
      ] as [string, number][],
  );
  for (const [cell, threads] of cases) {
    it(`${cell}, ${threads} thread(s): stopped at step 5 and resumed to 14 = 14 steps straight`, async () => {
      const opts = { cell: cell as TrainOptions['cell'], threads };
      const straight = await run({ ...opts, steps: 14, out: join(dir, `${cell}${threads}-a.safetensors`) });
      expect(straight.result.epoch).toBeGreaterThan(1); // an epoch boundary is crossed after the stop
      const out = join(dir, `${cell}${threads}-b.safetensors`);
      const first = await run({ ...opts, steps: 5, out });
      expect(first.losses).toEqual(straight.losses.slice(0, 5));
      const resumed = await run({ steps: 14, threads, resume: out, out });
      expect([straight.threads, first.threads, resumed.threads]).toEqual([threads, threads, threads]);
      expect(resumed.notices.some((n) => n.includes('resuming') && n.includes('at step 5'))).toBe(true);
      expect(resumed.losses).toEqual(straight.losses.slice(5));
      expect(resumed.params).toEqual(straight.params);
      expect(resumed.result.steps).toBe(14);
    });
  }
});

describe('resume rules', () => {
  const out = join(dir, 'rules.safetensors');

  it('--steps counts from the start of the run; a changed --lr is used and reported', async () => {
    await run({ steps: 5, out });
    const more = await run({ steps: 7, lr: 5e-3, resume: out, out: join(dir, 'rules-2.safetensors') });
    expect(more.losses.length).toBe(2);
    expect(more.notices.join(' ')).toMatch(/--lr 0\.005 \(was 0\.01\)/);
    expect(more.result.steps).toBe(7);
  });

  it('refuses other flags that differ from the checkpoint, naming them', async () => {
    await expect(run({ steps: 9, hidden: 16, resume: out })).rejects.toThrow(UsageError);
    await expect(run({ steps: 9, hidden: 16, resume: out })).rejects.toThrow(/--hidden 16 \(the checkpoint has 12\)/);
    await expect(run({ steps: 9, cell: 'gru', resume: out })).rejects.toThrow(/--cell gru/);
    // The same value as the checkpoint's is not a change.
    await expect(run({ steps: 6, hidden: 12, resume: out, out: join(dir, 'rules-3.safetensors') })).resolves.toBeTruthy();
  });

  it('refuses another corpus (a different vocabulary, or the same one with other text)', async () => {
    await expect(run({ steps: 9, resume: out }, TEXT.replace(/c/g, 'q'))).rejects.toThrow(/vocabulary differs/);
    await expect(run({ steps: 9, resume: out }, TEXT + TEXT)).rejects.toThrow(/training text has/);
  });

  it('refuses a best-model checkpoint (it has no training state)', async () => {
    const best = bestPathOf(out);
    await expect(run({ steps: 9, resume: best })).rejects.toThrow(CharnnError);
    await expect(run({ steps: 9, resume: best })).rejects.toThrow(/no training state/);
  });
});
