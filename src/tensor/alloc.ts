/**
 * Allocation of engine buffers: float32 buffers come from the current engine's memory (the
 * wasm arena when the WebAssembly kernels are in use, so they can work on them in place);
 * float64 buffers (gradient checks) are ordinary arrays.
 */
import { allocFloats } from './backend.js';
import type { Floats, FloatCtor } from './types.js';

export function allocLike<F extends Floats>(ctor: FloatCtor, n: number): F {
  return (ctor === Float32Array ? allocFloats(n) : new ctor(n)) as F;
}
