// Numerical gradient checks of every cell: every parameter tensor and every input (x, h0, c0),
// in float64, with non-zero biases and a random upstream gradient on every output h_t.
import { describe, expect, it } from 'vitest';
import { CELL_KERNELS } from '../../src/nn/cells.js';
import type { LayerInput, LayerWeights } from '../../src/nn/layer.js';
import { Rng } from '../../src/util/rng.js';
import { numericGradient, randomFill, relativeError } from '../helpers/gradcheck.js';

const T = 4, B = 3, H = 5;

for (const name of ['rnn', 'lstm', 'gru'] as const) {
  const cell = CELL_KERNELS[name];
  const G = cell.gates;

  for (const inputKind of ['dense', 'ids'] as const) {
    describe(`${name} cell gradients (${inputKind} input)`, () => {
      const rng = new Rng(name.length * 7 + (inputKind === 'ids' ? 1 : 0));
      const rand = () => rng.next();
      const D = inputKind === 'dense' ? 6 : 7;
      const w: LayerWeights<Float64Array> = {
        wIh: randomFill(new Float64Array(G * H * D), rand, 0.6),
        wHh: randomFill(new Float64Array(G * H * H), rand, 0.6),
        bIh: randomFill(new Float64Array(G * H), rand, 0.5),
        bHh: randomFill(new Float64Array(G * H), rand, 0.5),
      };
      const x = randomFill(new Float64Array(T * B * D), rand);
      const ids = Int32Array.from({ length: T * B }, () => Math.floor(rand() * D));
      const input: LayerInput<Float64Array> = inputKind === 'dense' ? { x } : { ids };
      const h0 = randomFill(new Float64Array(B * H), rand, 0.5);
      const c0 = randomFill(new Float64Array(B * H), rand, 0.5);
      const upstream = randomFill(new Float64Array(T * B * H), rand);
      const dims = { T, B, H, D };
      const cache = cell.createCache<Float64Array>(Float64Array, T * B, B, H);

      // The scalar being differentiated: sum over t of <upstream_t, h_t>.
      const loss = () => {
        cell.forward(cache, input, w, h0, c0, dims);
        let s = 0;
        for (let i = 0; i < T * B * H; i++) s += upstream[i] * cache.h[i];
        return s;
      };

      loss();
      const dw: LayerWeights<Float64Array> = {
        wIh: new Float64Array(w.wIh.length),
        wHh: new Float64Array(w.wHh.length),
        bIh: new Float64Array(w.bIh.length),
        bHh: new Float64Array(w.bHh.length),
      };
      const dx = new Float64Array(x.length);
      const dh0 = new Float64Array(B * H);
      const dc0 = new Float64Array(B * H);
      cell.backward(dw, inputKind === 'dense' ? dx : null, dh0, dc0, upstream, cache, input, w, h0, c0, dims);

      const checks: [string, Float64Array, Float64Array][] = [
        ['weight_ih', w.wIh, dw.wIh],
        ['weight_hh', w.wHh, dw.wHh],
        ['bias_ih', w.bIh, dw.bIh],
        ['bias_hh', w.bHh, dw.bHh],
        ['h0', h0, dh0],
      ];
      if (inputKind === 'dense') checks.push(['x', x, dx]);
      if (cell.hasCellState) checks.push(['c0', c0, dc0]);

      for (const [label, buf, analytic] of checks) {
        it(`d loss / d ${label}`, () => {
          const numeric = numericGradient(loss, buf);
          expect(Math.max(...numeric.map(Math.abs))).toBeGreaterThan(1e-4); // the check is not vacuous
          expect(relativeError(analytic, numeric)).toBeLessThan(1e-6);
        });
      }
    });
  }
}
