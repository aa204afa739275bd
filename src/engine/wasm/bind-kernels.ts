/**
 * Binds a compiled kernels module (asm/kernels.ts, built by scripts/build-wasm.mjs) to an arena:
 * the raw exports take byte addresses and i32 dimensions and trust them, so every wrapper here
 * checks that each array lives in the arena and is long enough for the dimensions it is given,
 * and that every id is below V, before the call.
 */
import { WasmArena } from './arena.js';
import type { WasmKernels } from './wasm-kernels.js';

/** The raw exports: byte addresses and i32 dimensions. */
interface Exports {
  matmulNT(c: number, a: number, w: number, M: number, N: number, K: number): void;
  matmulNN(c: number, a: number, w: number, M: number, N: number, K: number, scratch: number): void;
  matmulTN(c: number, a: number, x: number, M: number, N: number, K: number, scratch: number): void;
  packFloats(): number;
  addBiasRows(c: number, bias: number, M: number, N: number): void;
  sumRows(db: number, dc: number, M: number, N: number): void;
  lstmForward(gates: number, h: number, c: number, aux: number, h0: number, c0: number, wHh: number, T: number, B: number, H: number): void;
  lstmBackward(
    dGates: number,
    dh0: number,
    dc0: number,
    dhCarry: number,
    dcCarry: number,
    dh: number,
    gates: number,
    c: number,
    aux: number,
    c0: number,
    wHh: number,
    wPack: number,
    T: number,
    B: number,
    H: number,
  ): void;
  gruForward(
    gates: number,
    h: number,
    aux: number,
    hh: number,
    h0: number,
    wHh: number,
    bHh: number,
    T: number,
    B: number,
    H: number,
  ): void;
  gruBackward(
    dGates: number,
    dGatesH: number,
    dh0: number,
    dhCarry: number,
    dh: number,
    gates: number,
    h: number,
    aux: number,
    h0: number,
    wHh: number,
    wPack: number,
    T: number,
    B: number,
    H: number,
  ): void;
  rnnForward(gates: number, h: number, h0: number, wHh: number, T: number, B: number, H: number): void;
  rnnBackward(
    dGates: number,
    dh0: number,
    dhCarry: number,
    dh: number,
    h: number,
    wHh: number,
    wPack: number,
    T: number,
    B: number,
    H: number,
  ): void;
  expArray(out: number, x: number, n: number): void;
  sigmoidArray(out: number, x: number, n: number): void;
  tanhArray(out: number, x: number, n: number): void;
  gatherColumns(out: number, w: number, ids: number, R: number, GH: number, V: number): void;
  scatterColumns(dw: number, dOut: number, ids: number, R: number, GH: number, V: number): void;
  softmaxCrossEntropy(logits: number, targets: number, N: number, V: number, dLogits: number, withGrad: number, scale: number): number;
  adamUpdate(p: number, g: number, m: number, v: number, n: number, stepSize: number, sqrtC2: number): void;
  addArrays(dst: number, src: number, n: number): void;
  sumSquares(x: number, n: number): number;
  scaleArray(x: number, n: number, scale: number): void;
}

/** Ids handed to the kernels are copied into a scratch of this many i32 in the arena (reserved
 *  when the module is instantiated, before anyone takes an arena mark), a chunk at a time. */
const ID_SCRATCH = 16384;

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

/** Instantiates a compiled kernels module on an arena's memory (a new arena by default). */
export function instantiate(module: object, arena: WasmArena = new WasmArena()): WasmKernels {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const abort = (): never => {
    // Only reachable if the module is ever built with assertions on.
    throw new Error('wasm kernel aborted');
  };
  const instance = new api.Instance(module, { env: { memory: arena.memory, abort } });
  const x = instance.exports as unknown as Exports;

  // The exports see raw addresses: a wrong array would read or overwrite other buffers without
  // a trap. These few comparisons per call keep every access inside the arrays given.
  const check = (name: string, a: Float32Array, n: number) => {
    if (!arena.owns(a)) throw new RangeError(`wasm ${name}: array is not in the wasm arena`);
    if (a.length < n) throw new RangeError(`wasm ${name}: array of ${a.length} floats, needs ${n}`);
  };
  // Ids index into W's columns or a logits row: every one is checked against V before use.
  const idSpace = arena.alloc(ID_SCRATCH);
  const idScratch = new Int32Array(idSpace.buffer, idSpace.byteOffset, ID_SCRATCH);
  // matmulNN and matmulTN pack blocks of their right operand here (512 KiB), reserved likewise.
  const packScratch = arena.alloc(x.packFloats()).byteOffset;
  /** Copies ids[from .. from + n) into the scratch, checking each is below V. */
  const stageIds = (name: string, ids: Int32Array, from: number, n: number, V: number) => {
    for (let i = 0; i < n; i++) {
      const id = ids[from + i];
      if (!(id >= 0 && id < V)) throw new RangeError(`wasm ${name}: id ${id} at ${from + i} is outside 0..${V - 1}`);
      idScratch[i] = id;
    }
  };
  // Fixed arity rather than rest parameters: no array allocated per call.
  const dims = (name: string, M: number, N: number, K: number) => {
    if (!(isDim(M) && isDim(N) && isDim(K))) throw new RangeError(`wasm ${name}: bad dimensions ${M} x ${N} x ${K}`);
  };

  return {
    arena,
    matmulNT(C, A, W, M, N, K) {
      dims('matmulNT', M, N, K);
      check('matmulNT C', C, M * N);
      check('matmulNT A', A, M * K);
      check('matmulNT W', W, N * K);
      x.matmulNT(C.byteOffset, A.byteOffset, W.byteOffset, M, N, K);
    },
    matmulNN(C, A, W, M, N, K) {
      dims('matmulNN', M, N, K);
      check('matmulNN C', C, M * N);
      check('matmulNN A', A, M * K);
      check('matmulNN W', W, K * N);
      x.matmulNN(C.byteOffset, A.byteOffset, W.byteOffset, M, N, K, packScratch);
    },
    matmulTN(C, A, X, M, N, K) {
      dims('matmulTN', M, N, K);
      check('matmulTN C', C, M * N);
      check('matmulTN A', A, K * M);
      check('matmulTN X', X, K * N);
      x.matmulTN(C.byteOffset, A.byteOffset, X.byteOffset, M, N, K, packScratch);
    },
    addBiasRows(C, bias, M, N) {
      dims('addBiasRows', M, N, 0);
      check('addBiasRows C', C, M * N);
      check('addBiasRows bias', bias, N);
      x.addBiasRows(C.byteOffset, bias.byteOffset, M, N);
    },
    sumRows(dBias, dC, M, N) {
      dims('sumRows', M, N, 0);
      check('sumRows dBias', dBias, N);
      check('sumRows dC', dC, M * N);
      x.sumRows(dBias.byteOffset, dC.byteOffset, M, N);
    },

    // Rows in chunks of ID_SCRATCH ids; each chunk's rows are a contiguous slice of the output.
    gatherColumns(out, W, ids, R, GH, V) {
      dims('gatherColumns', R, GH, V);
      check('gatherColumns out', out, R * GH);
      check('gatherColumns W', W, GH * V);
      if (ids.length < R) throw new RangeError(`wasm gatherColumns: ${ids.length} ids, needs ${R}`);
      for (let r0 = 0; r0 < R; r0 += ID_SCRATCH) {
        const n = Math.min(ID_SCRATCH, R - r0);
        stageIds('gatherColumns', ids, r0, n, V);
        x.gatherColumns(out.byteOffset + 4 * r0 * GH, W.byteOffset, idScratch.byteOffset, n, GH, V);
      }
    },
    scatterColumns(dW, dOut, ids, R, GH, V) {
      dims('scatterColumns', R, GH, V);
      check('scatterColumns dW', dW, GH * V);
      check('scatterColumns dOut', dOut, R * GH);
      if (ids.length < R) throw new RangeError(`wasm scatterColumns: ${ids.length} ids, needs ${R}`);
      for (let r0 = 0; r0 < R; r0 += ID_SCRATCH) {
        const n = Math.min(ID_SCRATCH, R - r0);
        stageIds('scatterColumns', ids, r0, n, V);
        x.scatterColumns(dW.byteOffset, dOut.byteOffset + 4 * r0 * GH, idScratch.byteOffset, n, GH, V);
      }
    },
    softmaxCrossEntropy(logits, targets, N, V, dLogits, scale) {
      dims('softmaxCrossEntropy', N, V, 0);
      check('softmaxCrossEntropy logits', logits, N * V);
      if (dLogits) check('softmaxCrossEntropy dLogits', dLogits, N * V);
      if (targets.length < N) throw new RangeError(`wasm softmaxCrossEntropy: ${targets.length} targets, needs ${N}`);
      let loss = 0;
      for (let r0 = 0; r0 < N; r0 += ID_SCRATCH) {
        const n = Math.min(ID_SCRATCH, N - r0);
        stageIds('softmaxCrossEntropy', targets, r0, n, V);
        const at = 4 * r0 * V;
        loss += x.softmaxCrossEntropy(
          logits.byteOffset + at,
          idScratch.byteOffset,
          n,
          V,
          dLogits ? dLogits.byteOffset + at : 0,
          dLogits ? 1 : 0,
          scale,
        );
      }
      return loss;
    },
    adamUpdate(p, g, m, v, stepSize, sqrtC2) {
      const n = p.length;
      dims('adamUpdate', n, 0, 0);
      check('adamUpdate g', g, n);
      check('adamUpdate m', m, n);
      check('adamUpdate v', v, n);
      if (!arena.owns(p)) throw new RangeError('wasm adamUpdate: array is not in the wasm arena');
      x.adamUpdate(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, n, stepSize, sqrtC2);
    },
    addArrays(dst, src, n) {
      dims('addArrays', n, 0, 0);
      check('addArrays dst', dst, n);
      check('addArrays src', src, n);
      x.addArrays(dst.byteOffset, src.byteOffset, n);
    },
    sumSquares(v) {
      check('sumSquares', v, 0);
      return x.sumSquares(v.byteOffset, v.length);
    },
    scaleArray(v, scale) {
      check('scaleArray', v, 0);
      x.scaleArray(v.byteOffset, v.length, scale);
    },

    // The recurrences: rows = T*B; every buffer is checked at its full extent for these dims.
    lstmForward(gates, h, c, aux, h0, c0, wHh, T, B, H) {
      const n = 'lstmForward';
      dims(n, T, B, H);
      const rows = T * B;
      check(`${n} gates`, gates, rows * 4 * H);
      check(`${n} h`, h, rows * H);
      check(`${n} c`, c, rows * H);
      check(`${n} aux`, aux, rows * H);
      check(`${n} h0`, h0, B * H);
      check(`${n} c0`, c0, B * H);
      check(`${n} wHh`, wHh, 4 * H * H);
      x.lstmForward(gates.byteOffset, h.byteOffset, c.byteOffset, aux.byteOffset, h0.byteOffset, c0.byteOffset, wHh.byteOffset, T, B, H);
    },
    lstmBackward(dGates, dh0, dc0, dhCarry, dcCarry, dh, gates, c, aux, c0, wHh, wPack, T, B, H) {
      const n = 'lstmBackward';
      dims(n, T, B, H);
      const rows = T * B;
      check(`${n} dGates`, dGates, rows * 4 * H);
      check(`${n} dh0`, dh0, B * H);
      check(`${n} dc0`, dc0, B * H);
      check(`${n} dhCarry`, dhCarry, B * H);
      check(`${n} dcCarry`, dcCarry, B * H);
      check(`${n} dh`, dh, rows * H);
      check(`${n} gates`, gates, rows * 4 * H);
      check(`${n} c`, c, rows * H);
      check(`${n} aux`, aux, rows * H);
      check(`${n} c0`, c0, B * H);
      check(`${n} wHh`, wHh, 4 * H * H);
      check(`${n} wPack`, wPack, 4 * H * H);
      x.lstmBackward(
        dGates.byteOffset,
        dh0.byteOffset,
        dc0.byteOffset,
        dhCarry.byteOffset,
        dcCarry.byteOffset,
        dh.byteOffset,
        gates.byteOffset,
        c.byteOffset,
        aux.byteOffset,
        c0.byteOffset,
        wHh.byteOffset,
        wPack.byteOffset,
        T,
        B,
        H,
      );
    },
    gruForward(gates, h, aux, hh, h0, wHh, bHh, T, B, H) {
      const n = 'gruForward';
      dims(n, T, B, H);
      const rows = T * B;
      check(`${n} gates`, gates, rows * 3 * H);
      check(`${n} h`, h, rows * H);
      check(`${n} aux`, aux, rows * H);
      check(`${n} hh`, hh, B * 3 * H);
      check(`${n} h0`, h0, B * H);
      check(`${n} wHh`, wHh, 3 * H * H);
      check(`${n} bHh`, bHh, 3 * H);
      x.gruForward(gates.byteOffset, h.byteOffset, aux.byteOffset, hh.byteOffset, h0.byteOffset, wHh.byteOffset, bHh.byteOffset, T, B, H);
    },
    gruBackward(dGates, dGatesH, dh0, dhCarry, dh, gates, h, aux, h0, wHh, wPack, T, B, H) {
      const n = 'gruBackward';
      dims(n, T, B, H);
      const rows = T * B;
      check(`${n} dGates`, dGates, rows * 3 * H);
      check(`${n} dGatesH`, dGatesH, rows * 3 * H);
      check(`${n} dh0`, dh0, B * H);
      check(`${n} dhCarry`, dhCarry, B * H);
      check(`${n} dh`, dh, rows * H);
      check(`${n} gates`, gates, rows * 3 * H);
      check(`${n} h`, h, rows * H);
      check(`${n} aux`, aux, rows * H);
      check(`${n} h0`, h0, B * H);
      check(`${n} wHh`, wHh, 3 * H * H);
      check(`${n} wPack`, wPack, 3 * H * H);
      x.gruBackward(
        dGates.byteOffset,
        dGatesH.byteOffset,
        dh0.byteOffset,
        dhCarry.byteOffset,
        dh.byteOffset,
        gates.byteOffset,
        h.byteOffset,
        aux.byteOffset,
        h0.byteOffset,
        wHh.byteOffset,
        wPack.byteOffset,
        T,
        B,
        H,
      );
    },
    rnnForward(gates, h, h0, wHh, T, B, H) {
      const n = 'rnnForward';
      dims(n, T, B, H);
      const rows = T * B;
      check(`${n} gates`, gates, rows * H);
      check(`${n} h`, h, rows * H);
      check(`${n} h0`, h0, B * H);
      check(`${n} wHh`, wHh, H * H);
      x.rnnForward(gates.byteOffset, h.byteOffset, h0.byteOffset, wHh.byteOffset, T, B, H);
    },
    rnnBackward(dGates, dh0, dhCarry, dh, h, wHh, wPack, T, B, H) {
      const n = 'rnnBackward';
      dims(n, T, B, H);
      const rows = T * B;
      check(`${n} dGates`, dGates, rows * H);
      check(`${n} dh0`, dh0, B * H);
      check(`${n} dhCarry`, dhCarry, B * H);
      check(`${n} dh`, dh, rows * H);
      check(`${n} h`, h, rows * H);
      check(`${n} wHh`, wHh, H * H);
      check(`${n} wPack`, wPack, H * H);
      x.rnnBackward(
        dGates.byteOffset,
        dh0.byteOffset,
        dhCarry.byteOffset,
        dh.byteOffset,
        h.byteOffset,
        wHh.byteOffset,
        wPack.byteOffset,
        T,
        B,
        H,
      );
    },

    expArray(out, v, n) {
      dims('expArray', n, 0, 0);
      check('expArray out', out, n);
      check('expArray x', v, n);
      x.expArray(out.byteOffset, v.byteOffset, n);
    },
    sigmoidArray(out, v, n) {
      dims('sigmoidArray', n, 0, 0);
      check('sigmoidArray out', out, n);
      check('sigmoidArray x', v, n);
      x.sigmoidArray(out.byteOffset, v.byteOffset, n);
    },
    tanhArray(out, v, n) {
      dims('tanhArray', n, 0, 0);
      check('tanhArray out', out, n);
      check('tanhArray x', v, n);
      x.tanhArray(out.byteOffset, v.byteOffset, n);
    },
  };
}

/** A dimension the i32 exports take as is. */
function isDim(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v < 2 ** 31;
}
