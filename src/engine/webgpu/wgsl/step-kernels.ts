/**
 * The end of a training step (the optimizers, the gradient sum, the clipping scale) and dropout
 * between layers, elementwise. Formulas: src/engine/js/optimizer-steps.ts and dropout-mask.ts
 * (the mask is the same hash in 32-bit integers, so the masks are the same bits).
 */
import { gridLoop, PARAMS, storage } from './common.js';
import type { KernelSpec } from './kernel-spec.js';

/** Params: pOff, gOff, mOff, vOff, n, stepSize (f32), sqrtC2 (f32). */
export const ADAM: KernelSpec = {
  name: 'adam',
  bindings: ['read_write', 'read', 'read_write', 'read_write'],
  code: `${PARAMS}
${storage(1, 'p', 'read_write')}
${storage(2, 'g', 'read')}
${storage(3, 'm', 'read_write')}
${storage(4, 'v', 'read_write')}
${gridLoop(
  'pu(4)',
  `let gi = g[pu(1) + i];
    let mi = 0.9 * m[pu(2) + i] + (1.0 - 0.9) * gi;
    let vi = 0.999 * v[pu(3) + i] + (1.0 - 0.999) * gi * gi;
    m[pu(2) + i] = mi;
    v[pu(3) + i] = vi;
    p[pu(0) + i] -= (pf(5) * mi) / (sqrt(vi) / pf(6) + 1e-8);`,
)}`,
};

/** Params: pOff, gOff, vOff, n, lr (f32). */
export const RMSPROP: KernelSpec = {
  name: 'rmsprop',
  bindings: ['read_write', 'read', 'read_write'],
  code: `${PARAMS}
${storage(1, 'p', 'read_write')}
${storage(2, 'g', 'read')}
${storage(3, 'v', 'read_write')}
${gridLoop(
  'pu(3)',
  `let gi = g[pu(1) + i];
    let vi = 0.99 * v[pu(2) + i] + (1.0 - 0.99) * gi * gi;
    v[pu(2) + i] = vi;
    p[pu(0) + i] -= (pf(4) * gi) / (sqrt(vi) + 1e-8);`,
)}`,
};

/** Params: pOff, gOff, uOff, n, lr (f32), first (1 at the first step). */
export const SGD: KernelSpec = {
  name: 'sgd',
  bindings: ['read_write', 'read', 'read_write'],
  code: `${PARAMS}
${storage(1, 'p', 'read_write')}
${storage(2, 'g', 'read')}
${storage(3, 'u', 'read_write')}
${gridLoop(
  'pu(3)',
  `var ui = g[pu(1) + i];
    if (pu(5) == 0u) { ui = 0.9 * u[pu(2) + i] + ui; }
    u[pu(2) + i] = ui;
    p[pu(0) + i] -= pf(4) * ui;`,
)}`,
};

/** dst[dOff + i] += src[sOff + i]. Params: dOff, sOff, n. */
export const ADD_INTO: KernelSpec = {
  name: 'addInto',
  bindings: ['read_write', 'read'],
  code: `${PARAMS}
${storage(1, 'dst', 'read_write')}
${storage(2, 'src', 'read')}
${gridLoop('pu(2)', 'dst[pu(0) + i] += src[pu(1) + i];')}`,
};

/** x[off + i] *= factor. Params: off, n, factor (f32). */
export const SCALE: KernelSpec = {
  name: 'scale',
  bindings: ['read_write'],
  code: `${PARAMS}
${storage(1, 'x', 'read_write')}
${gridLoop('pu(1)', 'x[pu(0) + i] *= pf(2);')}`,
};

/** The mask of dropout-mask.ts. Params: maskOff, seed, gap, T, B, H, first, total, threshold
 *  (drop when the hash is below it), dropAll (1: p x 2^32 is past every hash), keep (f32). */
export const DROPOUT_MASK: KernelSpec = {
  name: 'dropoutMask',
  bindings: ['read_write'],
  code: `${PARAMS}
${storage(1, 'mask', 'read_write')}
fn mix32(x: u32) -> u32 {
  var v = (x ^ (x >> 16u)) * 0x85ebca6bu;
  v = (v ^ (v >> 13u)) * 0xc2b2ae35u;
  return v ^ (v >> 16u);
}
${gridLoop(
  'pu(3) * pu(4) * pu(5)',
  `let B = pu(4); let H = pu(5);
    let t = i / (B * H);
    let b = (i / H) % B;
    let j = i % H;
    let seed = mix32(pu(1) ^ ((pu(2) + 1u) * 0x9e3779b1u));
    let row = mix32(seed ^ ((t * pu(7) + pu(6) + b + 1u) * 0x85ebca77u));
    let hash = mix32(row + (j + 1u) * 0xc2b2ae3du);
    var m = pf(10);
    if (pu(9) == 1u || hash < pu(8)) { m = 0.0; }
    mask[pu(0) + i] = m;`,
)}`,
};

/** out = x * mask. Params: outOff, xOff, maskOff, n. */
export const APPLY_MASK: KernelSpec = {
  name: 'applyMask',
  bindings: ['read_write', 'read', 'read'],
  code: `${PARAMS}
${storage(1, 'out', 'read_write')}
${storage(2, 'x', 'read')}
${storage(3, 'mask', 'read')}
${gridLoop('pu(3)', 'out[pu(0) + i] = x[pu(1) + i] * mask[pu(2) + i];')}`,
};

/** dx += dOut * mask. Params: dxOff, dOutOff, maskOff, n. */
export const APPLY_MASK_ACCUMULATE: KernelSpec = {
  name: 'applyMaskAccumulate',
  bindings: ['read_write', 'read', 'read'],
  code: `${PARAMS}
${storage(1, 'dx', 'read_write')}
${storage(2, 'dOut', 'read')}
${storage(3, 'mask', 'read')}
${gridLoop('pu(3)', 'dx[pu(0) + i] += dOut[pu(1) + i] * mask[pu(2) + i];')}`,
};
