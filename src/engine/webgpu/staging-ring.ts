/**
 * Host data that kernels recorded in one batch read from the GPU (their parameters, the ids of
 * a gather): staged here, in order, and written to the GPU buffer at once when the batch is
 * submitted. A queue write lands before the commands submitted after it, so no slot is reused
 * until its batch has been submitted: when the ring is full, the recorder submits first.
 */
import { BUFFER_COPY_DST } from './gpu-flags.js';

export class StagingRing {
  private host: ArrayBuffer;
  private used = 0;
  gpu: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private bytes: number,
    private readonly align: number,
  ) {
    this.host = new ArrayBuffer(bytes);
    this.gpu = this.create();
  }

  get capacity(): number {
    return this.bytes;
  }

  private create(): GPUBuffer {
    return this.device.createBuffer({ size: this.bytes, usage: this.usage | BUFFER_COPY_DST });
  }

  /** True when `size` more bytes fit before the next submission. */
  fits(size: number): boolean {
    return this.used + this.rounded(size) <= this.bytes;
  }

  private rounded(size: number): number {
    return Math.ceil(size / this.align) * this.align;
  }

  /** Grows an empty ring so that one piece of `size` bytes fits (a new GPU buffer). */
  growFor(size: number): void {
    if (this.used !== 0) throw new Error('internal error: a staging ring grows only when empty');
    this.gpu.destroy();
    while (this.bytes < this.rounded(size)) this.bytes *= 2;
    this.host = new ArrayBuffer(this.bytes);
    this.gpu = this.create();
  }

  /** Reserves `size` bytes (the caller checked fits()); returns their byte offset and a view. */
  take(size: number): { offset: number; words: Uint32Array } {
    const offset = this.used;
    this.used += this.rounded(size);
    return { offset, words: new Uint32Array(this.host, offset, size / 4) };
  }

  /** Writes what was staged to the GPU and starts over. */
  upload(queue: GPUQueue): void {
    if (this.used > 0) queue.writeBuffer(this.gpu, 0, this.host, 0, this.used);
    this.used = 0;
  }
}
