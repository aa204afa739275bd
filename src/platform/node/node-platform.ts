/**
 * The platform on Node.js (see ../platform.ts): files through node:fs, worker threads through
 * node:worker_threads, SHA-256 through node:crypto, the WebAssembly kernels read from the
 * package's dist/wasm/ (built by `npm run build:wasm`), and WebGPU through the optional
 * `webgpu` package.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { createRequire } from 'node:module';
import type { Worker as WorkerThread } from 'node:worker_threads';
import { FileReadError, type KernelVariant, type Platform, type PlatformWorker, type WorkerScript } from '../platform.js';
import { writeFileAtomic } from './atomic-file.js';
import { CheckpointLock } from './checkpoint-lock.js';
import { nodeGpu } from './node-gpu.js';

/** Same paths from src/platform/node/ (tsx, vitest) and dist/platform/node/ (the built package):
 *  three levels up is the package root. */
export const KERNEL_URLS: Record<KernelVariant, URL> = {
  fma: new URL('../../../dist/wasm/kernels-fma.wasm', import.meta.url),
  simd: new URL('../../../dist/wasm/kernels.wasm', import.meta.url),
};

/** The worker scripts, built to dist/ as the kernels are (run from there under vitest and tsx too). */
const WORKER_URLS: Record<WorkerScript, URL> = {
  gradients: new URL('../../../dist/platform/node/gradient-worker.js', import.meta.url),
  'line-scorer': new URL('../../../dist/platform/node/line-scorer-worker.js', import.meta.url),
};

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
const wasmApi = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;

export const nodePlatform: Platform = {
  name: 'node',

  readFile(path) {
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new FileReadError(path, code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'stat', (e as Error).message, code);
    }
    if (!isFile) throw new FileReadError(path, 'directory', 'is a directory', 'EISDIR');
    try {
      return readFileSync(path);
    } catch (e) {
      throw new FileReadError(path, 'read', (e as Error).message, (e as NodeJS.ErrnoException).code);
    }
  },

  writeFileAtomic(path, data) {
    writeFileAtomic(path, data, { makeDirs: true });
  },

  lockCheckpoint(path, companions) {
    return CheckpointLock.acquire(path, companions);
  },

  cores() {
    return availableParallelism();
  },

  sha256(parts) {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    return hash.digest('hex');
  },

  kernelModule(variant) {
    // Node 20's V8 has relaxed SIMD (the fused multiply-add build) behind a flag, which must be
    // on before the module is compiled; it is process-wide.
    if (variant === 'fma') setFlagsFromString('--experimental-wasm-relaxed-simd');
    return new wasmApi.Module(readFileSync(KERNEL_URLS[variant]));
  },

  setting(name) {
    return process.env[name];
  },

  gpu() {
    return nodeGpu();
  },

  startWorker(script, data) {
    // Required here, not imported at start-up: most commands never start a thread, and loading
    // node:worker_threads is a noticeable part of a short command's start.
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    return nodeWorker(new Worker(WORKER_URLS[script], { workerData: data }));
  },
};

function nodeWorker(worker: WorkerThread): PlatformWorker {
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean }) => {
      if (m.ready) done(resolve);
    };
    const onError = (e: Error) => done(() => reject(e));
    const onExit = (code: number) => done(() => reject(new Error(`worker exited with code ${code}`)));
    const done = (f: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      f();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
  ready.catch(() => {}); // a caller that never asks is not told of it as an unhandled rejection
  return {
    ready: () => ready,
    unref: () => worker.unref(),
    onError: (handler) => void worker.on('error', handler),
    terminate: async () => {
      await worker.terminate();
    },
  };
}
