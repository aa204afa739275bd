/**
 * Values back to the host: the batch recorded so far is submitted, then a copy of the range into
 * a mappable staging buffer, whose mapping resolves when the GPU has done both. The copy is
 * submitted before read() returns, so a read sees exactly the work recorded before it, whatever
 * is recorded while it waits. Staging buffers are pooled (a buffer is busy while mapped).
 */
import type { Floats } from '../floats.js';
import { BUFFER_COPY_DST, BUFFER_MAP_READ, MAP_READ } from './gpu-flags.js';
import type { GpuTensor } from './gpu-tensor.js';
import type { Recorder } from './recorder.js';

export class Readback {
  private readonly free: GPUBuffer[] = [];
  /** Reads done (each waits for the GPU), and staging buffers made for them. */
  reads = 0;
  made = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly recorder: Recorder,
  ) {}

  /** dst[0 .. n) = src[0 .. n). */
  async read(src: GpuTensor, dst: Floats, n: number): Promise<void> {
    if (n === 0) return;
    this.recorder.flush();
    const bytes = n * 4;
    const staging = this.take(bytes);
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(src.buf.gpu, src.offset * 4, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    this.reads++;
    try {
      await staging.mapAsync(MAP_READ, 0, bytes);
      dst.set(new Float32Array(staging.getMappedRange(0, bytes)));
      staging.unmap();
      this.free.push(staging);
    } catch (error) {
      staging.destroy();
      throw error;
    }
  }

  private take(bytes: number): GPUBuffer {
    const i = this.free.findIndex((b) => b.size >= bytes);
    if (i >= 0) return this.free.splice(i, 1)[0];
    // Sizes in powers of two, so a pool of a few buffers serves reads of every size.
    const size = Math.max(256, 2 ** Math.ceil(Math.log2(bytes)));
    this.made++;
    return this.device.createBuffer({ size, usage: BUFFER_MAP_READ | BUFFER_COPY_DST });
  }
}
