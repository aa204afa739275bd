/**
 * The GRU layer (PyTorch's definition and gate order r, z, n, h' = (1 - z) * n + z * h; the
 * equations are beside the reference time loops in src/engine/js/gru-loop.ts). The hidden-side
 * bias b_hn is multiplied by r, so b_hh stays inside the time loop; aux keeps W_hn h + b_hn and
 * the backward pass has two gate gradients (dGates, dGatesH).
 */
import type { Engine } from '../engine/engine.js';
import type { Cell } from './cell.js';
import { accumulateWeightGrads, backwardLoop, createLayerCache, projectInput, type LayerGrads, type LayerPass } from './layer.js';

const G = 3;

export const gruCell: Cell = {
  gates: G,
  hasCellState: false,

  createCache(engine, rows, B, H, forwardOnly = false) {
    return createLayerCache(engine, { G, cellState: false, aux: true, hiddenGrad: true }, rows, B, H, forwardOnly);
  },

  forward(engine: Engine, pass: LayerPass): void {
    projectInput(engine, pass, G);
    engine.gruForward(pass);
  },

  backward(engine: Engine, pass: LayerPass, grads: LayerGrads): void {
    engine.gruBackward(backwardLoop(pass, grads));
    engine.fill(grads.dc0, 0); // no cell state
    accumulateWeightGrads(engine, pass, grads, G);
  },
};
