/**
 * A tensor of the webgpu engine: a range of f32 elements in a GPU buffer. Views share the
 * buffer; kernels take the whole buffer and the range's offset as a parameter, so a view costs
 * no binding of its own and needs no alignment.
 */
import type { Tensor } from '../engine.js';

/** A GPU buffer and the number the bind-group cache knows it by. */
export interface GpuBuffer {
  readonly gpu: GPUBuffer;
  readonly id: number;
  /** Capacity in f32 elements. */
  readonly elements: number;
}

export interface GpuTensor {
  readonly buf: GpuBuffer;
  /** First element, and element count. */
  readonly offset: number;
  readonly length: number;
}

export const gpuTensor = (t: Tensor): GpuTensor => t as unknown as GpuTensor;
export const asTensor = (t: GpuTensor): Tensor => t as unknown as Tensor;
