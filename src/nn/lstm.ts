/**
 * The LSTM layer (PyTorch's definition and gate order i, f, g, o; the equations are beside the
 * reference time loops in src/engine/js/lstm-loop.ts). Shapes: gates (T*B x 4H) hold i|f|g|o per
 * row after forward; c, aux = tanh(c), h: (T*B x H).
 */
import type { Engine } from '../engine/engine.js';
import type { Cell } from './cell.js';
import { accumulateWeightGrads, backwardLoop, createLayerCache, projectInput, type LayerGrads, type LayerPass } from './layer.js';

const G = 4;

export const lstmCell: Cell = {
  gates: G,
  hasCellState: true,

  createCache(engine, rows, B, H, forwardOnly = false) {
    return createLayerCache(engine, { G, cellState: true, aux: true, hiddenGrad: false }, rows, B, H, forwardOnly);
  },

  forward(engine: Engine, pass: LayerPass): void {
    const { T, B, H } = pass.dims;
    projectInput(engine, pass, G);
    // Both biases are constant per step, so b_hh joins b_ih before the time loop.
    engine.addBiasRows(pass.cache.gates, pass.w.bHh, T * B, G * H);
    engine.lstmForward(pass);
  },

  backward(engine: Engine, pass: LayerPass, grads: LayerGrads): void {
    engine.lstmBackward(backwardLoop(pass, grads));
    accumulateWeightGrads(engine, pass, grads, G);
  },
};
