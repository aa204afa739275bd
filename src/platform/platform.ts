/**
 * The platform boundary: what the core needs from the system it runs on, behind one small
 * interface, so that the core (engines, cells, model, generation, scoring, the training loop,
 * the checkpoint encoding) imports no `node:` module and a browser implementation can stand
 * beside Node's. Node's is in src/platform/node/; the entry points install one
 * (src/node.ts for the library in Node, the CLI, each worker thread).
 */
import { CharnnError } from '../errors.js';

/** Why a file could not be read: the path is missing, is a directory, could not be looked at
 *  (`stat`), or could not be read (`read`). `detail` is the system's own message. */
export class FileReadError extends CharnnError {
  constructor(
    readonly path: string,
    readonly reason: 'missing' | 'directory' | 'stat' | 'read',
    readonly detail: string,
    readonly code: string | undefined,
  ) {
    super(`${path}: ${reason === 'missing' ? 'no such file' : reason === 'directory' ? 'is a directory' : `cannot read: ${detail}`}`);
    this.name = 'FileReadError';
  }
}

/** A lock held on a checkpoint path for the length of a training run. */
export interface HeldLock {
  release(): void;
}

/** The worker scripts the core starts: gradient workers (training) and line scorers (eval). */
export type WorkerScript = 'gradients' | 'line-scorer';

/** A running worker thread. */
export interface PlatformWorker {
  /** Resolves when the worker has signalled it is ready (see WorkerContext.ready), rejects if it
   *  fails to start or exits first. */
  ready(): Promise<void>;
  /** Do not keep the process alive for this worker. */
  unref(): void;
  /** Called if the worker fails; a worker with a handler never crashes its parent. */
  onError(handler: (error: Error) => void): void;
  terminate(): Promise<void>;
}

/** What a worker script sees of its side of the platform. */
export interface WorkerContext {
  /** The data it was started with. */
  readonly data: unknown;
  /** Tells the parent the worker is ready. */
  ready(): void;
}

/** The WebAssembly kernels module builds (scripts/build-wasm.mjs). */
export type KernelVariant = 'fma' | 'simd';

export interface Platform {
  readonly name: string;
  /** A whole file; throws a FileReadError. */
  readFile(path: string): Uint8Array;
  /** Writes a file whole or not at all (directories made as needed); throws the system's error. */
  writeFileAtomic(path: string, data: Uint8Array): void;
  /** Takes the lock of a checkpoint path (and of the companion files its run writes), or throws a
   *  CharnnError saying who holds it. */
  lockCheckpoint(path: string, companions: string[]): HeldLock;
  /** Cores to run threads on. */
  cores(): number;
  /** "<hex digits>" of the SHA-256 of the parts, in order. */
  sha256(parts: readonly (Uint8Array | string)[]): string;
  /** The compiled kernels module of a build; throws if it cannot be read or compiled here. */
  kernelModule(variant: KernelVariant): object;
  /** A setting from the environment (CHARNN_WASM), or undefined. */
  setting(name: string): string | undefined;
  /** Starts a worker thread running `script` with `data` (which may hold SharedArrayBuffers). */
  startWorker(script: WorkerScript, data: unknown): PlatformWorker;
  /** The WebGPU implementation the webgpu engine runs on; a CharnnError saying why there is none. */
  gpu(): Promise<GPU>;
}

let installed: Platform | null = null;

/** Makes `p` the platform the core uses (entry points call this once). */
export function installPlatform(p: Platform): void {
  installed = p;
}

/** The installed platform; an error (a bug in an entry point) when there is none. */
export function platform(): Platform {
  if (installed === null) throw new CharnnError('internal error: no platform installed (import charnn through its package entry point)');
  return installed;
}
