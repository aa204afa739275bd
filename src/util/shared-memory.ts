/**
 * Memory that worker threads can see in place. Node and a cross-origin isolated page have
 * SharedArrayBuffer; a page without that isolation does not (the global is not even defined
 * there), and has no threads to share with either: it gets a plain ArrayBuffer, which works the
 * same on one thread.
 */

const Shared = (globalThis as { SharedArrayBuffer?: SharedArrayBufferConstructor }).SharedArrayBuffer;

/** `bytes` zero bytes, shared when this context can share memory. */
export function sharedBuffer(bytes: number): ArrayBuffer | SharedArrayBuffer {
  return Shared ? new Shared(bytes) : new ArrayBuffer(bytes);
}

/** True when `buffer` can be handed to worker threads without a copy. */
export function isShared(buffer: ArrayBufferLike): boolean {
  return Shared !== undefined && buffer instanceof Shared;
}
