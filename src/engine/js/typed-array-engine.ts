/**
 * What the two CPU engines share: their tensors are typed arrays (ordinary ones for js, views in
 * the WebAssembly arena for wasm), so moving values in and out is the same code, and so are the
 * steps the wasm engine has no kernel for, which both run as the reference does (dropout masks,
 * RMSprop, SGD). Each engine adds how it allocates and its kernels.
 */
import type { DropoutMaskSpec, Tensor } from '../engine.js';
import type { Floats } from '../floats.js';
import { applyMask, applyMaskAccumulate, fillDropoutMask } from './dropout-mask.js';
import { rmspropUpdate, sgdUpdate } from './optimizer-steps.js';

/** A tensor of a CPU engine is its typed array. */
export const floatsOf = (t: Tensor): Floats => t as unknown as Floats;
export const asTensor = (x: Floats): Tensor => x as unknown as Tensor;
const f = floatsOf;

/** The engines' common part; each engine `extends TypedArrayEngine implements CpuEngine`. */
export abstract class TypedArrayEngine {
  floatsOf(t: Tensor): Floats {
    return f(t);
  }

  size(t: Tensor): number {
    return f(t).length;
  }

  view(t: Tensor, offset: number, length: number): Tensor {
    return asTensor(f(t).subarray(offset, offset + length));
  }

  write(dst: Tensor, src: ArrayLike<number>, dstOffset = 0): void {
    f(dst).set(src, dstOffset);
  }

  read(src: Tensor, dst: Floats, srcOffset = 0, n = dst.length): Promise<void> {
    dst.set(f(src).subarray(srcOffset, srcOffset + n));
    return Promise.resolve();
  }

  copy(dst: Tensor, src: Tensor, n: number, dstOffset = 0, srcOffset = 0): void {
    f(dst).set(f(src).subarray(srcOffset, srcOffset + n), dstOffset);
  }

  fill(t: Tensor, value: number, from?: number, to?: number): void {
    f(t).fill(value, from, to);
  }

  dropoutMask(mask: Tensor, spec: DropoutMaskSpec): void {
    fillDropoutMask(f(mask), spec);
  }

  applyMask(out: Tensor, x: Tensor, mask: Tensor, n: number): void {
    applyMask(f(out), f(x), f(mask), n);
  }

  applyMaskAccumulate(dx: Tensor, dOut: Tensor, mask: Tensor, n: number): void {
    applyMaskAccumulate(f(dx), f(dOut), f(mask), n);
  }

  rmspropUpdate(p: Tensor, g: Tensor, v: Tensor, lr: number): void {
    rmspropUpdate(f(p), f(g), f(v), lr);
  }

  sgdUpdate(p: Tensor, g: Tensor, u: Tensor, lr: number, first: boolean): void {
    sgdUpdate(f(p), f(g), f(u), lr, first);
  }
}
