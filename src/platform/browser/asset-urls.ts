/**
 * Where the browser code finds its WebAssembly kernels and its worker script, relative to this
 * module, as the package's dist/ lays them out (dist/platform/browser/ and dist/wasm/), which a
 * bundler (Vite, webpack, esbuild) follows: it copies the files and rewrites the URLs.
 * scripts/build-web.mjs, which bundles the page of `charnn export web` into one flat folder,
 * rewrites '../../wasm/' to './'.
 */
import type { KernelVariant } from '../platform.js';
import { web, type WebWorker } from './web-api.js';

export function kernelUrl(variant: KernelVariant): URL {
  return variant === 'fma' ? new URL('../../wasm/kernels-fma.wasm', import.meta.url) : new URL('../../wasm/kernels.wasm', import.meta.url);
}

/** A module worker running worker.ts (written as bundlers recognise a worker: one expression). */
export function startWorkerScript(name: string): WebWorker {
  if (web.Worker === undefined) throw new Error('this browser has no Web Workers');
  const Worker = web.Worker;
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name });
}
