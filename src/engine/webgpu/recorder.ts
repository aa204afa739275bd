/**
 * Records the engine's kernels into one compute pass and submits them in batches. The engine's
 * methods return at once, having only recorded their work; a batch is submitted when something
 * must come back to the host (a read), when host data must go in (a write), or when the staging
 * rings are full. Within a pass, WebGPU orders the dispatches and makes each one's writes
 * visible to the next, so kernels run in the order the engine's methods were called.
 *
 * Each dispatch's parameters take a 256-byte slot of a uniform ring (bound with a dynamic
 * offset); ids the host hands to a kernel (a gather's, the targets) are staged in a storage ring.
 */
import type { GpuMemory } from './gpu-memory.js';
import type { GpuBuffer, GpuTensor } from './gpu-tensor.js';
import { BUFFER_STORAGE, BUFFER_UNIFORM } from './gpu-flags.js';
import type { Pipelines } from './pipelines.js';
import { StagingRing } from './staging-ring.js';
import { PARAM_WORDS, PARAMS_BYTES } from './wgsl/common.js';
import type { KernelSpec } from './wgsl/kernel-spec.js';

/** A kernel parameter: a u32, or an f32 (passed as its bits). */
export type Param = number | { readonly f32: number };
export const asF32 = (x: number): Param => ({ f32: x });

/** WebGPU's minimum guaranteed uniform offset alignment is 256 bytes. */
const UNIFORM_SLOT = 256;
const UNIFORM_SLOTS = 4096;
const IDS_BYTES = 1 << 20;

export class Recorder {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly uniforms: StagingRing;
  private readonly idsRing: StagingRing;
  private idsBuffer: GpuBuffer;
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  /** Dispatches recorded and batches submitted, since the engine was made. */
  dispatches = 0;
  submits = 0;
  private readonly floatBits = new Float32Array(1);
  private readonly wordOfFloat = new Uint32Array(this.floatBits.buffer);

  constructor(
    private readonly device: GPUDevice,
    private readonly pipelines: Pipelines,
    private readonly memory: GpuMemory,
  ) {
    this.uniforms = new StagingRing(device, BUFFER_UNIFORM, UNIFORM_SLOT * UNIFORM_SLOTS, UNIFORM_SLOT);
    this.idsRing = new StagingRing(device, BUFFER_STORAGE, IDS_BYTES, 4);
    this.idsBuffer = { gpu: this.idsRing.gpu, id: memory.nextId(), elements: IDS_BYTES / 4 };
  }

  /** Records one dispatch: `tensors` bound to the kernel's storage bindings, their offsets then
   *  `own` as its parameters, over `groups` workgroups. */
  dispatch(spec: KernelSpec, tensors: readonly GpuTensor[], own: readonly Param[], groups: readonly [number, number]): void {
    if (tensors.length !== spec.bindings.length) throw new Error(`internal error: ${spec.name} takes ${spec.bindings.length} tensors`);
    if (tensors.length + own.length > PARAM_WORDS) throw new Error(`internal error: ${spec.name} has too many parameters`);
    if (!this.uniforms.fits(PARAMS_BYTES)) this.flush();
    const { offset, words } = this.uniforms.take(PARAMS_BYTES);
    tensors.forEach((t, i) => (words[i] = t.offset));
    own.forEach((p, i) => (words[tensors.length + i] = this.word(p)));
    const { pipeline, layout } = this.pipelines.get(spec);
    const pass = this.openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup(spec, layout, tensors), [offset]);
    pass.dispatchWorkgroups(groups[0], groups[1]);
    this.dispatches++;
  }

  /** The ids as u32 in the storage ring, for a kernel of this batch to read. */
  stageIds(ids: Int32Array, n: number): GpuTensor {
    const bytes = Math.max(4, n * 4);
    if (!this.idsRing.fits(bytes)) this.flush();
    if (!this.idsRing.fits(bytes)) {
      this.idsRing.growFor(bytes);
      this.idsBuffer = { gpu: this.idsRing.gpu, id: this.memory.nextId(), elements: this.idsRing.capacity / 4 };
    }
    const { offset, words } = this.idsRing.take(bytes);
    for (let i = 0; i < n; i++) words[i] = ids[i];
    return { buf: this.idsBuffer, offset: offset / 4, length: n };
  }

  /** Submits what was recorded (with the staged data it reads). */
  flush(): void {
    if (this.encoder === null) return;
    this.pass?.end();
    this.uniforms.upload(this.device.queue);
    this.idsRing.upload(this.device.queue);
    this.device.queue.submit([this.encoder.finish()]);
    this.submits++;
    this.encoder = null;
    this.pass = null;
  }

  private word(p: Param): number {
    if (typeof p === 'number') return p >>> 0;
    this.floatBits[0] = p.f32;
    return this.wordOfFloat[0];
  }

  private openPass(): GPUComputePassEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    this.pass ??= this.encoder.beginComputePass();
    return this.pass;
  }

  /** Bind groups are made once per kernel and set of buffers (offsets are parameters). */
  private bindGroup(spec: KernelSpec, layout: GPUBindGroupLayout, tensors: readonly GpuTensor[]): GPUBindGroup {
    const key = `${spec.name}:${tensors.map((t) => t.buf.id).join(',')}`;
    let group = this.bindGroups.get(key);
    if (group === undefined) {
      group = this.device.createBindGroup({
        layout,
        entries: [
          { binding: 0, resource: { buffer: this.uniforms.gpu, offset: 0, size: PARAMS_BYTES } },
          ...tensors.map((t, i) => ({ binding: i + 1, resource: { buffer: t.buf.gpu } })),
        ],
      });
      this.bindGroups.set(key, group);
    }
    return group;
  }
}
