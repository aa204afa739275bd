/**
 * Opens the webgpu engine on a WebGPU implementation (`navigator.gpu` in a browser, the
 * `webgpu` package's in Node) and makes it the engine named 'webgpu' of this process.
 */
import { CharnnError } from '../../errors.js';
import { platform } from '../../platform/platform.js';
import { provideEngine } from '../default-engine.js';
import type { ProductForm } from './dispatcher.js';
import { WebGpuEngine } from './webgpu-engine.js';

/** The limits worth raising past WebGPU's defaults: a big model's caches and weights are single
 *  buffers larger than the default 128 MiB binding. */
const RAISED_LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize'] as const;

/** A new device on the first adapter `gpu` offers; `products` overrides the products' form. */
export async function openWebGpu(gpu: GPU, products?: ProductForm): Promise<WebGpuEngine> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    throw new CharnnError(
      'no WebGPU adapter: this system offers no GPU that WebGPU can use',
      "use --engine wasm; on Linux, WebGPU needs a Vulkan driver (a GPU vendor's, or a software one such as SwiftShader through VK_ICD_FILENAMES)",
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits });
  } catch (error) {
    throw new CharnnError(`the WebGPU adapter would not open a device: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { vendor, architecture, device: name, description } = adapter.info;
  const fallback = adapter.info.isFallbackAdapter === true;
  return new WebGpuEngine({
    gpu,
    device,
    description: [vendor, architecture, name, description].filter((s) => s).join(' ') || 'unnamed adapter',
    fallback,
    products: products ?? productForm(),
  });
}

/** CHARNN_WEBGPU_PRODUCTS=tiled|direct overrides the products' form (the benchmarks compare them). */
function productForm(): ProductForm | undefined {
  const value = platform().setting('CHARNN_WEBGPU_PRODUCTS');
  if (value === undefined || value === '') return undefined;
  if (value === 'tiled' || value === 'direct') return value;
  throw new CharnnError(`CHARNN_WEBGPU_PRODUCTS must be tiled or direct, not ${JSON.stringify(value)}`);
}

/** Opens the engine once and provides it under the name 'webgpu' (default-engine.ts). */
export async function provideWebGpu(gpu: GPU): Promise<WebGpuEngine> {
  opened ??= openWebGpu(gpu);
  const engine = await opened;
  provideEngine('webgpu', () => engine);
  return engine;
}

let opened: Promise<WebGpuEngine> | undefined;
