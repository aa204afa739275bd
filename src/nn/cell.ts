/**
 * The contract every recurrent cell (rnn, lstm, gru) fulfils. A cell says how many gates it has
 * and what its cache holds, and sequences a layer's pass: the input projection and the weight
 * gradients are shared (layer.ts), the time loop is the engine's (lstmForward, ...).
 *
 * forward:  reads pass.input, h0 (B x H), c0 (B x H, lstm) -> cache.h (T*B x H), cache.c, gates.
 * backward: reads grads.dh (T*B x H), the gradient of the loss w.r.t. every output h_t, and
 *           accumulates (+=) into grads.dw and grads.dx; overwrites dh0 and dc0 (B x H) with the
 *           gradient w.r.t. the initial state. The final state receives no gradient (truncated BPTT).
 */
import type { Engine } from '../engine/engine.js';
import type { LayerCache, LayerGrads, LayerPass } from './layer.js';

/** The recurrent cells charnn implements (a bilstm is two lstm language models). */
export type CellName = 'rnn' | 'lstm' | 'gru';

export interface Cell {
  readonly gates: number;
  readonly hasCellState: boolean;
  /** forwardOnly: a cache backward is never run on (no scratch for it). */
  createCache(engine: Engine, rows: number, B: number, H: number, forwardOnly?: boolean): LayerCache;
  forward(engine: Engine, pass: LayerPass): void;
  backward(engine: Engine, pass: LayerPass, grads: LayerGrads): void;
}
