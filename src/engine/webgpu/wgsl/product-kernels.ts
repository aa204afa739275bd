/**
 * The products (accumulating, as every engine's), the bias rows, the column gather and scatter.
 * The contracts are src/engine/js/matmul.ts's. Each product comes in two forms:
 *   tiled   a 16 x 16 workgroup computes a 16 x 16 block of C through workgroup memory, taking K
 *           in steps of 16: the textbook form for a GPU, where the tiles save global reads;
 *   direct  one thread per element of C, reading its row and column straight from memory: no
 *           workgroup memory and no barriers, which a software adapter (SwiftShader) runs as
 *           switches between coroutines, 4 to 17 times slower than this form there.
 */
import { gridLoop, PARAMS, storage } from './common.js';
import type { KernelSpec } from './kernel-spec.js';

/** Tile side of the products. */
export const TILE = 16;

/** A tiled product: `loadA` and `loadB` fill As[ly][lx] (row m, k) and Bs[ly][lx] (k, column n)
 *  for the tile at (mBase, nBase, k0). Params: cOff, aOff, bOff, M, N, K. */
function product(name: string, loadA: string, loadB: string): KernelSpec {
  return {
    name,
    bindings: ['read_write', 'read', 'read'],
    code: `${PARAMS}
${storage(1, 'C', 'read_write')}
${storage(2, 'A', 'read')}
${storage(3, 'B', 'read')}
var<workgroup> As: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> Bs: array<array<f32, ${TILE}>, ${TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let cOff = pu(0); let aOff = pu(1); let bOff = pu(2);
  let M = pu(3); let N = pu(4); let K = pu(5);
  let mBase = wg.y * ${TILE}u;
  let nBase = wg.x * ${TILE}u;
  let row = mBase + l.y;
  let col = nBase + l.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < K; k0 += ${TILE}u) {
    ${loadA}
    ${loadB}
    workgroupBarrier();
    for (var k = 0u; k < ${TILE}u; k++) { acc += As[l.y][k] * Bs[k][l.x]; }
    workgroupBarrier();
  }
  if (row < M && col < N) { C[cOff + row * N + col] += acc; }
}`,
  };
}

/** One thread per element (row, col) of C; `a(k)` and `b(k)` index A's and B's operands at k.
 *  Params: cOff, aOff, bOff, M, N, K. */
function direct(name: string, a: string, b: string): KernelSpec {
  return {
    name,
    bindings: ['read_write', 'read', 'read'],
    code: `${PARAMS}
${storage(1, 'C', 'read_write')}
${storage(2, 'A', 'read')}
${storage(3, 'B', 'read')}
${gridLoop(
  'pu(3) * pu(4)',
  `let M = pu(3); let N = pu(4); let K = pu(5);
    let row = i / N; let col = i % N;
    var acc = 0.0;
    for (var k = 0u; k < K; k++) { acc += A[pu(1) + ${a}] * B[pu(2) + ${b}]; }
    C[pu(0) + i] += acc;`,
)}`,
  };
}

/** C (M x N) += A (M x K) . W (N x K)^T */
export const MATMUL_NT_DIRECT = direct('matmulNTDirect', 'row * K + k', 'col * K + k');
/** C (M x N) += A (M x K) . W (K x N) */
export const MATMUL_NN_DIRECT = direct('matmulNNDirect', 'row * K + k', 'k * N + col');
/** C (M x N) += A (K x M)^T . X (K x N) */
export const MATMUL_TN_DIRECT = direct('matmulTNDirect', 'k * M + row', 'k * N + col');

/** C (M x N) += A (M x K) . W (N x K)^T */
export const MATMUL_NT = product(
  'matmulNT',
  `{ let k = k0 + l.x; var v = 0.0; if (row < M && k < K) { v = A[aOff + row * K + k]; } As[l.y][l.x] = v; }`,
  `{ let n = nBase + l.x; let k = k0 + l.y; var v = 0.0; if (n < N && k < K) { v = B[bOff + n * K + k]; } Bs[l.y][l.x] = v; }`,
);

/** C (M x N) += A (M x K) . W (K x N) */
export const MATMUL_NN = product(
  'matmulNN',
  `{ let k = k0 + l.x; var v = 0.0; if (row < M && k < K) { v = A[aOff + row * K + k]; } As[l.y][l.x] = v; }`,
  `{ let k = k0 + l.y; var v = 0.0; if (col < N && k < K) { v = B[bOff + k * N + col]; } Bs[l.y][l.x] = v; }`,
);

/** C (M x N) += A (K x M)^T . X (K x N) */
export const MATMUL_TN = product(
  'matmulTN',
  `{ let k = k0 + l.x; var v = 0.0; if (row < M && k < K) { v = A[aOff + k * M + row]; } As[l.y][l.x] = v; }`,
  `{ let k = k0 + l.y; var v = 0.0; if (col < N && k < K) { v = B[bOff + k * N + col]; } Bs[l.y][l.x] = v; }`,
);

/** C (M x N) += bias (N) on every row. Params: cOff, bOff, M, N. */
export const ADD_BIAS_ROWS: KernelSpec = {
  name: 'addBiasRows',
  bindings: ['read_write', 'read'],
  code: `${PARAMS}
${storage(1, 'C', 'read_write')}
${storage(2, 'bias', 'read')}
${gridLoop('pu(2) * pu(3)', 'C[pu(0) + i] += bias[pu(1) + i % pu(3)];')}`,
};

/** dBias (N) += the column sums of dC (M x N), row by row (the reference's order). Params: bOff, cOff, M, N. */
export const SUM_ROWS: KernelSpec = {
  name: 'sumRows',
  bindings: ['read_write', 'read'],
  code: `${PARAMS}
${storage(1, 'dBias', 'read_write')}
${storage(2, 'dC', 'read')}
${gridLoop(
  'pu(3)',
  `var s = dBias[pu(0) + i];
    for (var m = 0u; m < pu(2); m++) { s += dC[pu(1) + m * pu(3) + i]; }
    dBias[pu(0) + i] = s;`,
)}`,
};

/** out (R x GH) += W[:, ids[r]] per row r; W (GH x V). Params: outOff, wOff, idsOff, R, GH, V. */
export const GATHER_COLUMNS: KernelSpec = {
  name: 'gatherColumns',
  bindings: ['read_write', 'read', 'read'],
  code: `${PARAMS}
${storage(1, 'out', 'read_write')}
${storage(2, 'W', 'read')}
${storage(3, 'ids', 'read', 'array<u32>')}
${gridLoop(
  'pu(3) * pu(4)',
  `let r = i / pu(4); let g = i % pu(4);
    out[pu(0) + i] += W[pu(1) + g * pu(5) + ids[pu(2) + r]];`,
)}`,
};

/** dW[:, ids[r]] += dOut (R x GH)[r] per row r, one thread per row of dW (no two threads write one
 *  element; rows are added in order, as the reference). Params: dwOff, dOutOff, idsOff, R, GH, V. */
export const SCATTER_COLUMNS: KernelSpec = {
  name: 'scatterColumns',
  bindings: ['read_write', 'read', 'read'],
  code: `${PARAMS}
${storage(1, 'dW', 'read_write')}
${storage(2, 'dOut', 'read')}
${storage(3, 'ids', 'read', 'array<u32>')}
${gridLoop(
  'pu(4)',
  `for (var r = 0u; r < pu(3); r++) {
      let at = pu(0) + i * pu(5) + ids[pu(2) + r];
      dW[at] += dOut[pu(1) + r * pu(4) + i];
    }`,
)}`,
};
