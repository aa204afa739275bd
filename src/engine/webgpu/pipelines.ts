/**
 * The compute pipelines of the kernels (wgsl/), made when first used, with explicit layouts:
 * binding 0 is the parameter block (a uniform slot chosen per dispatch by a dynamic offset),
 * then one storage buffer per binding of the kernel's spec.
 */
import { STAGE_COMPUTE } from './gpu-flags.js';
import { PARAMS_BYTES } from './wgsl/common.js';
import type { KernelSpec } from './wgsl/kernel-spec.js';

export interface Pipeline {
  readonly spec: KernelSpec;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

export class Pipelines {
  private readonly made = new Map<string, Pipeline>();

  constructor(private readonly device: GPUDevice) {}

  get(spec: KernelSpec): Pipeline {
    let p = this.made.get(spec.name);
    if (p === undefined) {
      p = this.make(spec);
      this.made.set(spec.name, p);
    }
    return p;
  }

  private make(spec: KernelSpec): Pipeline {
    const { device } = this;
    const entries: GPUBindGroupLayoutEntry[] = [
      { binding: 0, visibility: STAGE_COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: PARAMS_BYTES } },
      ...spec.bindings.map((access, i): GPUBindGroupLayoutEntry => ({
        binding: i + 1,
        visibility: STAGE_COMPUTE,
        buffer: { type: access === 'read' ? 'read-only-storage' : 'storage' },
      })),
    ];
    const layout = device.createBindGroupLayout({ label: spec.name, entries });
    const module = device.createShaderModule({ label: spec.name, code: spec.code });
    const pipeline = device.createComputePipeline({
      label: spec.name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    return { spec, pipeline, layout };
  }
}
