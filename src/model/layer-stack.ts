/**
 * The walk up one direction's layer stack over a chunk, the one path behind training
 * (DirectionRunner) and inference (InferenceRunner): each layer's forward from its initial
 * state, what comes between two layers (dropout, in training), and each layer's final state
 * copied into the carried state for the next chunk.
 */
import type { Engine } from '../engine/engine.js';
import type { Cell } from '../nn/cell.js';
import type { LayerPass } from '../nn/layer.js';
import type { RecurrentState } from './recurrent-state.js';

/**
 * passes[k] is layer k's pass over the chunk (its input the output of the layer below, or what
 * `between` made of it). The final state goes to `carry` after each layer's forward, so a pass
 * may read its initial state from `carry` itself.
 */
export function runLayers(
  engine: Engine,
  cell: Cell,
  passes: readonly LayerPass[],
  carry: RecurrentState,
  between?: (k: number) => void,
): void {
  for (let k = 0; k < passes.length; k++) {
    const pass = passes[k];
    cell.forward(engine, pass);
    between?.(k);
    const { T, B, H } = pass.dims;
    const last = (T - 1) * B * H;
    engine.copy(carry.h[k], pass.cache.h, B * H, 0, last);
    if (cell.hasCellState) engine.copy(carry.c[k], pass.cache.c, B * H, 0, last);
  }
}
