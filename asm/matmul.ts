/**
 * Matrix kernels (AssemblyScript, f32, WebAssembly SIMD): the products and bias kernels that
 * src/tensor/backend.ts dispatches to, also called directly by the recurrent cells (cells.ts).
 * Same contracts as the reference src/tensor/matmul.ts: row-major, and every kernel
 * ACCUMULATES into its output (+=).
 *
 *   matmulNT:    C (M x N) += A (M x K) . W (N x K)^T
 *   matmulNN:    C (M x N) += A (M x K) . W (K x N)
 *   matmulTN:    C (M x N) += A (K x M)^T . X (K x N)
 *   addBiasRows: C (M x N) += bias (N) on every row
 *   sumRows:     dBias (N) += column sums of dC (M x N)
 *
 * Legend: M, N = rows and columns of the output C; K = the dimension summed over.
 * Pointers are BYTE addresses in the imported shared memory; dimensions are element counts,
 * any positive size (remainders are handled).
 *
 * Performance notes (measured with bench/kernels.ts, V8 without relaxed SIMD, so no FMA):
 * a multiply and an add per lane cost two instructions, so the inner loops keep 8 independent
 * v128 accumulators in registers (x64 V8 has 16 xmm registers) and do 16 vector ops per 6 loads.
 */

/** Bytes per f32. */
const F: usize = 4;

/** The W rows one NT block touches are kept to about this many bytes, so they stay in L1 while
 *  every row pair of A streams past them. */
const NT_BLOCK_BYTES: i32 = 32 * 1024;

/** NN/TN sum over K in blocks of at most this many rows, so the slices of A and X a block
 *  touches stay in cache while C is revisited once per block. Without blocking the K = 2500
 *  weight gradient (TN, M = 512) ran at a third of the speed. 32 vs 96 (FMA build): the 2 x 512
 *  LSTM's TN 2048 x 512 x 1250 goes from 31 to 36 GFLOP/s, where every k of a tile is another
 *  8 KiB row of A; the 2 x 128 shapes stay within noise (41-48). */
const KC: i32 = 32;

/** NN/TN visit C in blocks of rows of about this many bytes. A C bigger than L2 (the 4H x H
 *  weight gradient of a 2 x 512 LSTM is 4 MiB) would otherwise be streamed from L3 once per K
 *  block: NN 1250 x 512 x 2048 (dx of that model's second layer) went from 25 to 41 GFLOP/s. */
const C_BLOCK_BYTES: i32 = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Small vector helpers.

/** [sum(a), sum(b), sum(c), sum(d)]: two rounds of pairwise lane shuffles, no scalar extracts. */
// @ts-ignore: decorator
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  // [a0+a2, b0+b2, a1+a3, b1+b3] and the same for c, d
  const ab = f32x4.add(f32x4.shuffle(a, b, 0, 4, 1, 5), f32x4.shuffle(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(f32x4.shuffle(c, d, 0, 4, 1, 5), f32x4.shuffle(c, d, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(ab, cd, 0, 1, 4, 5), f32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

/** Sum of the four lanes. */
// @ts-ignore: decorator
@inline function hsum1(a: v128): f32 {
  const h = f32x4.add(a, f32x4.shuffle(a, a, 2, 3, 0, 1)); // [a0+a2, a1+a3, ...]
  return f32x4.extract_lane(h, 0) + f32x4.extract_lane(h, 1);
}

/**
 * a + b * c, lane-wise. The build makes two modules from this source (scripts/build-wasm.mjs):
 * with relaxed SIMD this is one fused multiply-add (vfmadd on x64), about 1.3-1.5x faster
 * matrix products; plain wasm SIMD has no FMA, so there it is a multiply and an add.
 * (The math in math.ts keeps separate multiplies and adds, so exp/tanh are the same in both.)
 */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(b, c, a);
  return f32x4.add(a, f32x4.mul(b, c));
}

// @ts-ignore: decorator
@inline function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

// ---------------------------------------------------------------------------------------------
// NT: dot products of rows of A with rows of W, SIMD along K.

/**
 * C[0..1, 0..3] += two rows of A (at a0, a0 + rowK) dotted with four rows of W (at w0 + j*rowK):
 * eight dot products share each load. Lanes hold partial sums over k mod 4; hsum4 folds them
 * into [c0, c1, c2, c3] so C is updated with one vector load and store per row.
 */
// @ts-ignore: decorator
@inline function ntTile2x4(c0: usize, rowC: usize, a0: usize, w0: usize, rowK: usize, K: i32): void {
  const a1 = a0 + rowK;
  const w1 = w0 + rowK, w2 = w1 + rowK, w3 = w2 + rowK;
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
  const K4 = <usize>(K & ~3) * F;
  for (let o: usize = 0; o < K4; o += 16) {
    const x0 = load<v128>(a0 + o), x1 = load<v128>(a1 + o);
    let y = load<v128>(w0 + o);
    s00 = madd(s00, x0, y); s10 = madd(s10, x1, y);
    y = load<v128>(w1 + o);
    s01 = madd(s01, x0, y); s11 = madd(s11, x1, y);
    y = load<v128>(w2 + o);
    s02 = madd(s02, x0, y); s12 = madd(s12, x1, y);
    y = load<v128>(w3 + o);
    s03 = madd(s03, x0, y); s13 = madd(s13, x1, y);
  }
  let r0 = hsum4(s00, s01, s02, s03), r1 = hsum4(s10, s11, s12, s13);
  // The last K mod 4 columns: W's four values at column k as one vector, times A's scalar.
  for (let o = K4; o < <usize>K * F; o += F) {
    const y = f32x4(load<f32>(w0 + o), load<f32>(w1 + o), load<f32>(w2 + o), load<f32>(w3 + o));
    r0 = madd(r0, v128.load32_splat(a0 + o), y);
    r1 = madd(r1, v128.load32_splat(a1 + o), y);
  }
  store<v128>(c0, f32x4.add(load<v128>(c0), r0));
  store<v128>(c0 + rowC, f32x4.add(load<v128>(c0 + rowC), r1));
}

/** C[0, 0..3] += one row of A dotted with four rows of W (the last row when M is odd). */
// @ts-ignore: decorator
@inline function ntTile1x4(c0: usize, a0: usize, w0: usize, rowK: usize, K: i32): void {
  const w1 = w0 + rowK, w2 = w1 + rowK, w3 = w2 + rowK;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  const K4 = <usize>(K & ~3) * F;
  for (let o: usize = 0; o < K4; o += 16) {
    const x0 = load<v128>(a0 + o);
    s0 = madd(s0, x0, load<v128>(w0 + o));
    s1 = madd(s1, x0, load<v128>(w1 + o));
    s2 = madd(s2, x0, load<v128>(w2 + o));
    s3 = madd(s3, x0, load<v128>(w3 + o));
  }
  let r0 = hsum4(s0, s1, s2, s3);
  for (let o = K4; o < <usize>K * F; o += F) {
    const y = f32x4(load<f32>(w0 + o), load<f32>(w1 + o), load<f32>(w2 + o), load<f32>(w3 + o));
    r0 = madd(r0, v128.load32_splat(a0 + o), y);
  }
  store<v128>(c0, f32x4.add(load<v128>(c0), r0));
}

/** One dot product of length K, SIMD with a scalar tail (the last N mod 4 columns of C). */
// @ts-ignore: decorator
@inline function dot(a0: usize, w0: usize, K: i32): f32 {
  let s = f32x4.splat(0);
  const K4 = <usize>(K & ~3) * F;
  for (let o: usize = 0; o < K4; o += 16) s = madd(s, load<v128>(a0 + o), load<v128>(w0 + o));
  let r = hsum1(s);
  for (let o = K4; o < <usize>K * F; o += F) r += load<f32>(a0 + o) * load<f32>(w0 + o);
  return r;
}

export function matmulNT(c: usize, a: usize, w: usize, M: i32, N: i32, K: i32): void {
  const rowK = <usize>K * F; // bytes per row of A and of W
  const rowC = <usize>N * F;
  // Rows of W per block: a multiple of 4 (the tile width), at least one tile.
  let nb = (NT_BLOCK_BYTES / (K > 0 ? K * 4 : 1)) & ~3;
  if (nb < 4) nb = 4;
  for (let n0 = 0; n0 < N; n0 += nb) {
    const n1 = imin(N, n0 + nb);
    let m = 0;
    for (; m + 1 < M; m += 2) {
      const a0 = a + <usize>m * rowK;
      const c0 = c + <usize>m * rowC;
      let n = n0;
      for (; n + 3 < n1; n += 4) ntTile2x4(c0 + <usize>n * F, rowC, a0, w + <usize>n * rowK, rowK, K);
      for (; n < n1; n++) {
        const w0 = w + <usize>n * rowK;
        const p = c0 + <usize>n * F;
        store<f32>(p, load<f32>(p) + dot(a0, w0, K));
        store<f32>(p + rowC, load<f32>(p + rowC) + dot(a0 + rowK, w0, K));
      }
    }
    if (m < M) {
      const a0 = a + <usize>m * rowK;
      const c0 = c + <usize>m * rowC;
      let n = n0;
      for (; n + 3 < n1; n += 4) ntTile1x4(c0 + <usize>n * F, a0, w + <usize>n * rowK, rowK, K);
      for (; n < n1; n++) {
        const p = c0 + <usize>n * F;
        store<f32>(p, load<f32>(p) + dot(a0, w + <usize>n * rowK, K));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// NN and TN: C (M x N) += A' (M x K) . X (K x N), SIMD along N (axpy form, no horizontal sums).
// They differ only in where A'[m, k] lives: a + m*am + k*ak bytes, with (am, ak) = (4K, 4) for
// NN (A is M x K) and (4, 4M) for TN (A is K x M, read transposed). The loops below take the
// strides as arguments and are inlined into both exports, so each gets constant-folded code.

/** C[0..3, 0..7] += A'[0..3, k0..k1) . X[k0..k1, 0..7]: a 4x8 tile of C in eight registers. */
// @ts-ignore: decorator
@inline function axTile4x8(c0: usize, rowC: usize, a0: usize, am: usize, ak: usize, x0: usize, rowX: usize, kn: i32): void {
  const c1 = c0 + rowC, c2 = c1 + rowC, c3 = c2 + rowC;
  let t00 = load<v128>(c0), t01 = load<v128>(c0, 16);
  let t10 = load<v128>(c1), t11 = load<v128>(c1, 16);
  let t20 = load<v128>(c2), t21 = load<v128>(c2, 16);
  let t30 = load<v128>(c3), t31 = load<v128>(c3, 16);
  let pa = a0, px = x0;
  for (let k = 0; k < kn; k++) {
    const y0 = load<v128>(px), y1 = load<v128>(px, 16);
    let s = v128.load32_splat(pa);
    t00 = madd(t00, s, y0); t01 = madd(t01, s, y1);
    s = v128.load32_splat(pa + am);
    t10 = madd(t10, s, y0); t11 = madd(t11, s, y1);
    s = v128.load32_splat(pa + 2 * am);
    t20 = madd(t20, s, y0); t21 = madd(t21, s, y1);
    s = v128.load32_splat(pa + 3 * am);
    t30 = madd(t30, s, y0); t31 = madd(t31, s, y1);
    pa += ak;
    px += rowX;
  }
  store<v128>(c0, t00); store<v128>(c0, t01, 16);
  store<v128>(c1, t10); store<v128>(c1, t11, 16);
  store<v128>(c2, t20); store<v128>(c2, t21, 16);
  store<v128>(c3, t30); store<v128>(c3, t31, 16);
}

/** C[0, 0..7] += A'[0, k0..k1) . X[k0..k1, 0..7] (rows left over when M is not a multiple of 4). */
// @ts-ignore: decorator
@inline function axTile1x8(c0: usize, a0: usize, ak: usize, x0: usize, rowX: usize, kn: i32): void {
  let t0 = load<v128>(c0), t1 = load<v128>(c0, 16);
  let pa = a0, px = x0;
  for (let k = 0; k < kn; k++) {
    const s = v128.load32_splat(pa);
    t0 = madd(t0, s, load<v128>(px));
    t1 = madd(t1, s, load<v128>(px, 16));
    pa += ak;
    px += rowX;
  }
  store<v128>(c0, t0); store<v128>(c0, t1, 16);
}

/** C[0..3, 0..3] += ...: four columns left over when N mod 8 >= 4. */
// @ts-ignore: decorator
@inline function axTile4x4(c0: usize, rowC: usize, a0: usize, am: usize, ak: usize, x0: usize, rowX: usize, kn: i32): void {
  const c1 = c0 + rowC, c2 = c1 + rowC, c3 = c2 + rowC;
  let t0 = load<v128>(c0), t1 = load<v128>(c1), t2 = load<v128>(c2), t3 = load<v128>(c3);
  let pa = a0, px = x0;
  for (let k = 0; k < kn; k++) {
    const y = load<v128>(px);
    t0 = madd(t0, v128.load32_splat(pa), y);
    t1 = madd(t1, v128.load32_splat(pa + am), y);
    t2 = madd(t2, v128.load32_splat(pa + 2 * am), y);
    t3 = madd(t3, v128.load32_splat(pa + 3 * am), y);
    pa += ak;
    px += rowX;
  }
  store<v128>(c0, t0); store<v128>(c1, t1); store<v128>(c2, t2); store<v128>(c3, t3);
}

/** C[0, 0..3] += ...: one row by four columns. */
// @ts-ignore: decorator
@inline function axTile1x4(c0: usize, a0: usize, ak: usize, x0: usize, rowX: usize, kn: i32): void {
  let t = load<v128>(c0);
  let pa = a0, px = x0;
  for (let k = 0; k < kn; k++) {
    t = madd(t, v128.load32_splat(pa), load<v128>(px));
    pa += ak;
    px += rowX;
  }
  store<v128>(c0, t);
}

/** C (M x N) += A' . X over rows k0..k1 of X, tile by tile. Columns of C go outermost so the
 *  strip of X a column tile reads (kn x 8 floats) stays in L1 while all rows of C pass over it. */
// @ts-ignore: decorator
@inline function axBlock(c: usize, a: usize, am: usize, ak: usize, x: usize, M: i32, N: i32, k0: i32, k1: i32): void {
  const rowC = <usize>N * F; // C and X are both N wide
  const kn = k1 - k0;
  const ak0 = a + <usize>k0 * ak;
  const xk0 = x + <usize>k0 * rowC;
  let n = 0;
  for (; n + 7 < N; n += 8) {
    const cn = c + <usize>n * F, xn = xk0 + <usize>n * F;
    let m = 0;
    for (; m + 3 < M; m += 4) axTile4x8(cn + <usize>m * rowC, rowC, ak0 + <usize>m * am, am, ak, xn, rowC, kn);
    for (; m < M; m++) axTile1x8(cn + <usize>m * rowC, ak0 + <usize>m * am, ak, xn, rowC, kn);
  }
  if (n + 3 < N) {
    const cn = c + <usize>n * F, xn = xk0 + <usize>n * F;
    let m = 0;
    for (; m + 3 < M; m += 4) axTile4x4(cn + <usize>m * rowC, rowC, ak0 + <usize>m * am, am, ak, xn, rowC, kn);
    for (; m < M; m++) axTile1x4(cn + <usize>m * rowC, ak0 + <usize>m * am, ak, xn, rowC, kn);
    n += 4;
  }
  // The last N mod 4 columns, scalar.
  for (; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const p = c + <usize>m * rowC + <usize>n * F;
      let s = load<f32>(p);
      let pa = ak0 + <usize>m * am, px = xk0 + <usize>n * F;
      for (let k = 0; k < kn; k++) {
        s += load<f32>(pa) * load<f32>(px);
        pa += ak;
        px += rowC;
      }
      store<f32>(p, s);
    }
  }
}

/** Rows per K block: K split into equal blocks of at most KC (K = 100 gives 50 + 50, not
 *  96 + 4, whose short block would cost a whole extra pass over C). */
// @ts-ignore: decorator
@inline function kBlock(K: i32): i32 {
  const blocks = (K + KC - 1) / KC;
  return blocks > 1 ? (K + blocks - 1) / blocks : K;
}

/** Rows of C per M block: about C_BLOCK_BYTES of C, a multiple of 4 (the tile height). */
// @ts-ignore: decorator
@inline function mBlock(M: i32, N: i32): i32 {
  const rows = (C_BLOCK_BYTES / (N > 0 ? N * 4 : 1)) & ~3;
  return rows < 4 ? 4 : rows;
}

/**
 * C (M x N) += A' . X with A'[m, k] at a + m*am + k*ak: blocks of rows of C (so the block stays
 * in L2 while every K block passes over it), then K blocks (axBlock). Each element of C still
 * sums k in order 0..K-1, so the blocking never changes a result.
 */
// @ts-ignore: decorator
@inline function axMatmul(c: usize, a: usize, am: usize, ak: usize, x: usize, M: i32, N: i32, K: i32): void {
  const kc = kBlock(K);
  const mb = mBlock(M, N);
  for (let m0 = 0; m0 < M; m0 += mb) {
    const rows = imin(mb, M - m0);
    const cm = c + <usize>m0 * <usize>N * F, am0 = a + <usize>m0 * am;
    for (let k0 = 0; k0 < K; k0 += kc) axBlock(cm, am0, am, ak, x, rows, N, k0, imin(K, k0 + kc));
  }
}

export function matmulNN(c: usize, a: usize, w: usize, M: i32, N: i32, K: i32): void {
  axMatmul(c, a, <usize>K * F, F, w, M, N, K);
}

export function matmulTN(c: usize, a: usize, x: usize, M: i32, N: i32, K: i32): void {
  axMatmul(c, a, F, <usize>M * F, x, M, N, K);
}

// ---------------------------------------------------------------------------------------------
// Bias broadcast and its gradient.

export function addBiasRows(c: usize, bias: usize, M: i32, N: i32): void {
  const rowC = <usize>N * F;
  const N4 = <usize>(N & ~3) * F;
  for (let m = 0; m < M; m++) {
    const c0 = c + <usize>m * rowC;
    let o: usize = 0;
    for (; o < N4; o += 16) store<v128>(c0 + o, f32x4.add(load<v128>(c0 + o), load<v128>(bias + o)));
    for (; o < rowC; o += F) store<f32>(c0 + o, load<f32>(c0 + o) + load<f32>(bias + o));
  }
}

export function sumRows(db: usize, dc: usize, M: i32, N: i32): void {
  // Row by row, so dC streams through in memory order (walking down columns instead strides a
  // whole row per load and runs several times slower); dBias, N floats, stays in L1. Each
  // dBias[n] still adds the rows in order 0..M-1, exactly as the reference does.
  const rowC = <usize>N * F;
  const N16 = <usize>(N & ~15) * F, N4 = <usize>(N & ~3) * F;
  let p = dc;
  for (let m = 0; m < M; m++) {
    let o: usize = 0;
    for (; o < N16; o += 64) {
      store<v128>(db + o, f32x4.add(load<v128>(db + o), load<v128>(p + o)));
      store<v128>(db + o, f32x4.add(load<v128>(db + o, 16), load<v128>(p + o, 16)), 16);
      store<v128>(db + o, f32x4.add(load<v128>(db + o, 32), load<v128>(p + o, 32)), 32);
      store<v128>(db + o, f32x4.add(load<v128>(db + o, 48), load<v128>(p + o, 48)), 48);
    }
    for (; o < N4; o += 16) store<v128>(db + o, f32x4.add(load<v128>(db + o), load<v128>(p + o)));
    for (; o < rowC; o += F) store<f32>(db + o, load<f32>(db + o) + load<f32>(p + o));
    p += rowC;
  }
}
