/**
 * Reductions: softmax cross-entropy (a loss per row, then their sum) and the sum of squares of
 * global-norm clipping (sums of fixed chunks, then their sum). Each final sum is one thread
 * adding in order with Kahan's compensation, so the result does not depend on scheduling.
 */
import { gridLoop, PARAMS, storage } from './common.js';
import type { KernelSpec } from './kernel-spec.js';

/** Per row r: rowLoss[r] = logsumexp(logits[r]) - logits[r][t_r]; with withGrad, dLogits[r] =
 *  scale (softmax - onehot). Params: logitsOff, targetsOff, dOff, lossOff, N, V, withGrad, scale (f32). */
export const SOFTMAX_CROSS_ENTROPY_ROWS: KernelSpec = {
  name: 'softmaxCrossEntropyRows',
  bindings: ['read', 'read', 'read_write', 'read_write'],
  code: `${PARAMS}
${storage(1, 'logits', 'read')}
${storage(2, 'targets', 'read', 'array<u32>')}
${storage(3, 'dLogits', 'read_write')}
${storage(4, 'rowLoss', 'read_write')}
${gridLoop(
  'pu(4)',
  `let V = pu(5);
    let o = pu(0) + i * V;
    var mx = logits[o];
    for (var v = 1u; v < V; v++) { mx = max(mx, logits[o + v]); }
    var sum = 0.0;
    for (var v = 0u; v < V; v++) { sum += exp(logits[o + v] - mx); }
    let logSum = log(sum) + mx;
    let tgt = targets[pu(1) + i];
    rowLoss[pu(3) + i] = logSum - logits[o + tgt];
    if (pu(6) == 1u) {
      let d = pu(2) + i * V;
      let scale = pf(7);
      for (var v = 0u; v < V; v++) { dLogits[d + v] = scale * exp(logits[o + v] - logSum); }
      dLogits[d + tgt] -= scale;
    }`,
)}`,
};

/** out[0] = the sum of x[0 .. n), in order (Kahan). Params: xOff, outOff, n. */
export const SUM_IN_ORDER: KernelSpec = {
  name: 'sumInOrder',
  bindings: ['read', 'read_write'],
  code: `${PARAMS}
${storage(1, 'x', 'read')}
${storage(2, 'out', 'read_write')}
@compute @workgroup_size(1)
fn main() {
  var sum = 0.0;
  var carry = 0.0;
  for (var i = 0u; i < pu(2); i++) {
    let y = x[pu(0) + i] - carry;
    let s = sum + y;
    carry = (s - sum) - y;
    sum = s;
  }
  out[pu(1)] = sum;
}`,
};

/** partial[c] = the sum of x[i]^2 over chunk c of `chunk` elements. Params: xOff, partialOff, n, chunk. */
export const SQUARES_BY_CHUNK: KernelSpec = {
  name: 'squaresByChunk',
  bindings: ['read', 'read_write'],
  code: `${PARAMS}
${storage(1, 'x', 'read')}
${storage(2, 'partial', 'read_write')}
${gridLoop(
  '(pu(2) + pu(3) - 1u) / pu(3)',
  `let start = i * pu(3);
    let end = min(pu(2), start + pu(3));
    var sum = 0.0;
    var carry = 0.0;
    for (var k = start; k < end; k++) {
      let v = x[pu(0) + k];
      let y = v * v - carry;
      let s = sum + y;
      carry = (s - sum) - y;
      sum = s;
    }
    partial[pu(1) + i] = sum;`,
)}`,
};
