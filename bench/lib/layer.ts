/**
 * One recurrent layer with random weights, inputs and upstream gradient, ready to run forward
 * and backward through the Cell API on an engine (bench/kernels.ts, layer-best.ts).
 * Legend: T steps, B streams, H hidden, D input width, G gates.
 */
import type { Engine, Tensor } from '../../src/engine/engine.js';
import { CELL_KERNELS } from '../../src/nn/cells.js';
import type { CellName } from '../../src/nn/cell.js';
import type { LayerGrads, LayerPass } from '../../src/nn/layer.js';

export interface LayerRun {
  forward(): void;
  backward(): void;
}

/** `fill` sets a fresh host buffer to random values and returns it; it is copied into the engine. */
export function layerRun(
  engine: Engine,
  name: CellName,
  T: number,
  B: number,
  H: number,
  D: number,
  fill: (x: Float32Array) => Float32Array,
): LayerRun {
  const cell = CELL_KERNELS[name];
  const G = cell.gates;
  const random = (n: number): Tensor => {
    const t = engine.zeros(n);
    engine.write(t, fill(new Float32Array(n)));
    return t;
  };
  const zeros = (n: number): Tensor => engine.zeros(n);
  // Filled in the order the random values were always drawn in.
  const w = { wIh: random(G * H * D), wHh: random(G * H * H), bIh: random(G * H), bHh: random(G * H) };
  const dw = { wIh: zeros(G * H * D), wHh: zeros(G * H * H), bIh: zeros(G * H), bHh: zeros(G * H) };
  const x = random(T * B * D);
  const h0 = random(B * H),
    c0 = random(B * H),
    dh = random(T * B * H);
  const pass: LayerPass = { cache: cell.createCache(engine, T * B, B, H), input: { x }, w, h0, c0, dims: { T, B, H, D } };
  const grads: LayerGrads = { dw, dx: zeros(T * B * D), dh, dh0: zeros(B * H), dc0: zeros(B * H) };
  return {
    forward: () => cell.forward(engine, pass),
    backward: () => cell.backward(engine, pass, grads),
  };
}
