// Whole-model gradient check, float64 on the reference engine (JS64): for every cell (rnn, lstm,
// gru, bilstm) with 2 layers and non-zero biases, the gradient that Objective.step accumulates
// equals the central difference of Objective.step's loss for EVERY parameter tensor (relative
// error <= 1e-5 per tensor; docs/ARCHITECTURE.md, "Tested against the reference"). The checked
// chunk starts from a non-zero carried state (left by a first chunk), held fixed for every
// evaluation; the runner's dh0/dc0 are checked against the same state too. A second suite turns
// dropout on with a fixed mask (the same dropout seed for every evaluation) to check dropout's
// backward pass.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/engine/engine.js';
import { CharLM, directionViews } from '../../src/model/charlm.js';
import { directionsOf, type CellType, type ModelConfig } from '../../src/model/config.js';
import type { DropoutSpec } from '../../src/model/direction-runner.js';
import { Objective, type DirectionBatch } from '../../src/model/objective.js';
import { engineParams, hostParams, paramSpecs, totalSize, type ParamSet } from '../../src/model/param-set.js';
import { zeroState, type RecurrentState } from '../../src/model/recurrent-state.js';
import { Rng } from '../../src/util/rng.js';
import { floatsOf, JS64 } from '../helpers/cpu.js';
import { numericGradient, randomFill, relativeError } from '../helpers/gradcheck.js';

const V = 7,
  H = 5,
  L = 2,
  T = 4,
  B = 2;

/** A tensor's Float64Array, in place: perturbing it perturbs what the engine computes with. */
const f64 = (t: Tensor) => floatsOf(JS64, t) as Float64Array;

function randomIds(rng: Rng, n: number): Int32Array {
  return Int32Array.from({ length: n }, () => Math.floor(rng.next() * V));
}

function setup(cell: CellType, dropout: number, seed: number) {
  const config: ModelConfig = { cell, vocabSize: V, hidden: H, layers: L, dropout };
  const specs = paramSpecs(config);
  const rng = new Rng(seed);
  const rand = () => rng.next();
  // Non-trivial init: every weight and bias non-zero, large enough that the gates are not linear.
  const weights = hostParams(specs, randomFill(new Float64Array(totalSize(specs)), rand, 0.7));
  const model = new CharLM(config, weights, JS64);
  const objective = new Objective(model, T, B);
  const batch = (): DirectionBatch[] => model.directions.map(() => ({ x: randomIds(rng, T * B), y: randomIds(rng, T * B) }));
  const first = batch();
  const second = batch();
  return { config, model, objective, first, second };
}

/** dst = src, every layer's h and c. */
function copyState(dst: RecurrentState, src: RecurrentState): void {
  for (let k = 0; k < L; k++) {
    JS64.copy(dst.h[k], src.h[k], B * H);
    JS64.copy(dst.c[k], src.c[k], B * H);
  }
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function restore(objective: Objective, carried: RecurrentState[]): void {
  objective.states.forEach((s, d) => copyState(s, carried[d]));
}

for (const dropoutP of [0, 0.4]) {
  for (const cell of ['rnn', 'lstm', 'gru', 'bilstm'] as const) {
    describe(`whole-model gradients: ${cell}, ${L} layers, dropout ${dropoutP}`, () => {
      const { config, model, objective, first, second } = setup(cell, dropoutP, 11 + cell.length * 3 + dropoutP * 10);
      // The same dropout seed gives the same masks on every evaluation.
      const dropout = (): DropoutSpec | null => (dropoutP > 0 ? { p: dropoutP, seed: 777 } : null);
      const loss = () => {
        restore(objective, carried);
        return objective.step(second, T, B, dropout(), null);
      };

      const grads: ParamSet<Tensor> = engineParams(JS64, model.params.specs);
      let carried: RecurrentState[] = [];
      let lossWithGrad = NaN;
      beforeAll(async () => {
        // First chunk: leaves a non-zero carried state in objective.states.
        await objective.step(first, T, B, null, null);
        carried = objective.states.map((s) => {
          const copy = zeroState(JS64, L, B, H);
          copyState(copy, s);
          return copy;
        });
        restore(objective, carried);
        lossWithGrad = await objective.step(second, T, B, dropout(), grads);
      });

      it('the carried state is non-zero and step with grads returns the same loss as without', async () => {
        for (const s of carried) for (let k = 0; k < L; k++) expect(maxAbs(f64(s.h[k]))).toBeGreaterThan(0.05);
        if (cell === 'lstm' || cell === 'bilstm')
          for (const s of carried) for (let k = 0; k < L; k++) expect(maxAbs(f64(s.c[k]))).toBeGreaterThan(0.05);
        expect(await loss()).toBe(lossWithGrad);
      });

      if (dropoutP > 0) {
        it('the dropout mask actually zeroes activations (different seed -> different loss)', async () => {
          restore(objective, carried);
          const other = await objective.step(second, T, B, { p: dropoutP, seed: 778 }, null);
          restore(objective, carried);
          const none = await objective.step(second, T, B, null, null);
          expect(Math.abs(other - lossWithGrad)).toBeGreaterThan(1e-6);
          expect(Math.abs(none - lossWithGrad)).toBeGreaterThan(1e-6);
        });
      }

      for (const spec of model.params.specs) {
        it(`d loss / d ${spec.name} ${JSON.stringify(spec.shape)}`, async () => {
          const numeric = await numericGradient(loss, f64(model.params.get(spec.name)));
          expect(maxAbs(numeric)).toBeGreaterThan(1e-5); // not vacuous
          expect(relativeError(f64(grads.get(spec.name)), numeric)).toBeLessThanOrEqual(1e-5);
        });
      }

      // The runner's gradient w.r.t. the carried-in state (what truncated BPTT drops at the boundary).
      it('dh0 / dc0 of each runner match central differences w.r.t. the carried state', async () => {
        const directions = directionsOf(config.cell);
        for (let d = 0; d < directions.length; d++) {
          const direction = directions[d];
          // Analytic: one more step with gradients from the same carried state; each runner keeps
          // the dh0/dc0 of its own direction's backward.
          const runner = objective.runners[d];
          const scratch = engineParams(JS64, model.params.specs);
          restore(objective, carried);
          await objective.step(second, T, B, dropout(), scratch);
          const dh0 = runner.dh0.map((x) => f64(x).slice());
          const dc0 = runner.dc0.map((x) => f64(x).slice());
          for (let k = 0; k < L; k++) {
            const kinds: ('h' | 'c')[] = cell === 'lstm' || cell === 'bilstm' ? ['h', 'c'] : ['h'];
            for (const kind of kinds) {
              // Perturb one layer's carried-in h (or c) of direction d; everything else as carried.
              const probe = f64(carried[d][kind][k]).slice();
              const stateLoss = () => {
                restore(objective, carried);
                f64(objective.states[d][kind][k]).set(probe);
                return objective.step(second, T, B, dropout(), null);
              };
              const numeric = await numericGradient(stateLoss, probe);
              expect(maxAbs(numeric)).toBeGreaterThan(1e-5);
              expect(relativeError(kind === 'h' ? dh0[k] : dc0[k], numeric)).toBeLessThanOrEqual(1e-5);
            }
          }
          // A repeated backward from the same state into fresh buffers gives the same gradients.
          expect(f64(directionViews(scratch, config, direction).layers[0].wHh)).toEqual(
            f64(directionViews(grads, config, direction).layers[0].wHh),
          );
        }
      });
    });
  }
}
