/**
 * The contract every recurrent cell (rnn, lstm, gru) fulfils. A cell owns only its time loop;
 * the input projection and the weight gradients are shared (layer.ts).
 *
 * forward:  reads input, h0 (B x H), c0 (B x H, lstm) -> cache.h (T*B x H), cache.c, gates.
 * backward: reads dh (T*B x H), the gradient of the loss w.r.t. every output h_t, and
 *           accumulates (+=) into dw and dx; overwrites dh0 and dc0 (B x H) with the gradient
 *           w.r.t. the initial state. The final state receives no gradient (truncated BPTT).
 */
import type { Floats, FloatCtor } from '../tensor/types.js';
import type { LayerCache, LayerDims, LayerInput, LayerWeights } from './layer.js';

/** The recurrent cells charnn implements (a bilstm is two lstm language models). */
export type CellName = 'rnn' | 'lstm' | 'gru';

export interface Cell {
  readonly gates: number;
  readonly hasCellState: boolean;
  /** forwardOnly: a cache backward is never run on (no scratch for it). */
  createCache<F extends Floats>(ctor: FloatCtor, rows: number, B: number, H: number, forwardOnly?: boolean): LayerCache<F>;
  forward<F extends Floats>(
    cache: LayerCache<F>,
    input: LayerInput<F>,
    w: LayerWeights<F>,
    h0: F,
    c0: F,
    dims: LayerDims,
  ): void;
  backward<F extends Floats>(
    dw: LayerWeights<F>,
    dx: F | null,
    dh0: F,
    dc0: F,
    dh: F,
    cache: LayerCache<F>,
    input: LayerInput<F>,
    w: LayerWeights<F>,
    h0: F,
    c0: F,
    dims: LayerDims,
  ): void;
}
