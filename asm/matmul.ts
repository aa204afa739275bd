/**
 * Matrix kernels (AssemblyScript, f32, WebAssembly SIMD): the products and bias kernels that
 * the wasm engine (src/engine/wasm/wasm-engine.ts) calls, also called directly by the recurrent cells (cells.ts).
 * Same contracts as the reference src/engine/js/matmul.ts: row-major, and every kernel
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
 * Performance notes (measured with bench/kernels.ts): the inner loops keep 8 independent v128
 * accumulators in registers, enough to cover the fused multiply-add's latency on two FMA ports,
 * and do 8 multiply-adds per 6 loads. V8 on x64 allocates 15 xmm registers (one is scratch) and
 * loads every operand of a loop body into its own register first, so a tile needs
 * accumulators + loads <= 15: 4x8 (8 + 2 + 4) fits, a 5x8 tile (10 + 2 + 5) spilled two sums
 * to the stack on every step and ran slower (BENCHMARKS.md, "Why the kernels are shaped so").
 *
 * NN and TN pack their right operand X into strips of 8 columns (TN also its A' into tiles of
 * 4 rows) in a workspace the caller provides: rows of X (or of A, for TN) a power of two apart
 * all fall in the same few L1 sets, so without packing the tiles kept evicting the very rows
 * they were about to reuse. Packing never changes a result: every element of C still adds its
 * K products in order, one multiply-add each.
 */

/** Bytes per f32. */
const F: usize = 4;

/** The W rows one NT block touches are kept to about this many bytes, so they stay in L1 while
 *  every row pair of A streams past them. */
const NT_BLOCK_BYTES: i32 = 32 * 1024;

/** NT visits A in blocks of rows of about this many bytes, so a block stays in L2 while all of
 *  W passes over it in NT_BLOCK_BYTES pieces; A bigger than L2 (the 2 x 512 LSTM's input
 *  projection, 1250 x 2048 x 512: 2.5 MiB of A) was otherwise streamed from L3 once per block
 *  of W (BENCHMARKS.md, "Why the kernels are shaped so", has the measurement). */
const NT_A_BLOCK_BYTES: i32 = 512 * 1024;

/** NN/TN (and the cells' packed product) take K in blocks of at most this many rows: a packed
 *  strip of X is then at most KC x 32 bytes = 8 KiB, which stays in L1 next to the A' values
 *  streaming past, and a 4 x 8 tile of C is loaded and stored once per KC x 8 multiply-adds.
 *  With X packed this way (GFLOP/s, one thread, FMA build, same run, before -> after):
 *  TN 2048 x 512 x 1250 (dW of a 2 x 512 LSTM) 28 -> 38, NN 1250 x 512 x 2048 (its dx) 32 -> 37,
 *  the per-step NN 25 x 512 x 2048 on a W packed once per backward 31 -> 38. */
const KC: i32 = 256;

/** NN/TN pack at most this many columns of X per block: KC x NC floats = 512 KiB of packed
 *  panel, which stays in L2 with the A' and C blocks. */
const NC: i32 = 512;

/** NN/TN visit C in blocks of rows whose slice of A' (rows x KC floats) is about this many bytes,
 *  so it stays in L2 while every strip of the panel passes over it. */
const A_BLOCK_BYTES: i32 = 256 * 1024;

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
  // Rows of A per block: an even number (the tile height), at least one tile.
  let mb = (NT_A_BLOCK_BYTES / (K > 0 ? K * 4 : 1)) & ~1;
  if (mb < 2) mb = 2;
  for (let m0 = 0; m0 < M; m0 += mb) {
    const m1 = imin(M, m0 + mb);
    for (let n0 = 0; n0 < N; n0 += nb) {
      const n1 = imin(N, n0 + nb);
      let m = m0;
      for (; m + 1 < m1; m += 2) {
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
      if (m < m1) {
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

/** C[0, 0..23] += A'[0, k0..k1) . X[k0..k1, 0..23], X in three strips of 8 columns
 *  (stripBytes apart, rows rowX bytes apart): one row of C in six registers. For the rows left
 *  over when M is not a multiple of 4: a 1x8 tile has only two independent sums and runs at a
 *  quarter of the speed (at M = 25 its one row cost as much as four); a 1x32 tile would not fit
 *  V8's 15 registers (measured: it spilled on every step). */
// @ts-ignore: decorator
@inline function axTile1x24(c0: usize, a0: usize, ak: usize, xs: usize, stripBytes: usize, rowX: usize, kn: i32): void {
  let t0 = load<v128>(c0), t1 = load<v128>(c0, 16), t2 = load<v128>(c0, 32), t3 = load<v128>(c0, 48);
  let t4 = load<v128>(c0, 64), t5 = load<v128>(c0, 80);
  const sb2 = stripBytes + stripBytes;
  let pa = a0, px = xs;
  for (let k = 0; k < kn; k++) {
    const s = v128.load32_splat(pa);
    t0 = madd(t0, s, load<v128>(px)); t1 = madd(t1, s, load<v128>(px, 16));
    t2 = madd(t2, s, load<v128>(px + stripBytes)); t3 = madd(t3, s, load<v128>(px + stripBytes, 16));
    t4 = madd(t4, s, load<v128>(px + sb2)); t5 = madd(t5, s, load<v128>(px + sb2, 16));
    pa += ak;
    px += rowX;
  }
  store<v128>(c0, t0); store<v128>(c0, t1, 16); store<v128>(c0, t2, 32); store<v128>(c0, t3, 48);
  store<v128>(c0, t4, 64); store<v128>(c0, t5, 80);
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

/**
 * Packs columns [0, 8 * strips) of rows [0, kn) of X (row stride rowX bytes) into strips of 8
 * columns: strip s, row k at xp + s * stripBytes + 32 k. A strip is then one contiguous run the
 * tiles read front to back, where X's own rows (2 KiB apart at N = 512) would all fall in the
 * same few L1 sets and evict each other. Two rows at a time, so each strip gets a whole
 * 64-byte line per visit.
 */
// @ts-ignore: decorator
@inline function packStrips(xp: usize, stripBytes: usize, x: usize, rowX: usize, kn: i32, strips: i32): void {
  let k = 0;
  for (; k + 1 < kn; k += 2) {
    const r0 = x + <usize>k * rowX, r1 = r0 + rowX;
    let q = xp + <usize>k * 32;
    for (let s = 0; s < strips; s++) {
      const o = <usize>s * 32;
      store<v128>(q, load<v128>(r0 + o)); store<v128>(q, load<v128>(r0 + o, 16), 16);
      store<v128>(q, load<v128>(r1 + o), 32); store<v128>(q, load<v128>(r1 + o, 16), 48);
      q += stripBytes;
    }
  }
  if (k < kn) {
    const r0 = x + <usize>k * rowX;
    let q = xp + <usize>k * 32;
    for (let s = 0; s < strips; s++) {
      const o = <usize>s * 32;
      store<v128>(q, load<v128>(r0 + o)); store<v128>(q, load<v128>(r0 + o, 16), 16);
      q += stripBytes;
    }
  }
}

/** C[0..M, 0..8*strips) += A'[0..M, 0..kn) . X, X packed in strips of 8 columns (strip s at
 *  xp + s * stripBytes, 32 bytes a row). Strips outermost, so a strip (at most 8 KiB) stays in
 *  L1 while every row tile passes over it; A' comes from L2. The first M & ~3 rows of A' are
 *  read at ap + (m/4) * tileBytes + (m mod 4) * apm + k * apk (packed tiles, or A' in place with
 *  tileBytes = 4 am, apm = am, apk = ak); the last M mod 4 rows in place (a + m*am + k*ak). */
// @ts-ignore: decorator
@inline function axStrips(c: usize, rowC: usize, ap: usize, tileBytes: usize, apm: usize, apk: usize, a: usize, am: usize, ak: usize,
  xp: usize, stripBytes: usize, M: i32, strips: i32, kn: i32): void {
  const rowX: usize = 32;
  const M4 = M & ~3;
  for (let s = 0; s < strips; s++) {
    const cs = c + <usize>s * 32, xs = xp + <usize>s * stripBytes;
    let pt = ap;
    for (let m = 0; m < M4; m += 4) {
      axTile4x8(cs + <usize>m * rowC, rowC, pt, apm, apk, xs, rowX, kn);
      pt += tileBytes;
    }
  }
  for (let m = M4; m < M; m++) {
    const cm = c + <usize>m * rowC, am0 = a + <usize>m * am;
    let s = 0;
    for (; s + 2 < strips; s += 3) axTile1x24(cm + <usize>s * 32, am0, ak, xp + <usize>s * stripBytes, stripBytes, rowX, kn);
    for (; s < strips; s++) axTile1x8(cm + <usize>s * 32, am0, ak, xp + <usize>s * stripBytes, rowX, kn);
  }
}

/** C (M x N) += A' . X for columns n0..N-1 (fewer than 8: a 4-wide strip, then scalar), over all
 *  K, reading X in place (rowX bytes a row). */
// @ts-ignore: decorator
@inline function axTailColumns(c: usize, rowC: usize, a: usize, am: usize, ak: usize, x: usize, rowX: usize, M: i32, N: i32, n0: i32, K: i32): void {
  let n = n0;
  if (n + 3 < N) {
    const cn = c + <usize>n * F, xn = x + <usize>n * F;
    let m = 0;
    for (; m + 3 < M; m += 4) axTile4x4(cn + <usize>m * rowC, rowC, a + <usize>m * am, am, ak, xn, rowX, K);
    for (; m < M; m++) axTile1x4(cn + <usize>m * rowC, a + <usize>m * am, ak, xn, rowX, K);
    n += 4;
  }
  for (; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const p = c + <usize>m * rowC + <usize>n * F;
      let s = load<f32>(p);
      let pa = a + <usize>m * am, px = x + <usize>n * F;
      for (let k = 0; k < K; k++) {
        s += load<f32>(pa) * load<f32>(px);
        pa += ak;
        px += rowX;
      }
      store<f32>(p, s);
    }
  }
}

/** Rows per K block: K split into equal blocks of at most KC (K = 1250 gives 5 x 250, not
 *  4 x 256 + 226). */
// @ts-ignore: decorator
@inline function kBlock(K: i32): i32 {
  const blocks = (K + KC - 1) / KC;
  return blocks > 1 ? (K + blocks - 1) / blocks : K;
}

/** Rows of C per M block for a K block of kc: about A_BLOCK_BYTES of A', a multiple of 4 (the
 *  tile height). */
// @ts-ignore: decorator
@inline function mBlock(kc: i32): i32 {
  const rows = (A_BLOCK_BYTES / (kc * 4)) & ~3;
  return rows < 4 ? 4 : rows;
}

/** Packs rows [0, M & ~3) of A'[., 0..kn) (A'[m, k] at a + m*am + k*ak) into tiles of 4 rows:
 *  tile t, step k at ap + t * 16 kn + 16 k, the tile's four values side by side. For TN, where
 *  A'[m..m+3, k] are four neighbours in a row of A and consecutive k are a whole row of A apart
 *  (8 KiB at M = 2048, so in place every k would touch a new cache line, all in the same few L1
 *  sets). */
// @ts-ignore: decorator
@inline function packTilesTN(ap: usize, a: usize, ak: usize, M: i32, kn: i32): void {
  const tileBytes = <usize>kn * 16;
  // Four k at a time, so each tile gets a whole 64-byte line per visit.
  let k = 0;
  for (; k + 3 < kn; k += 4) {
    const r0 = a + <usize>k * ak, r1 = r0 + ak, r2 = r1 + ak, r3 = r2 + ak;
    let q = ap + <usize>k * 16;
    for (let o: usize = 0; o + 15 < <usize>M * F; o += 16) {
      store<v128>(q, load<v128>(r0 + o)); store<v128>(q, load<v128>(r1 + o), 16);
      store<v128>(q, load<v128>(r2 + o), 32); store<v128>(q, load<v128>(r3 + o), 48);
      q += tileBytes;
    }
  }
  for (; k < kn; k++) {
    const r0 = a + <usize>k * ak;
    let q = ap + <usize>k * 16;
    for (let o: usize = 0; o + 15 < <usize>M * F; o += 16) {
      store<v128>(q, load<v128>(r0 + o));
      q += tileBytes;
    }
  }
}

/**
 * C (M x N) += A' . X with A'[m, k] at a + m*am + k*ak, X (K x N) row-major. For each block of
 * NC columns and KC rows of X: pack that panel of X into strips (at scratch), then run blocks of
 * rows of C over it; with packA (TN), each block's A' is packed into tiles too (after the panel).
 * The last N mod 8 columns read X in place. Each element of C sums k in order 0..K-1 with one
 * multiply-add per k, whatever the blocking, so results do not depend on M, on a row's position
 * or on the block sizes.
 */
// @ts-ignore: decorator
@inline function axMatmul(c: usize, a: usize, am: usize, ak: usize, x: usize, M: i32, N: i32, K: i32, scratch: usize, packA: bool): void {
  const rowC = <usize>N * F; // C and X are both N wide
  const N8 = N & ~7;
  const kc = kBlock(K);
  const mc = mBlock(kc);
  const aPack = scratch + <usize>(KC * NC) * F;
  for (let n0 = 0; n0 < N8; n0 += NC) {
    const strips = (imin(N8, n0 + NC) - n0) >> 3;
    for (let k0 = 0; k0 < K; k0 += kc) {
      const kn = imin(kc, K - k0);
      const stripBytes = <usize>kn * 32;
      packStrips(scratch, stripBytes, x + <usize>k0 * rowC + <usize>n0 * F, rowC, kn, strips);
      for (let m0 = 0; m0 < M; m0 += mc) {
        const rows = imin(mc, M - m0);
        const cm = c + <usize>m0 * rowC + <usize>n0 * F, am0 = a + <usize>m0 * am + <usize>k0 * ak;
        if (packA) {
          packTilesTN(aPack, am0, ak, rows, kn);
          axStrips(cm, rowC, aPack, <usize>kn * 16, F, 16, am0, am, ak, scratch, stripBytes, rows, strips, kn);
        } else {
          axStrips(cm, rowC, am0, 4 * am, am, ak, am0, am, ak, scratch, stripBytes, rows, strips, kn);
        }
      }
    }
  }
  if (N8 < N) axTailColumns(c, rowC, a, am, ak, x, rowC, M, N, N8, K);
}

/** wp (K x (N & ~7) floats) = the first N & ~7 columns of W (K x N) in strips of 8 columns, each
 *  K rows long (strip s, row k at wp + 32 (s K + k) bytes): what matmulNNPacked reads. */
export function packWeights(wp: usize, w: usize, K: i32, N: i32): void {
  packStrips(wp, <usize>K * 32, w, <usize>N * F, K, N >> 3);
}

/** C (M x N) += A (M x K) . W (K x N) with W's first N & ~7 columns already packed at wp
 *  (packWeights), the rest read from w: the recurrent cells' per-step product, whose W is the
 *  same at every step. Same arithmetic as matmulNN. */
export function matmulNNPacked(c: usize, a: usize, wp: usize, w: usize, M: i32, N: i32, K: i32): void {
  const rowC = <usize>N * F, am = <usize>K * F;
  const N8 = N & ~7;
  const kc = kBlock(K);
  for (let k0 = 0; k0 < K; k0 += kc) {
    const a0 = a + <usize>k0 * F;
    axStrips(c, rowC, a0, 4 * am, am, F, a0, am, F, wp + <usize>k0 * 32, <usize>K * 32, M, N8 >> 3, imin(kc, K - k0));
  }
  if (N8 < N) axTailColumns(c, rowC, a, am, F, w, rowC, M, N, N8, K);
}

/** Floats of workspace matmulNN and matmulTN take: the packed panel of X and block of A'. */
export function packFloats(): i32 {
  return KC * NC + A_BLOCK_BYTES / 4;
}

/** scratch: packFloats() floats of workspace. */
export function matmulNN(c: usize, a: usize, w: usize, M: i32, N: i32, K: i32, scratch: usize): void {
  axMatmul(c, a, <usize>K * F, F, w, M, N, K, scratch, false);
}

export function matmulTN(c: usize, a: usize, x: usize, M: i32, N: i32, K: i32, scratch: usize): void {
  axMatmul(c, a, F, <usize>M * F, x, M, N, K, scratch, true);
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
