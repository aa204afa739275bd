/**
 * The engine's buffers: one GPU buffer per tensor (zero-filled, as WebGPU makes them), sized
 * within the device's limits, each with a number the bind-group cache can key on.
 */
import { CharnnError } from '../../errors.js';
import { TENSOR_USAGE } from './gpu-flags.js';
import type { GpuBuffer, GpuTensor } from './gpu-tensor.js';

const MIB = 1024 * 1024;

export class GpuMemory {
  private lastId = 0;
  /** Buffers made, and their bytes (the engine never frees one: see stats()). */
  buffers = 0;
  bytes = 0;
  /** The largest tensor a kernel can bind, in f32 elements. */
  readonly maxElements: number;

  constructor(
    private readonly device: GPUDevice,
    limits: { maxBufferSize: number; maxStorageBufferBindingSize: number },
  ) {
    this.maxElements = Math.floor(Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize) / 4);
  }

  nextId(): number {
    return ++this.lastId;
  }

  /** A buffer of n f32 zeros (at least 4 elements: a binding cannot be empty). */
  buffer(n: number, usage = TENSOR_USAGE): GpuBuffer {
    if (n > this.maxElements) {
      throw new CharnnError(
        `a tensor of ${((n * 4) / MIB).toFixed(0)} MiB is larger than this GPU lets one buffer be (${((this.maxElements * 4) / MIB).toFixed(0)} MiB)`,
        'use a smaller model, batch or sequence length, or the wasm engine',
      );
    }
    const elements = Math.max(4, Math.ceil(n / 4) * 4);
    this.buffers++;
    this.bytes += elements * 4;
    return { gpu: this.device.createBuffer({ size: elements * 4, usage }), id: this.nextId(), elements };
  }

  zeros(n: number): GpuTensor {
    return { buf: this.buffer(n), offset: 0, length: n };
  }
}
