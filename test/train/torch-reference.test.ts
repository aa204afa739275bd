// Reference test in the llm.c habit: charnn's losses for the first training steps equal
// PyTorch's for the same initial weights, the same batches and the same optimizer, for every
// cell (rnn, lstm, gru, bilstm) and both engines (js, wasm). Torch is an independent
// implementation of the whole training step: one-hot forward through nn.RNN / nn.LSTM / nn.GRU
// + nn.Linear, mean cross-entropy (bilstm: the mean of the two directions, the backward model
// on the reversed text), backward, truncated BPTT with the state carried between batches and
// reset at the epoch start (step 6 of 8, 5 batches per epoch), clip_grad_norm_ (set per cell so
// that it scales some steps and leaves others alone) and Adam. Step 1 checks forward, init and
// loss; step 2 backward, clipping and Adam; step 6 the reset at the epoch boundary.
//
// The fixture (corpus text, train() options, torch's losses and gradient norms) was generated
// with torch 1.13 (not needed in CI) by:
//
//     npx tsx scripts/reference-batches.ts /tmp/charnn-reference-batches.json
//     /usr/bin/python3 scripts/torch_reference_losses.py /tmp/charnn-reference-batches.json test/fixtures/torch-reference-losses.json
//
// The initial weights are not stored: train() regenerates them from the seed, and the first
// script wrote exactly those (initParams(config, new Rng(seed))) for torch to load.
//
// Tolerance: torch's own float32 run differs from its float64 run by at most 4.4e-7 nats on
// these losses (and 9e-8 relative on the gradient norms); charnn differed from torch float32 by
// at most 4.3e-7 (and from torch float64 by at most 6e-8). LOSS_TOL = 2e-6 is about 5x that
// float32 noise, while a real difference is far larger: no state reset at the epoch start moves
// step 6 by 8e-3 to 5e-2, no carried state at all moves step 2 by 4e-4 to 4e-3, no clipping
// moves later steps by 1e-4 to 2e-3.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { CellType } from '../../src/model/config.js';
import { setEngine } from '../../src/engine/default-engine.js';
import type { EngineName } from '../../src/engine/engine.js';
import { train, type TrainStart } from '../../src/train/loop.js';
import type { TrainOptions } from '../../src/train/train-options.js';
import { CHAR_RNN } from '../helpers/char-rnn.js';

interface CellReference {
  options: Partial<TrainOptions> & { cell: CellType; clip: number };
  vocab_size: number;
  batches_per_epoch: number;
  /** torch float32: the expected values. */
  losses: number[];
  grad_norms: number[];
  clipped_steps: number;
  losses_float64: number[];
}

interface Fixture {
  torch_version: string;
  corpus: string;
  K: number;
  cells: Record<CellType, CellReference>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch-reference-losses.json', import.meta.url), 'utf8')) as Fixture;

const LOSS_TOL = 2e-6; // nats, absolute
const NORM_TOL = 2e-6; // relative, on the global gradient norm before clipping

async function run(ref: CellReference, engine: EngineName) {
  setEngine(engine);
  const losses: number[] = [];
  const gradNorms: number[] = [];
  let start: TrainStart | null = null;
  await train(
    fixture.corpus,
    'torch-reference',
    { ...CHAR_RNN, ...ref.options },
    {
      onStart: (s) => (start = s),
      onStep: (r) => {
        losses.push(r.lossNats);
        gradNorms.push(r.gradNorm);
      },
    },
  );
  return { losses, gradNorms, start: start as TrainStart | null };
}

afterAll(() => setEngine('wasm'));

describe('training matches PyTorch step for step', () => {
  for (const cell of ['rnn', 'lstm', 'gru', 'bilstm'] as const) {
    const ref = fixture.cells[cell];

    it(`${cell}: the fixture exercises the epoch boundary and both branches of clipping`, () => {
      expect(ref.options.cell).toBe(cell);
      expect(ref.losses).toHaveLength(fixture.K);
      expect(fixture.K).toBeGreaterThan(ref.batches_per_epoch);
      expect(ref.clipped_steps).toBeGreaterThan(0);
      expect(ref.clipped_steps).toBeLessThan(fixture.K);
    });

    for (const engine of ['js', 'wasm'] as const) {
      it(`${cell} (${engine}): the ${fixture.K} losses and gradient norms equal torch ${fixture.torch_version}'s`, async () => {
        const got = await run(ref, engine);
        expect(got.start!.vocabSize).toBe(ref.vocab_size);
        expect(got.start!.plan.batchesPerEpoch).toBe(ref.batches_per_epoch);
        expect(got.losses).toHaveLength(fixture.K);
        for (let i = 0; i < fixture.K; i++) {
          const step = `step ${i + 1}`;
          expect(Math.abs(got.losses[i] - ref.losses[i]), `${step} loss ${got.losses[i]} vs torch ${ref.losses[i]}`).toBeLessThan(LOSS_TOL);
          expect(
            Math.abs(got.gradNorms[i] - ref.grad_norms[i]) / ref.grad_norms[i],
            `${step} grad norm ${got.gradNorms[i]} vs torch ${ref.grad_norms[i]}`,
          ).toBeLessThan(NORM_TOL);
        }
      });
    }
  }
});
