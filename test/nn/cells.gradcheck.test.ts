// Numerical gradient checks of every cell (src/nn/{rnn,lstm,gru}.ts, the time loops of the
// reference engine, src/engine/js/*-loop.ts): every parameter tensor and every input (x, h0, c0),
// in float64 on JS64, with non-zero biases and a random upstream gradient on every output h_t.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/engine/engine.js';
import { CELL_KERNELS } from '../../src/nn/cells.js';
import type { LayerInput, LayerPass, LayerWeights } from '../../src/nn/layer.js';
import { Rng } from '../../src/util/rng.js';
import { floatsOf, JS64 } from '../helpers/cpu.js';
import { numericGradient, randomFill, relativeError } from '../helpers/gradcheck.js';

const T = 4,
  B = 3,
  H = 5;

/** A tensor's Float64Array, in place: perturbing it perturbs what the engine computes with. */
const f64 = (t: Tensor) => floatsOf(JS64, t) as Float64Array;

for (const name of ['rnn', 'lstm', 'gru'] as const) {
  const cell = CELL_KERNELS[name];
  const G = cell.gates;

  for (const inputKind of ['dense', 'ids'] as const) {
    describe(`${name} cell gradients (${inputKind} input)`, () => {
      const rng = new Rng(name.length * 7 + (inputKind === 'ids' ? 1 : 0));
      const rand = () => rng.next();
      const D = inputKind === 'dense' ? 6 : 7;
      /** A tensor of n random values in [-scale, scale). */
      const random = (n: number, scale = 1) => {
        const t = JS64.zeros(n);
        randomFill(f64(t), rand, scale);
        return t;
      };
      const w: LayerWeights = {
        wIh: random(G * H * D, 0.6),
        wHh: random(G * H * H, 0.6),
        bIh: random(G * H, 0.5),
        bHh: random(G * H, 0.5),
      };
      const x = random(T * B * D);
      const ids = Int32Array.from({ length: T * B }, () => Math.floor(rand() * D));
      const input: LayerInput = inputKind === 'dense' ? { x } : { ids };
      const h0 = random(B * H, 0.5);
      const c0 = random(B * H, 0.5);
      const upstream = random(T * B * H);
      const dims = { T, B, H, D };
      const cache = cell.createCache(JS64, T * B, B, H);
      const pass: LayerPass = { cache, input, w, h0, c0, dims };

      // The scalar being differentiated: sum over t of <upstream_t, h_t>.
      const loss = () => {
        cell.forward(JS64, pass);
        const h = f64(cache.h);
        const u = f64(upstream);
        let s = 0;
        for (let i = 0; i < T * B * H; i++) s += u[i] * h[i];
        return s;
      };

      loss();
      const dw: LayerWeights = {
        wIh: JS64.zeros(G * H * D),
        wHh: JS64.zeros(G * H * H),
        bIh: JS64.zeros(G * H),
        bHh: JS64.zeros(G * H),
      };
      const dx = JS64.zeros(T * B * D);
      const dh0 = JS64.zeros(B * H);
      const dc0 = JS64.zeros(B * H);
      cell.backward(JS64, pass, { dw, dx: inputKind === 'dense' ? dx : null, dh: upstream, dh0, dc0 });

      const checks: [string, Tensor, Tensor][] = [
        ['weight_ih', w.wIh, dw.wIh],
        ['weight_hh', w.wHh, dw.wHh],
        ['bias_ih', w.bIh, dw.bIh],
        ['bias_hh', w.bHh, dw.bHh],
        ['h0', h0, dh0],
      ];
      if (inputKind === 'dense') checks.push(['x', x, dx]);
      if (cell.hasCellState) checks.push(['c0', c0, dc0]);

      for (const [label, buf, analytic] of checks) {
        it(`d loss / d ${label}`, async () => {
          const numeric = await numericGradient(loss, f64(buf));
          expect(Math.max(...numeric.map(Math.abs))).toBeGreaterThan(1e-4); // the check is not vacuous
          expect(relativeError(f64(analytic), numeric)).toBeLessThan(1e-6);
        });
      }
    });
  }
}
