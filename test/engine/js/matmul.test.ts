// The reference matrix kernels (src/engine/js/matmul.ts, the js engine's) against a plain
// triple loop, for shapes that exercise every unrolled path and its remainder (odd sizes, sizes
// below the unroll width), and accumulation (+=).
import { describe, expect, it } from 'vitest';
import { matmulNN, matmulNT, matmulTN } from '../../../src/engine/js/matmul.js';
import { Rng } from '../../../src/util/rng.js';

const rng = new Rng(42);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));

/** Reference: C (M x N) += op(A) . op(B) with explicit index functions. */
function reference(
  C: Float64Array,
  M: number,
  N: number,
  K: number,
  a: (m: number, k: number) => number,
  b: (k: number, n: number) => number,
) {
  const out = C.slice();
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a(m, k) * b(k, n);
      out[m * N + n] += s;
    }
  return out;
}

const SHAPES = [
  [1, 1, 1],
  [2, 3, 5],
  [7, 6, 9],
  [5, 11, 4],
  [12, 8, 13],
  [3, 1, 7],
];

describe('matmul kernels', () => {
  for (const [M, N, K] of SHAPES) {
    it(`NT, NN, TN agree with the plain loop for M=${M} N=${N} K=${K}`, () => {
      const C0 = rand(M * N);
      // NT: A (M x K), W (N x K)
      const A = rand(M * K),
        W = rand(N * K);
      const nt = C0.slice();
      matmulNT(nt, A, W, M, N, K);
      expect(
        maxDiff(
          nt,
          reference(
            C0,
            M,
            N,
            K,
            (m, k) => A[m * K + k],
            (k, n) => W[n * K + k],
          ),
        ),
      ).toBeLessThan(1e-12);
      // NN: A (M x K), W (K x N)
      const W2 = rand(K * N);
      const nn = C0.slice();
      matmulNN(nn, A, W2, M, N, K);
      expect(
        maxDiff(
          nn,
          reference(
            C0,
            M,
            N,
            K,
            (m, k) => A[m * K + k],
            (k, n) => W2[k * N + n],
          ),
        ),
      ).toBeLessThan(1e-12);
      // TN: A (K x M), X (K x N)
      const At = rand(K * M),
        X = rand(K * N);
      const tn = C0.slice();
      matmulTN(tn, At, X, M, N, K);
      expect(
        maxDiff(
          tn,
          reference(
            C0,
            M,
            N,
            K,
            (m, k) => At[k * M + m],
            (k, n) => X[k * N + n],
          ),
        ),
      ).toBeLessThan(1e-12);
    });
  }
});

function maxDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
