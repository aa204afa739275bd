/**
 * One recurrent layer with random weights, inputs and upstream gradient, ready to run forward
 * and backward through the Cell API on the current engine (bench/kernels.ts, layer-best.ts).
 * Legend: T steps, B streams, H hidden, D input width, G gates.
 */
import { allocFloats } from '../../src/tensor/backend.js';
import { CELL_KERNELS } from '../../src/nn/cells.js';
import type { CellName } from '../../src/nn/cell.js';

export interface LayerRun {
  forward(): void;
  backward(): void;
}

/** `fill` sets a fresh buffer to random values and returns it. */
export function layerRun(name: CellName, T: number, B: number, H: number, D: number, fill: (x: Float32Array) => Float32Array): LayerRun {
  const cell = CELL_KERNELS[name];
  const G = cell.gates;
  const dims = { T, B, H, D };
  const w = { wIh: fill(allocFloats(G * H * D)), wHh: fill(allocFloats(G * H * H)), bIh: fill(allocFloats(G * H)), bHh: fill(allocFloats(G * H)) };
  const dw = { wIh: allocFloats(G * H * D), wHh: allocFloats(G * H * H), bIh: allocFloats(G * H), bHh: allocFloats(G * H) };
  const input = { x: fill(allocFloats(T * B * D)) };
  const h0 = fill(allocFloats(B * H)), c0 = fill(allocFloats(B * H)), dh = fill(allocFloats(T * B * H));
  const dx = allocFloats(T * B * D), dh0 = allocFloats(B * H), dc0 = allocFloats(B * H);
  const cache = cell.createCache<Float32Array>(Float32Array, T * B, B, H);
  return {
    forward: () => cell.forward(cache, input, w, h0, c0, dims),
    backward: () => cell.backward(dw, dx, dh0, dc0, dh, cache, input, w, h0, c0, dims),
  };
}
