/**
 * The platform in a browser (see ../platform.ts), in a page or in one of its workers: files in
 * memory (memory-files.ts), SHA-256 in JavaScript (@noble/hashes: the checkpoint loader needs it
 * synchronously, and crypto.subtle only answers with a promise), the kernels compiled once when
 * the library loads (kernel-modules.ts), and module Web Workers for threads, only where the
 * page is cross-origin isolated (threads share memory through SharedArrayBuffer, which only
 * such a page has); one thread otherwise. WebGPU is the page's navigator.gpu.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { CharnnError } from '../../errors.js';
import type { Platform } from '../platform.js';
import type { KernelModules } from './kernel-modules.js';
import type { MemoryFiles } from './memory-files.js';
import { canShareMemory, web } from './web-api.js';
import { platformWorker, startWebWorker } from './web-worker.js';

/** What a page's (or a worker's) platform is made of; a worker gets the page's kernels and settings. */
export interface BrowserEnv {
  kernels: KernelModules;
  settings: Record<string, string>;
  files: MemoryFiles;
}

export function browserPlatform(env: BrowserEnv): Platform {
  return {
    name: 'browser',
    readFile: (path) => env.files.read(path),
    writeFileAtomic: (path, data) => env.files.write(path, data),
    lockCheckpoint: (path, companions) => env.files.lock(path, companions),
    cores: () => (canShareMemory() ? Math.max(1, web.navigator?.hardwareConcurrency ?? 1) : 1),
    sha256(parts) {
      const hash = sha256.create();
      for (const part of parts) hash.update(typeof part === 'string' ? utf8ToBytes(part) : part);
      return bytesToHex(hash.digest());
    },
    kernelModule(variant) {
      const module = env.kernels.modules[variant];
      if (module === undefined) throw new Error(env.kernels.errors[variant] ?? `the ${variant} build of the kernels was not loaded`);
      return module;
    },
    setting: (name) => env.settings[name],
    gpu() {
      const gpu = web.navigator?.gpu;
      if (gpu === undefined) {
        return Promise.reject(
          new CharnnError('this browser offers no WebGPU (navigator.gpu)', 'use a browser with WebGPU enabled, or the wasm engine'),
        );
      }
      return Promise.resolve(gpu);
    },
    startWorker(script, data) {
      if (!canShareMemory()) throw new Error('threads need a cross-origin isolated page (SharedArrayBuffer)');
      return platformWorker(startWebWorker({ role: script, data, kernels: env.kernels, settings: env.settings }));
    },
  };
}
