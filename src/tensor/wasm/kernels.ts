/**
 * Loads the WebAssembly SIMD kernels (built from asm/kernels.ts into
 * <package root>/dist/wasm/kernels.wasm by `npm run build:wasm`) and wraps them with the same
 * signatures as the JS reference in ../matmul.ts, taking Float32Array views in the arena.
 *
 *   matmulNT:    C (M x N) += A (M x K) . W (N x K)^T
 *   matmulNN:    C (M x N) += A (M x K) . W (K x N)
 *   matmulTN:    C (M x N) += A (K x M)^T . X (K x N)
 *   addBiasRows: C (M x N) += bias (N) on every row
 *   sumRows:     dBias (N) += column sums of dC (M x N)
 *
 * Loading is synchronous and lazy (first getWasmKernels() call), and never throws: a missing or
 * unloadable module gives null, with the reason in wasmLoadError(), and callers use the JS path.
 */
import { readFileSync } from 'node:fs';
import { WasmArena } from './arena.js';

export interface WasmKernels {
  /** Where the arrays passed to these kernels must live. */
  readonly arena: WasmArena;
  matmulNT(C: Float32Array, A: Float32Array, W: Float32Array, M: number, N: number, K: number): void;
  matmulNN(C: Float32Array, A: Float32Array, W: Float32Array, M: number, N: number, K: number): void;
  matmulTN(C: Float32Array, A: Float32Array, X: Float32Array, M: number, N: number, K: number): void;
  addBiasRows(C: Float32Array, bias: Float32Array, M: number, N: number): void;
  sumRows(dBias: Float32Array, dC: Float32Array, M: number, N: number): void;
}

/** The raw exports: byte addresses and i32 dimensions. */
interface Exports {
  matmulNT(c: number, a: number, w: number, M: number, N: number, K: number): void;
  matmulNN(c: number, a: number, w: number, M: number, N: number, K: number): void;
  matmulTN(c: number, a: number, x: number, M: number, N: number, K: number): void;
  addBiasRows(c: number, bias: number, M: number, N: number): void;
  sumRows(db: number, dc: number, M: number, N: number): void;
}

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

/** Same path from src/tensor/wasm/ (tsx, vitest) and dist/tensor/wasm/ (built package):
 *  three levels up is the package root. */
export const WASM_URL = new URL('../../../dist/wasm/kernels.wasm', import.meta.url);

let loaded: WasmKernels | null | undefined;
let loadError: Error | null = null;

/** The kernels bound to a fresh arena, or null when the module cannot be loaded. */
export function getWasmKernels(): WasmKernels | null {
  if (loaded === undefined) {
    try {
      loaded = instantiate(readFileSync(WASM_URL));
    } catch (e) {
      loadError = e instanceof Error ? e : new Error(String(e));
      loaded = null;
    }
  }
  return loaded;
}

export function wasmAvailable(): boolean {
  return getWasmKernels() !== null;
}

/** Why getWasmKernels() returned null (null when it did not). */
export function wasmLoadError(): Error | null {
  getWasmKernels();
  return loadError;
}

/** Instantiates the module on a new arena's memory. Exported for tests and future workers. */
export function instantiate(bytes: Uint8Array, arena: WasmArena = new WasmArena()): WasmKernels {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const module = new api.Module(bytes);
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
  // Fixed arity rather than rest parameters: no array allocated per call.
  const dims = (name: string, M: number, N: number, K: number) => {
    if (!(isDim(M) && isDim(N) && isDim(K))) throw new RangeError(`wasm ${name}: bad dimensions ${M} x ${N} x ${K}`);
  };

  return {
    arena,
    matmulNT(C, A, W, M, N, K) {
      dims('matmulNT', M, N, K);
      check('matmulNT C', C, M * N); check('matmulNT A', A, M * K); check('matmulNT W', W, N * K);
      x.matmulNT(C.byteOffset, A.byteOffset, W.byteOffset, M, N, K);
    },
    matmulNN(C, A, W, M, N, K) {
      dims('matmulNN', M, N, K);
      check('matmulNN C', C, M * N); check('matmulNN A', A, M * K); check('matmulNN W', W, K * N);
      x.matmulNN(C.byteOffset, A.byteOffset, W.byteOffset, M, N, K);
    },
    matmulTN(C, A, X, M, N, K) {
      dims('matmulTN', M, N, K);
      check('matmulTN C', C, M * N); check('matmulTN A', A, K * M); check('matmulTN X', X, K * N);
      x.matmulTN(C.byteOffset, A.byteOffset, X.byteOffset, M, N, K);
    },
    addBiasRows(C, bias, M, N) {
      dims('addBiasRows', M, N, 0);
      check('addBiasRows C', C, M * N); check('addBiasRows bias', bias, N);
      x.addBiasRows(C.byteOffset, bias.byteOffset, M, N);
    },
    sumRows(dBias, dC, M, N) {
      dims('sumRows', M, N, 0);
      check('sumRows dBias', dBias, N); check('sumRows dC', dC, M * N);
      x.sumRows(dBias.byteOffset, dC.byteOffset, M, N);
    },
  };
}

/** A dimension the i32 exports take as is. */
function isDim(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v < 2 ** 31;
}
