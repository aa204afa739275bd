/**
 * The pointwise half of one time step of each cell, forward and backward: the recurrent product
 * of the step (h_{t-1} W_hh^T forward, dGates_t W_hh backward) is a product kernel dispatched
 * beside it (../cell-loops.ts), as the reference loops (src/engine/js/*-loop.ts) call matmul.
 * One thread per unit j of stream b (B x H threads). Rows are time-major: row t*B + b.
 */
import { gridLoop, PARAMS, storage } from './common.js';
import type { KernelSpec } from './kernel-spec.js';

/** LSTM forward, step t: gates (pre-activations, + h W_hh^T already) -> i|f|g|o, c, tanh(c), h.
 *  Params: gatesOff, cOff, auxOff, hOff, c0Off, t, B, H. */
export const LSTM_FORWARD_STEP: KernelSpec = {
  name: 'lstmForwardStep',
  bindings: ['read_write', 'read_write', 'read_write', 'read_write', 'read'],
  code: `${PARAMS}
${storage(1, 'gates', 'read_write')}
${storage(2, 'c', 'read_write')}
${storage(3, 'aux', 'read_write')}
${storage(4, 'h', 'read_write')}
${storage(5, 'c0', 'read')}
${gridLoop(
  'pu(6) * pu(7)',
  `let t = pu(5); let B = pu(6); let H = pu(7);
    let b = i / H; let j = i % H;
    let g0 = pu(0) + (t * B + b) * 4u * H;
    let s0 = (t * B + b) * H;
    let ig = sigmoid(gates[g0 + j]);
    let fg = sigmoid(gates[g0 + H + j]);
    let gg = tanh_(gates[g0 + 2u * H + j]);
    let og = sigmoid(gates[g0 + 3u * H + j]);
    var cp: f32;
    if (t == 0u) { cp = c0[pu(4) + b * H + j]; } else { cp = c[pu(1) + s0 - B * H + j]; }
    let cNew = fg * cp + ig * gg;
    let tc = tanh_(cNew);
    gates[g0 + j] = ig;
    gates[g0 + H + j] = fg;
    gates[g0 + 2u * H + j] = gg;
    gates[g0 + 3u * H + j] = og;
    c[pu(1) + s0 + j] = cNew;
    aux[pu(2) + s0 + j] = tc;
    h[pu(3) + s0 + j] = og * tc;`,
)}`,
};

/** LSTM backward, step t: dGates for the step and the carries (dh_{t-1} is added by a product after).
 *  Params: dGatesOff, dhOff, dhCarryOff, dcCarryOff, gatesOff, auxOff, cOff, c0Off, t, B, H. */
export const LSTM_BACKWARD_STEP: KernelSpec = {
  name: 'lstmBackwardStep',
  bindings: ['read_write', 'read', 'read', 'read_write', 'read', 'read', 'read', 'read'],
  code: `${PARAMS}
${storage(1, 'dGates', 'read_write')}
${storage(2, 'dh', 'read')}
${storage(3, 'dhCarry', 'read')}
${storage(4, 'dcCarry', 'read_write')}
${storage(5, 'gates', 'read')}
${storage(6, 'aux', 'read')}
${storage(7, 'c', 'read')}
${storage(8, 'c0', 'read')}
${gridLoop(
  'pu(9) * pu(10)',
  `let t = pu(8); let B = pu(9); let H = pu(10);
    let b = i / H; let j = i % H;
    let g0 = (t * B + b) * 4u * H;
    let s0 = (t * B + b) * H;
    let ig = gates[pu(4) + g0 + j];
    let fg = gates[pu(4) + g0 + H + j];
    let gg = gates[pu(4) + g0 + 2u * H + j];
    let og = gates[pu(4) + g0 + 3u * H + j];
    let tc = aux[pu(5) + s0 + j];
    let dhj = dh[pu(1) + s0 + j] + dhCarry[pu(2) + b * H + j];
    let dc = dcCarry[pu(3) + b * H + j] + dhj * og * (1.0 - tc * tc);
    var cp: f32;
    if (t == 0u) { cp = c0[pu(7) + b * H + j]; } else { cp = c[pu(6) + s0 - B * H + j]; }
    dGates[pu(0) + g0 + j] = dc * gg * ig * (1.0 - ig);
    dGates[pu(0) + g0 + H + j] = dc * cp * fg * (1.0 - fg);
    dGates[pu(0) + g0 + 2u * H + j] = dc * ig * (1.0 - gg * gg);
    dGates[pu(0) + g0 + 3u * H + j] = dhj * tc * og * (1.0 - og);
    dcCarry[pu(3) + b * H + j] = dc * fg;`,
)}`,
};

/** GRU forward, step t: gates (x W_ih^T + b_ih) and hh (h W_hh^T + b_hh) -> r|z|n, aux, h.
 *  Params: gatesOff, hhOff, auxOff, hOff, h0Off, t, B, H. */
export const GRU_FORWARD_STEP: KernelSpec = {
  name: 'gruForwardStep',
  bindings: ['read_write', 'read', 'read_write', 'read_write', 'read'],
  code: `${PARAMS}
${storage(1, 'gates', 'read_write')}
${storage(2, 'hh', 'read')}
${storage(3, 'aux', 'read_write')}
${storage(4, 'h', 'read_write')}
${storage(5, 'h0', 'read')}
${gridLoop(
  'pu(6) * pu(7)',
  `let t = pu(5); let B = pu(6); let H = pu(7);
    let b = i / H; let j = i % H;
    let g0 = pu(0) + (t * B + b) * 3u * H;
    let k0 = pu(1) + b * 3u * H;
    let s0 = (t * B + b) * H;
    let r = sigmoid(gates[g0 + j] + hh[k0 + j]);
    let z = sigmoid(gates[g0 + H + j] + hh[k0 + H + j]);
    let hn = hh[k0 + 2u * H + j];
    let n = tanh_(gates[g0 + 2u * H + j] + r * hn);
    var prev: f32;
    if (t == 0u) { prev = h0[pu(4) + b * H + j]; } else { prev = h[pu(3) + s0 - B * H + j]; }
    gates[g0 + j] = r;
    gates[g0 + H + j] = z;
    gates[g0 + 2u * H + j] = n;
    aux[pu(2) + s0 + j] = hn;
    h[pu(3) + s0 + j] = (1.0 - z) * n + z * prev;`,
)}`,
};

/** GRU backward, step t. Params: dGatesOff, dGatesHOff, dhOff, dhCarryOff, gatesOff, auxOff, hOff,
 *  h0Off, t, B, H. */
export const GRU_BACKWARD_STEP: KernelSpec = {
  name: 'gruBackwardStep',
  bindings: ['read_write', 'read_write', 'read', 'read_write', 'read', 'read', 'read', 'read'],
  code: `${PARAMS}
${storage(1, 'dGates', 'read_write')}
${storage(2, 'dGatesH', 'read_write')}
${storage(3, 'dh', 'read')}
${storage(4, 'dhCarry', 'read_write')}
${storage(5, 'gates', 'read')}
${storage(6, 'aux', 'read')}
${storage(7, 'h', 'read')}
${storage(8, 'h0', 'read')}
${gridLoop(
  'pu(9) * pu(10)',
  `let t = pu(8); let B = pu(9); let H = pu(10);
    let b = i / H; let j = i % H;
    let g0 = (t * B + b) * 3u * H;
    let s0 = (t * B + b) * H;
    let r = gates[pu(4) + g0 + j];
    let z = gates[pu(4) + g0 + H + j];
    let n = gates[pu(4) + g0 + 2u * H + j];
    let hn = aux[pu(5) + s0 + j];
    let dhj = dh[pu(2) + s0 + j] + dhCarry[pu(3) + b * H + j];
    var prev: f32;
    if (t == 0u) { prev = h0[pu(7) + b * H + j]; } else { prev = h[pu(6) + s0 - B * H + j]; }
    let dnPre = dhj * (1.0 - z) * (1.0 - n * n);
    let drPre = dnPre * hn * r * (1.0 - r);
    let dzPre = dhj * (prev - n) * z * (1.0 - z);
    dGates[pu(0) + g0 + j] = drPre;
    dGates[pu(0) + g0 + H + j] = dzPre;
    dGates[pu(0) + g0 + 2u * H + j] = dnPre;
    dGatesH[pu(1) + g0 + j] = drPre;
    dGatesH[pu(1) + g0 + H + j] = dzPre;
    dGatesH[pu(1) + g0 + 2u * H + j] = dnPre * r;
    dhCarry[pu(3) + b * H + j] = dhj * z;`,
)}`,
};

/** RNN forward, step t: gates (pre-activation, + h W_hh^T already) -> tanh, also into h.
 *  Params: gatesOff, hOff, t, B, H. */
export const RNN_FORWARD_STEP: KernelSpec = {
  name: 'rnnForwardStep',
  bindings: ['read_write', 'read_write'],
  code: `${PARAMS}
${storage(1, 'gates', 'read_write')}
${storage(2, 'h', 'read_write')}
${gridLoop(
  'pu(3) * pu(4)',
  `let s = pu(2) * pu(3) * pu(4) + i;
    let v = tanh_(gates[pu(0) + s]);
    gates[pu(0) + s] = v;
    h[pu(1) + s] = v;`,
)}`,
};

/** RNN backward, step t: dGates = (dh + dhCarry) (1 - h^2). Params: dGatesOff, dhOff, dhCarryOff,
 *  hOff, t, B, H. */
export const RNN_BACKWARD_STEP: KernelSpec = {
  name: 'rnnBackwardStep',
  bindings: ['read_write', 'read', 'read', 'read'],
  code: `${PARAMS}
${storage(1, 'dGates', 'read_write')}
${storage(2, 'dh', 'read')}
${storage(3, 'dhCarry', 'read')}
${storage(4, 'h', 'read')}
${gridLoop(
  'pu(5) * pu(6)',
  `let s = pu(4) * pu(5) * pu(6) + i;
    let v = h[pu(3) + s];
    dGates[pu(0) + s] = (dh[pu(1) + s] + dhCarry[pu(2) + i]) * (1.0 - v * v);`,
)}`,
};
