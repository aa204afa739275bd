// The webgpu engine's time loops (src/engine/webgpu/cell-loops.ts, wgsl/cell-kernels.ts) against
// the js reference engine's (src/engine/js/{rnn,lstm,gru}-loop.ts), each driven through the
// layer code the model runs (src/nn/: input projection, time loop, weight gradients): forward
// and backward of a random problem, every output compared, in both forms of the products.
//
// Legend: T steps, B streams, H hidden, D input width, G gates (rnn 1, lstm 4, gru 3).
import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../../src/engine/engine.js';
import type { ProductForm } from '../../../src/engine/webgpu/dispatcher.js';
import { CELL_KERNELS } from '../../../src/nn/cells.js';
import type { LayerCache, LayerGrads, LayerInput, LayerPass, LayerWeights } from '../../../src/nn/layer.js';
import { Rng } from '../../../src/util/rng.js';
import { JS32 } from '../../helpers/cpu.js';
import { gpuOrSkip } from '../../helpers/webgpu.js';

type CellName = 'rnn' | 'lstm' | 'gru';

interface Shape {
  T: number;
  B: number;
  H: number;
  D: number;
}

// T = 1 and B = 1 (sampling), H = 1, H not a multiple of anything, B x H past a 64-thread
// workgroup, and G x H past a 16-wide tile.
const SHAPES: Shape[] = [
  { T: 1, B: 1, H: 5, D: 7 },
  { T: 4, B: 3, H: 1, D: 3 },
  { T: 5, B: 3, H: 13, D: 13 },
  { T: 3, B: 7, H: 20, D: 9 },
];

/** A cell's whole problem in one engine's tensors. */
interface Setup {
  engine: Engine;
  w: LayerWeights;
  input: LayerInput;
  h0: Tensor;
  c0: Tensor;
  dh: Tensor;
  cache: LayerCache;
  dw: LayerWeights;
  dx: Tensor | null;
  dh0: Tensor;
  dc0: Tensor;
}

/** The same seeded random problem in `engine`'s tensors. Non-zero biases, h0 and c0. */
function makeSetup(name: CellName, s: Shape, dense: boolean, engine: Engine): Setup {
  const cell = CELL_KERNELS[name];
  const G = cell.gates;
  const { T, B, H, D } = s;
  const rng = new Rng(1000 * T + 100 * B + H + (dense ? 7 : 0));
  const rand = (n: number, scale: number) => {
    const t = engine.zeros(n);
    engine.write(
      t,
      Float32Array.from({ length: n }, () => rng.uniform(-scale, scale)),
    );
    return t;
  };
  const w: LayerWeights = {
    wIh: rand(G * H * D, dense ? 1.5 / Math.sqrt(D) : 1),
    wHh: rand(G * H * H, 1.5 / Math.sqrt(H)),
    bIh: rand(G * H, 0.5),
    bHh: rand(G * H, 0.5),
  };
  const input: LayerInput = dense
    ? { x: rand(T * B * D, 1) }
    : { ids: Int32Array.from({ length: T * B }, () => Math.floor(rng.uniform(0, D))) };
  const grad = (n: number) => engine.zeros(n);
  return {
    engine,
    w,
    input,
    h0: rand(B * H, 0.8),
    c0: rand(B * H, 0.8),
    dh: rand(T * B * H, 1),
    cache: cell.createCache(engine, T * B, B, H),
    dw: { wIh: grad(G * H * D), wHh: grad(G * H * H), bIh: grad(G * H), bHh: grad(G * H) },
    dx: dense ? grad(T * B * D) : null,
    dh0: rand(B * H, 1), // overwritten by backward: garbage here must not leak through
    dc0: rand(B * H, 1),
  };
}

function run(name: CellName, s: Shape, st: Setup): void {
  const cell = CELL_KERNELS[name];
  const pass: LayerPass = { cache: st.cache, input: st.input, w: st.w, h0: st.h0, c0: st.c0, dims: s };
  const grads: LayerGrads = { dw: st.dw, dx: st.dx, dh: st.dh, dh0: st.dh0, dc0: st.dc0 };
  cell.forward(st.engine, pass);
  cell.backward(st.engine, pass, grads);
}

/** The outputs worth comparing, each with how many of its floats are defined. */
function outputs(name: CellName, s: Shape, st: Setup): [string, Tensor, number][] {
  const { T, B, H } = s;
  const G = CELL_KERNELS[name].gates;
  const rows = T * B;
  const size = (t: Tensor) => st.engine.size(t);
  const list: [string, Tensor, number][] = [
    ['h', st.cache.h, rows * H],
    ['gates', st.cache.gates, rows * G * H],
    ['dGates', st.cache.dGates, rows * G * H],
    ['dW_ih', st.dw.wIh, size(st.dw.wIh)],
    ['dW_hh', st.dw.wHh, size(st.dw.wHh)],
    ['db_ih', st.dw.bIh, size(st.dw.bIh)],
    ['db_hh', st.dw.bHh, size(st.dw.bHh)],
    ['dh0', st.dh0, B * H],
  ];
  if (st.dx) list.push(['dx', st.dx, size(st.dx)]);
  if (name === 'lstm') list.push(['c', st.cache.c, rows * H], ['dc0', st.dc0, B * H]);
  if (name !== 'rnn') list.push(['aux', st.cache.aux, rows * H]);
  if (name === 'gru') list.push(['dGatesH', st.cache.dGatesH, rows * G * H]);
  return list;
}

async function values(engine: Engine, t: Tensor, n: number): Promise<Float32Array> {
  const out = new Float32Array(n);
  await engine.read(t, out, 0, n);
  return out;
}

/** max |got - want| / max(1, max |want|) (as the wasm engine's cell tests measure). */
function scaledError(got: Float32Array, want: Float32Array): number {
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= worst)) worst = e; // NaN becomes the worst
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return worst / scale;
}

/** The wasm engine's cells meet 1e-5 against the reference; the GPU's, with products in another order, the same. */
const CELL_TOL = 1e-5;

for (const form of ['direct', 'tiled'] as ProductForm[]) {
  describe(`webgpu time loops (${form} products) agree with the reference`, () => {
    for (const name of ['rnn', 'lstm', 'gru'] as const) {
      // The tiled form on the shapes that cross tiles; every shape in the direct form.
      const shapes = form === 'tiled' ? SHAPES.slice(2) : SHAPES;
      for (const s of shapes) {
        for (const dense of s.T === 5 ? [true, false] : [true]) {
          it(`${name} T=${s.T} B=${s.B} H=${s.H}${dense ? '' : ' (ids input)'}: forward and backward`, async (ctx) => {
            const gpu = await gpuOrSkip(ctx, form);
            const ref = makeSetup(name, s, dense, JS32);
            run(name, s, ref);
            const got = makeSetup(name, s, dense, gpu);
            run(name, s, got);
            const want = outputs(name, s, ref);
            const errors: Record<string, number> = {};
            for (const [i, [label, t, n]] of outputs(name, s, got).entries()) {
              const w = await values(JS32, want[i][1], n);
              errors[label] = scaledError(await values(gpu, t, n), w);
              // Not vacuous: the reference produced something.
              expect(Math.max(...w.map(Math.abs)), `${label} is all zero`).toBeGreaterThan(1e-3);
            }
            for (const [label, e] of Object.entries(errors)) expect(e, `${label}: ${JSON.stringify(errors)}`).toBeLessThan(CELL_TOL);
          });
        }
      }
    }
  });
}

describe('webgpu time loops refuse what does not fit', () => {
  it('a cache or state shorter than the dimensions: a RangeError before anything is recorded', async (ctx) => {
    const gpu = await gpuOrSkip(ctx);
    const s: Shape = { T: 3, B: 2, H: 4, D: 3 };
    const st = makeSetup('lstm', s, true, gpu);
    const loop = { cache: st.cache, w: st.w, h0: st.h0, c0: st.c0, dims: { T: 4, B: 2, H: 4 } };
    expect(() => gpu.lstmForward(loop)).toThrow(/lstmForward: a tensor of 96 where 128 are needed/);
    expect(() => gpu.gruForward({ ...loop, dims: { T: 3, B: 3, H: 4 } })).toThrow(/gruForward: a tensor of 96 where 108 are needed/);
    const short = gpu.view(st.h0, 0, 7);
    expect(() => gpu.rnnForward({ ...loop, h0: short, dims: { T: 1, B: 2, H: 4 } })).toThrow(RangeError);
  });
});
