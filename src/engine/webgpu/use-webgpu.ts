/** The library's way onto the GPU: `await useWebGpu()`, then models run on the webgpu engine. */
import { platform } from '../../platform/platform.js';
import { setEngine } from '../default-engine.js';
import { provideWebGpu } from './open-webgpu.js';

export interface GpuInfo {
  /** The adapter, as it describes itself (vendor, architecture). */
  description: string;
  /** True for a software adapter (SwiftShader): correct, but slower than the CPU engines. */
  fallback: boolean;
}

/**
 * Opens the GPU (in Node through the optional `webgpu` package, in a browser through
 * navigator.gpu) and makes webgpu the engine of the models created from now on. Rejects with a
 * CharnnError when there is no WebGPU here or no adapter.
 */
export async function useWebGpu(): Promise<GpuInfo> {
  const engine = await provideWebGpu(await platform().gpu());
  setEngine('webgpu');
  return { description: engine.description, fallback: engine.fallback };
}
