/**
 * Matrix products over row-major typed arrays. All of them accumulate into C (`+=`), so a
 * caller clears C first when it wants a plain product; backward passes rely on accumulation.
 *
 * Names say which operand is transposed: N = as stored, T = transposed.
 *   matmulNT: C (M x N) += A (M x K) . W (N x K)^T     forward through a PyTorch weight (out x in)
 *   matmulNN: C (M x N) += A (M x K) . W (K x N)       gradient w.r.t. a layer's input
 *   matmulTN: C (M x N) += A (K x M)^T . X (K x N)     gradient w.r.t. a weight, summed over rows
 */
import type { Floats } from '../floats.js';

export function matmulNT(C: Floats, A: Floats, W: Floats, M: number, N: number, K: number): void {
  // Two rows of A against two rows of W at a time: four dot products share their loads.
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const a0 = m * K;
    const a1 = a0 + K;
    const c0 = m * N;
    const c1 = c0 + N;
    let n = 0;
    for (; n + 1 < N; n += 2) {
      const w0 = n * K;
      const w1 = w0 + K;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k],
          x1 = A[a1 + k];
        const y0 = W[w0 + k],
          y1 = W[w1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      C[c0 + n] += s00;
      C[c0 + n + 1] += s01;
      C[c1 + n] += s10;
      C[c1 + n + 1] += s11;
    }
    for (; n < N; n++) {
      const w0 = n * K;
      let s0 = 0,
        s1 = 0;
      for (let k = 0; k < K; k++) {
        s0 += A[a0 + k] * W[w0 + k];
        s1 += A[a1 + k] * W[w0 + k];
      }
      C[c0 + n] += s0;
      C[c1 + n] += s1;
    }
  }
  for (; m < M; m++) {
    const a0 = m * K;
    const c0 = m * N;
    for (let n = 0; n < N; n++) {
      const w0 = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k] * W[w0 + k];
      C[c0 + n] += s;
    }
  }
}

export function matmulNN(C: Floats, A: Floats, W: Floats, M: number, N: number, K: number): void {
  // Row m of C gathers rows of W scaled by A[m, k], four k at a time so each pass over the
  // row of C does four multiply-adds per load and store of C.
  for (let m = 0; m < M; m++) {
    const a0 = m * K;
    const c0 = m * N;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const s0 = A[a0 + k],
        s1 = A[a0 + k + 1],
        s2 = A[a0 + k + 2],
        s3 = A[a0 + k + 3];
      const w0 = k * N,
        w1 = w0 + N,
        w2 = w1 + N,
        w3 = w2 + N;
      for (let n = 0; n < N; n++) C[c0 + n] += s0 * W[w0 + n] + s1 * W[w1 + n] + s2 * W[w2 + n] + s3 * W[w3 + n];
    }
    for (; k < K; k++) {
      const s = A[a0 + k];
      const w0 = k * N;
      for (let n = 0; n < N; n++) C[c0 + n] += s * W[w0 + n];
    }
  }
}

export function matmulTN(C: Floats, A: Floats, X: Floats, M: number, N: number, K: number): void {
  // C[m, :] += sum_k A[k, m] * X[k, :], four k at a time: C (often a whole weight gradient)
  // is read and written once per four rows of X instead of once per row.
  let k = 0;
  for (; k + 3 < K; k += 4) {
    const a0 = k * M,
      a1 = a0 + M,
      a2 = a1 + M,
      a3 = a2 + M;
    const x0 = k * N,
      x1 = x0 + N,
      x2 = x1 + N,
      x3 = x2 + N;
    for (let m = 0; m < M; m++) {
      const s0 = A[a0 + m],
        s1 = A[a1 + m],
        s2 = A[a2 + m],
        s3 = A[a3 + m];
      const c0 = m * N;
      for (let n = 0; n < N; n++) C[c0 + n] += s0 * X[x0 + n] + s1 * X[x1 + n] + s2 * X[x2 + n] + s3 * X[x3 + n];
    }
  }
  for (; k < K; k++) {
    const a0 = k * M;
    const x0 = k * N;
    for (let m = 0; m < M; m++) {
      const s = A[a0 + m];
      const c0 = m * N;
      for (let n = 0; n < N; n++) C[c0 + n] += s * X[x0 + n];
    }
  }
}

/** C (M x N) += bias (N) broadcast over rows. */
export function addBiasRows(C: Floats, bias: Floats, M: number, N: number): void {
  for (let m = 0; m < M; m++) {
    const c0 = m * N;
    for (let n = 0; n < N; n++) C[c0 + n] += bias[n];
  }
}

/** dBias (N) += column sums of dC (M x N). */
export function sumRows(dBias: Floats, dC: Floats, M: number, N: number): void {
  for (let m = 0; m < M; m++) {
    const c0 = m * N;
    for (let n = 0; n < N; n++) dBias[n] += dC[c0 + n];
  }
}
