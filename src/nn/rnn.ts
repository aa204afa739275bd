/**
 * The Elman RNN layer with tanh, PyTorch's definition: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 * (reference time loops: src/engine/js/rnn-loop.ts). Shapes: gates (T*B x H) hold the
 * pre-activation, then h' itself; h: (T*B x H).
 */
import type { Engine } from '../engine/engine.js';
import type { Cell } from './cell.js';
import { accumulateWeightGrads, backwardLoop, createLayerCache, projectInput, type LayerGrads, type LayerPass } from './layer.js';

const G = 1;

export const rnnCell: Cell = {
  gates: G,
  hasCellState: false,

  createCache(engine, rows, B, H, forwardOnly = false) {
    return createLayerCache(engine, { G, cellState: false, aux: false, hiddenGrad: false }, rows, B, H, forwardOnly);
  },

  forward(engine: Engine, pass: LayerPass): void {
    const { T, B, H } = pass.dims;
    projectInput(engine, pass, G);
    engine.addBiasRows(pass.cache.gates, pass.w.bHh, T * B, H);
    engine.rnnForward(pass);
  },

  backward(engine: Engine, pass: LayerPass, grads: LayerGrads): void {
    engine.rnnBackward(backwardLoop(pass, grads));
    engine.fill(grads.dc0, 0); // no cell state
    accumulateWeightGrads(engine, pass, grads, G);
  },
};
