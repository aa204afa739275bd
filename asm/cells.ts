/**
 * The recurrent cells' time loops (AssemblyScript, f32, WebAssembly SIMD): one call runs a whole
 * layer's forward or backward recurrence, the recurrent products (matmul.ts) and the pointwise
 * gate math (math.ts) alike, so JS crosses into wasm once per layer, not twice per step.
 * Each function follows the JS reference time loop in src/nn/{rnn,lstm,gru}.ts operation for
 * operation (same formulas, same cache layout), in f32 instead of the reference's f64
 * temporaries; the input projection before the loop and the weight gradients after it stay in
 * src/nn/layer.ts.
 *
 *   lstmForward:  gates (T*B x 4H) hold x W_ih^T + b_ih + b_hh on entry; per step t,
 *                 gates[t] += h_{t-1} W_hh^T, then gates[t] = i|f|g|o (activated),
 *                 c[t] = f c_{t-1} + i g, aux[t] = tanh(c[t]), h[t] = o aux[t]
 *   lstmBackward: dGates (T*B x 4H) = gradient w.r.t. the gate pre-activations; dh0, dc0 (B x H)
 *   gruForward:   gates (T*B x 3H) hold x W_ih^T + b_ih on entry; per step hh = b_hh + h_{t-1} W_hh^T,
 *                 r = s(g_r + hh_r), z = s(g_z + hh_z), n = tanh(g_n + r hh_n),
 *                 h[t] = (1 - z) n + z h_{t-1}; gates[t] = r|z|n, aux[t] = hh_n
 *   gruBackward:  dGates (input side), dGatesH (hidden side), dh0
 *   rnnForward:   gates (T*B x H) hold x W_ih^T + b_ih + b_hh on entry; h[t] = gates[t] = tanh(...)
 *   rnnBackward:  dGates, dh0
 *
 * Legend: T steps, B streams, H hidden units, G gates (rnn 1, lstm 4, gru 3). Rows are
 * time-major (row t*B + b); a gate block of a row is H floats, gates in the order above.
 * h0, c0, dh0, dc0 (B x H) are separate buffers from the per-step ones. hh (B x 3H), dhCarry
 * and dcCarry (B x H) are scratch, and so is wPack (G*H x H, like wHh): each backward packs W_hh
 * there once (matmul.ts packWeights) for the per-step products dh_{t-1} = dGates_t W_hh, which
 * then read it as contiguous strips (faster for that product: BENCHMARKS.md, "Why the kernels are
 * shaped so"). Pointers are BYTE addresses in the imported shared memory;
 * dimensions are element counts, any size >= 1 (H need not be a multiple of 4: the last H mod 4
 * units of each row go through partial vectors that touch no memory past the row).
 *
 * Nothing here allocates or keeps globals, like matmul.ts.
 */
import { matmulNNPacked, matmulNT, packWeights } from './matmul';
import { loadN, sigmoidv, storeN, tanhv } from './math';

/** Bytes per f32. */
const F: usize = 4;

// @ts-ignore: decorator
@inline function one(): v128 {
  return f32x4.splat(1);
}

/** dst[0..n) = src[0..n) (floats). */
// @ts-ignore: decorator
@inline function copyFloats(dst: usize, src: usize, n: i32): void {
  const bytes = <usize>n * F;
  const v = bytes & ~15;
  let o: usize = 0;
  for (; o < v; o += 16) store<v128>(dst + o, load<v128>(src + o));
  for (; o < bytes; o += F) store<f32>(dst + o, load<f32>(src + o));
}

/** dst[0..n) = 0 (floats). */
// @ts-ignore: decorator
@inline function zeroFloats(dst: usize, n: i32): void {
  const bytes = <usize>n * F;
  const v = bytes & ~15;
  let o: usize = 0;
  for (; o < v; o += 16) store<v128>(dst + o, f32x4.splat(0));
  for (; o < bytes; o += F) store<f32>(dst + o, 0);
}

// ---------------------------------------------------------------------------------------------
// LSTM (gate order i, f, g, o).

/** Units [j, j + n) of one row: g = the row's gates at unit j, gs = bytes per gate block (4H). */
// @ts-ignore: decorator
@inline function lstmForwardLanes(g: usize, gs: usize, cPrev: usize, c: usize, tc: usize, h: usize, n: i32): void {
  const ig = sigmoidv(loadN(g, n));
  const fg = sigmoidv(loadN(g + gs, n));
  const gg = tanhv(loadN(g + 2 * gs, n));
  const og = sigmoidv(loadN(g + 3 * gs, n));
  const cNew = f32x4.add(f32x4.mul(fg, loadN(cPrev, n)), f32x4.mul(ig, gg));
  const t = tanhv(cNew);
  storeN(g, ig, n);
  storeN(g + gs, fg, n);
  storeN(g + 2 * gs, gg, n);
  storeN(g + 3 * gs, og, n);
  storeN(c, cNew, n);
  storeN(tc, t, n);
  storeN(h, f32x4.mul(og, t), n);
}

export function lstmForward(gates: usize, h: usize, c: usize, aux: usize, h0: usize, c0: usize, wHh: usize, T: i32, B: i32, H: i32): void {
  const GH = 4 * H;
  const rowH = <usize>H * F, rowG = <usize>GH * F;
  const stepH = <usize>B * rowH, stepG = <usize>B * rowG;
  const whole = rowH & ~15; // bytes of a row covered by whole vectors
  const tail = H & 3;
  for (let t = 0; t < T; t++) {
    const gt = gates + <usize>t * stepG;
    const ht = h + <usize>t * stepH, ct = c + <usize>t * stepH, at = aux + <usize>t * stepH;
    const hPrev = t == 0 ? h0 : ht - stepH;
    const cPrev = t == 0 ? c0 : ct - stepH;
    matmulNT(gt, hPrev, wHh, B, GH, H);
    for (let b = 0; b < B; b++) {
      const g = gt + <usize>b * rowG, r = <usize>b * rowH;
      let o: usize = 0;
      for (; o < whole; o += 16) lstmForwardLanes(g + o, rowH, cPrev + r + o, ct + r + o, at + r + o, ht + r + o, 4);
      if (tail) lstmForwardLanes(g + o, rowH, cPrev + r + o, ct + r + o, at + r + o, ht + r + o, tail);
    }
  }
}

/** Units [j, j + n) of one row at step t; dhc, dcc: the carries of the row, updated in place
 *  (dhc cleared, for the product that refills it after the whole step). */
// @ts-ignore: decorator
@inline function lstmBackwardLanes(dg: usize, g: usize, gs: usize, dh: usize, dhc: usize, dcc: usize, tc: usize, cPrev: usize, n: i32): void {
  const ig = loadN(g, n), fg = loadN(g + gs, n), gg = loadN(g + 2 * gs, n), og = loadN(g + 3 * gs, n);
  const th = loadN(tc, n);
  const dhj = f32x4.add(loadN(dh, n), loadN(dhc, n));
  storeN(dhc, f32x4.splat(0), n);
  const dc = f32x4.add(loadN(dcc, n), f32x4.mul(f32x4.mul(dhj, og), f32x4.sub(one(), f32x4.mul(th, th))));
  storeN(dg, f32x4.mul(f32x4.mul(f32x4.mul(dc, gg), ig), f32x4.sub(one(), ig)), n);
  storeN(dg + gs, f32x4.mul(f32x4.mul(f32x4.mul(dc, loadN(cPrev, n)), fg), f32x4.sub(one(), fg)), n);
  storeN(dg + 2 * gs, f32x4.mul(f32x4.mul(dc, ig), f32x4.sub(one(), f32x4.mul(gg, gg))), n);
  storeN(dg + 3 * gs, f32x4.mul(f32x4.mul(f32x4.mul(dhj, th), og), f32x4.sub(one(), og)), n);
  storeN(dcc, f32x4.mul(dc, fg), n);
}

export function lstmBackward(
  dGates: usize, dh0: usize, dc0: usize, dhCarry: usize, dcCarry: usize,
  dh: usize, gates: usize, c: usize, aux: usize, c0: usize, wHh: usize, wPack: usize, T: i32, B: i32, H: i32,
): void {
  const GH = 4 * H;
  packWeights(wPack, wHh, GH, H);
  const rowH = <usize>H * F, rowG = <usize>GH * F;
  const stepH = <usize>B * rowH, stepG = <usize>B * rowG;
  const whole = rowH & ~15;
  const tail = H & 3;
  zeroFloats(dhCarry, B * H);
  zeroFloats(dcCarry, B * H);
  for (let t = T - 1; t >= 0; t--) {
    const gt = gates + <usize>t * stepG, dgt = dGates + <usize>t * stepG;
    const s = <usize>t * stepH;
    const cPrev = t == 0 ? c0 : c + s - stepH;
    for (let b = 0; b < B; b++) {
      const g = gt + <usize>b * rowG, dg = dgt + <usize>b * rowG, r = <usize>b * rowH;
      const dht = dh + s + r, at = aux + s + r, dhc = dhCarry + r, dcc = dcCarry + r, cp = cPrev + r;
      let o: usize = 0;
      for (; o < whole; o += 16) lstmBackwardLanes(dg + o, g + o, rowH, dht + o, dhc + o, dcc + o, at + o, cp + o, 4);
      if (tail) lstmBackwardLanes(dg + o, g + o, rowH, dht + o, dhc + o, dcc + o, at + o, cp + o, tail);
    }
    matmulNNPacked(dhCarry, dgt, wPack, wHh, B, H, GH);
  }
  copyFloats(dh0, dhCarry, B * H);
  copyFloats(dc0, dcCarry, B * H);
}

// ---------------------------------------------------------------------------------------------
// GRU (gate order r, z, n; PyTorch's h' = (1 - z) n + z h).

/** Units [j, j + n) of one row: g its gates, k its row of hh (hidden side), gs bytes per gate block. */
// @ts-ignore: decorator
@inline function gruForwardLanes(g: usize, k: usize, gs: usize, hPrev: usize, a: usize, h: usize, n: i32): void {
  const r = sigmoidv(f32x4.add(loadN(g, n), loadN(k, n)));
  const z = sigmoidv(f32x4.add(loadN(g + gs, n), loadN(k + gs, n)));
  const hn = loadN(k + 2 * gs, n);
  const nn = tanhv(f32x4.add(loadN(g + 2 * gs, n), f32x4.mul(r, hn)));
  storeN(g, r, n);
  storeN(g + gs, z, n);
  storeN(g + 2 * gs, nn, n);
  storeN(a, hn, n);
  storeN(h, f32x4.add(f32x4.mul(f32x4.sub(one(), z), nn), f32x4.mul(z, loadN(hPrev, n))), n);
}

export function gruForward(gates: usize, h: usize, aux: usize, hh: usize, h0: usize, wHh: usize, bHh: usize, T: i32, B: i32, H: i32): void {
  const GH = 3 * H;
  const rowH = <usize>H * F, rowG = <usize>GH * F;
  const stepH = <usize>B * rowH, stepG = <usize>B * rowG;
  const whole = rowH & ~15;
  const tail = H & 3;
  for (let t = 0; t < T; t++) {
    const gt = gates + <usize>t * stepG;
    const ht = h + <usize>t * stepH, at = aux + <usize>t * stepH;
    const hPrev = t == 0 ? h0 : ht - stepH;
    // hh = b_hh + h_{t-1} W_hh^T (the reference's 0 + product + bias rounds the same way).
    for (let b = 0; b < B; b++) copyFloats(hh + <usize>b * rowG, bHh, GH);
    matmulNT(hh, hPrev, wHh, B, GH, H);
    for (let b = 0; b < B; b++) {
      const g = gt + <usize>b * rowG, k = hh + <usize>b * rowG, r = <usize>b * rowH;
      let o: usize = 0;
      for (; o < whole; o += 16) gruForwardLanes(g + o, k + o, rowH, hPrev + r + o, at + r + o, ht + r + o, 4);
      if (tail) gruForwardLanes(g + o, k + o, rowH, hPrev + r + o, at + r + o, ht + r + o, tail);
    }
  }
}

/** Units [j, j + n) of one row at step t; dhc is overwritten with the direct path dh z. */
// @ts-ignore: decorator
@inline function gruBackwardLanes(dg: usize, dgh: usize, g: usize, gs: usize, dh: usize, dhc: usize, a: usize, hPrev: usize, n: i32): void {
  const r = loadN(g, n), z = loadN(g + gs, n), nn = loadN(g + 2 * gs, n);
  const hn = loadN(a, n);
  const dhj = f32x4.add(loadN(dh, n), loadN(dhc, n));
  const dnPre = f32x4.mul(f32x4.mul(dhj, f32x4.sub(one(), z)), f32x4.sub(one(), f32x4.mul(nn, nn)));
  const drPre = f32x4.mul(f32x4.mul(f32x4.mul(dnPre, hn), r), f32x4.sub(one(), r));
  const dzPre = f32x4.mul(f32x4.mul(f32x4.mul(dhj, f32x4.sub(loadN(hPrev, n), nn)), z), f32x4.sub(one(), z));
  storeN(dg, drPre, n);
  storeN(dg + gs, dzPre, n);
  storeN(dg + 2 * gs, dnPre, n);
  storeN(dgh, drPre, n);
  storeN(dgh + gs, dzPre, n);
  storeN(dgh + 2 * gs, f32x4.mul(dnPre, r), n);
  storeN(dhc, f32x4.mul(dhj, z), n);
}

export function gruBackward(
  dGates: usize, dGatesH: usize, dh0: usize, dhCarry: usize,
  dh: usize, gates: usize, h: usize, aux: usize, h0: usize, wHh: usize, wPack: usize, T: i32, B: i32, H: i32,
): void {
  const GH = 3 * H;
  packWeights(wPack, wHh, GH, H);
  const rowH = <usize>H * F, rowG = <usize>GH * F;
  const stepH = <usize>B * rowH, stepG = <usize>B * rowG;
  const whole = rowH & ~15;
  const tail = H & 3;
  zeroFloats(dhCarry, B * H);
  for (let t = T - 1; t >= 0; t--) {
    const gt = gates + <usize>t * stepG, dgt = dGates + <usize>t * stepG, dght = dGatesH + <usize>t * stepG;
    const s = <usize>t * stepH;
    const hPrev = t == 0 ? h0 : h + s - stepH;
    for (let b = 0; b < B; b++) {
      const q = <usize>b * rowG, r = <usize>b * rowH;
      const g = gt + q, dg = dgt + q, dgh = dght + q;
      const dht = dh + s + r, at = aux + s + r, dhc = dhCarry + r, hp = hPrev + r;
      let o: usize = 0;
      for (; o < whole; o += 16) gruBackwardLanes(dg + o, dgh + o, g + o, rowH, dht + o, dhc + o, at + o, hp + o, 4);
      if (tail) gruBackwardLanes(dg + o, dgh + o, g + o, rowH, dht + o, dhc + o, at + o, hp + o, tail);
    }
    matmulNNPacked(dhCarry, dght, wPack, wHh, B, H, GH);
  }
  copyFloats(dh0, dhCarry, B * H);
}

// ---------------------------------------------------------------------------------------------
// Elman RNN (tanh). A step's B x H block is contiguous, so the pointwise loops run over it whole.

export function rnnForward(gates: usize, h: usize, h0: usize, wHh: usize, T: i32, B: i32, H: i32): void {
  const n = B * H;
  const stepH = <usize>n * F;
  const whole = stepH & ~15;
  const tail = n & 3;
  for (let t = 0; t < T; t++) {
    const gt = gates + <usize>t * stepH, ht = h + <usize>t * stepH;
    matmulNT(gt, t == 0 ? h0 : ht - stepH, wHh, B, H, H);
    let o: usize = 0;
    for (; o < whole; o += 16) {
      const v = tanhv(load<v128>(gt + o));
      store<v128>(gt + o, v);
      store<v128>(ht + o, v);
    }
    if (tail) {
      const v = tanhv(loadN(gt + o, tail));
      storeN(gt + o, v, tail);
      storeN(ht + o, v, tail);
    }
  }
}

/** dg = (dh + dhc) (1 - v^2) over n lanes; dhc cleared for the product that refills it. */
// @ts-ignore: decorator
@inline function rnnBackwardLanes(dg: usize, dh: usize, dhc: usize, v: usize, n: i32): void {
  const y = loadN(v, n);
  storeN(dg, f32x4.mul(f32x4.add(loadN(dh, n), loadN(dhc, n)), f32x4.sub(one(), f32x4.mul(y, y))), n);
  storeN(dhc, f32x4.splat(0), n);
}

export function rnnBackward(dGates: usize, dh0: usize, dhCarry: usize, dh: usize, h: usize, wHh: usize, wPack: usize, T: i32, B: i32, H: i32): void {
  packWeights(wPack, wHh, H, H);
  const n = B * H;
  const stepH = <usize>n * F;
  const whole = stepH & ~15;
  const tail = n & 3;
  zeroFloats(dhCarry, n);
  for (let t = T - 1; t >= 0; t--) {
    const s = <usize>t * stepH;
    const dgt = dGates + s;
    let o: usize = 0;
    for (; o < whole; o += 16) rnnBackwardLanes(dgt + o, dh + s + o, dhCarry + o, h + s + o, 4);
    if (tail) rnnBackwardLanes(dgt + o, dh + s + o, dhCarry + o, h + s + o, tail);
    matmulNNPacked(dhCarry, dgt, wPack, wHh, B, H, H);
  }
  copyFloats(dh0, dhCarry, n);
}
