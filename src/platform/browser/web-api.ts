/**
 * The parts of the web platform's API that charnn's browser code uses, typed here: the project's
 * TypeScript libs are ES2022 and Node's (no DOM), so that the core cannot lean on a browser by
 * accident either. `web` is globalThis seen as a page or a worker sees it.
 */

export interface WebMessageEvent {
  readonly data: unknown;
}

export interface WebErrorEvent {
  readonly message?: string;
  preventDefault?(): void;
}

/** A dedicated worker, from the side that started it. */
export interface WebWorker {
  postMessage(message: unknown, transfer?: unknown[]): void;
  terminate(): void;
  addEventListener(type: 'message', listener: (event: WebMessageEvent) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: WebErrorEvent) => void): void;
}

/** A worker's own global scope. */
export interface WorkerScope {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: 'message', listener: (event: WebMessageEvent) => void): void;
}

export interface WebResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface WebBlob {
  readonly size: number;
  readonly name?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The WebAssembly JS API: compiling a module (instantiation is src/engine/wasm/bind-kernels.ts's). */
export interface WebAssemblyApi {
  compileStreaming?(source: Promise<WebResponse>): Promise<object>;
  compile(bytes: ArrayBuffer): Promise<object>;
}

export interface WebGlobals {
  readonly Worker?: new (url: URL, options: { type: 'module'; name?: string }) => WebWorker;
  readonly Blob?: new (parts: unknown[], options?: { type?: string }) => WebBlob;
  /** True in a page (or its workers) served cross-origin isolated: SharedArrayBuffer exists and threads can share memory. */
  readonly crossOriginIsolated?: boolean;
  /** `gpu`: WebGPU, where the browser has it (types from @webgpu/types). */
  readonly navigator?: { readonly hardwareConcurrency?: number; readonly gpu?: GPU };
  readonly WebAssembly: WebAssemblyApi;
  fetch(url: URL | string): Promise<WebResponse>;
  /** Settings a page sets before loading charnn (CHARNN_WASM=simd), as the environment does in Node. */
  readonly charnnSettings?: Record<string, string>;
}

export const web = globalThis as unknown as WebGlobals;

/** True when threads can share memory here (a cross-origin isolated page or worker). */
export function canShareMemory(): boolean {
  return web.crossOriginIsolated === true && typeof (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer === 'function';
}

/** True for a Blob or File (what a file input or a drop gives). */
export function isBlob(x: unknown): x is WebBlob {
  return web.Blob !== undefined && x instanceof web.Blob;
}
