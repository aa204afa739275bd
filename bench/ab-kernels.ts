/**
 * Two builds of the matrix kernels side by side, on one arena and the same operands, calls
 * interleaved, best time of many calls each: for deciding between kernel variants on a shared,
 * noisy machine, where figures from separate runs cannot be compared.
 *
 *     cp dist/wasm/kernels-fma.wasm /tmp/before.wasm      # build A
 *     ... change asm/, npm run build:wasm ...             # build B
 *     npx tsx bench/ab-kernels.ts /tmp/before.wasm dist/wasm/kernels-fma.wasm [FILTER]
 *
 * Prints GFLOP/s of A and of B, B/A, and whether B's C is bit-identical to A's. Shapes: the
 * 2 x 512 LSTM's products per worker thread (B = 25 streams, T*B = 1250 rows) and a few of the
 * default 2 x 128 model's. FILTER keeps the rows whose name contains it.
 *
 * Legend: C (M x N) += op(A) . op(W), K summed (2 M N K flops). The raw exports are called
 * directly (byte addresses); matmulNN and matmulTN get a workspace as last argument (builds
 * from before it existed ignore it).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { WasmArena } from '../src/engine/wasm/arena.js';
import { Rng } from '../src/util/rng.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');
const [fileA, fileB, filter = ''] = process.argv.slice(2);
if (!fileA || !fileB) {
  console.error('usage: npx tsx bench/ab-kernels.ts A.wasm B.wasm [FILTER]');
  process.exit(2);
}

type Kernel = 'matmulNT' | 'matmulNN' | 'matmulTN';
type Raw = Record<Kernel, (c: number, a: number, w: number, M: number, N: number, K: number, scratch: number) => void>;

const arena = new WasmArena();
const scratch = arena.alloc(1 << 20).byteOffset; // more than any build's workspace
const api = (
  globalThis as unknown as {
    WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: object } };
  }
).WebAssembly;
function load(file: string): Raw {
  const imports = {
    env: {
      memory: arena.memory,
      abort: () => {
        throw new Error('abort');
      },
    },
  };
  return new api.Instance(new api.Module(readFileSync(file)), imports).exports as Raw;
}
const builds = [load(fileA), load(fileB)];

const CASES: [Kernel, number, number, number, string][] = [
  ['matmulNT', 25, 2048, 512, '2x512 gates, one step'],
  ['matmulNT', 1250, 2048, 512, '2x512 input projection'],
  ['matmulNT', 1250, 65, 512, '2x512 decoder logits'],
  ['matmulNN', 25, 512, 2048, '2x512 dh, one step'],
  ['matmulNN', 1250, 512, 2048, '2x512 dx'],
  ['matmulNN', 1250, 512, 65, '2x512 dh from logits'],
  ['matmulTN', 2048, 512, 1250, '2x512 dW_ih, dW_hh'],
  ['matmulTN', 65, 512, 1250, '2x512 dW decoder'],
  ['matmulNT', 50, 512, 128, '2x128 gates, one step'],
  ['matmulNT', 25, 512, 128, "2x128 gates, one step, a thread's 25 streams"],
  ['matmulNT', 64, 512, 128, '2x128 gates, one step, eval line group'],
  ['matmulNN', 50, 128, 512, '2x128 dh, one step'],
  ['matmulTN', 512, 128, 2500, '2x128 dW'],
  ['matmulNT', 2500, 512, 128, '2x128 input projection'],
];

const rng = new Rng(1);
const random = (n: number) => {
  const x = arena.alloc(n);
  for (let i = 0; i < n; i++) x[i] = rng.uniform(-0.01, 0.01);
  return x;
};

for (const [kernel, M, N, K, what] of CASES) {
  if (!`${kernel} ${what}`.includes(filter)) continue;
  const mark = arena.mark();
  const A = random(M * K),
    W = random(N * K);
  // One call each on a zero C: are the results the same bits?
  const out = builds.map((b) => {
    const C = arena.alloc(M * N);
    b[kernel](C.byteOffset, A.byteOffset, W.byteOffset, M, N, K, scratch);
    return C;
  });
  let same = true;
  for (let i = 0; i < M * N; i++) if (out[0][i] !== out[1][i]) same = false;
  // Best time per call over many calls, A and B alternating (which goes first alternates too).
  const flops = 2 * M * N * K;
  const calls = Math.max(20, Math.min(600, Math.round(3e9 / flops)));
  const best = [Infinity, Infinity];
  const C = arena.alloc(M * N);
  for (let r = 0; r < calls; r++) {
    for (const i of r & 1 ? [0, 1] : [1, 0]) {
      const t0 = performance.now();
      builds[i][kernel](C.byteOffset, A.byteOffset, W.byteOffset, M, N, K, scratch);
      best[i] = Math.min(best[i], performance.now() - t0);
    }
  }
  const [ga, gb] = best.map((ms) => flops / (ms / 1000) / 1e9);
  console.log(
    `${kernel} ${M}x${N}x${K} ${what}`.padEnd(46),
    ga.toFixed(1).padStart(6),
    gb.toFixed(1).padStart(6),
    `${(gb / ga).toFixed(2)}x`,
    same ? 'bit-identical' : 'DIFFERENT',
  );
  arena.release(mark);
}
