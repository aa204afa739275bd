/**
 * --engine: which engine this command's models run on, chosen before any model exists.
 *   wasm    the default; js where the WebAssembly kernels cannot load
 *   js      the plain TypeScript reference
 *   webgpu  the GPU (an error naming what is missing when there is none)
 *   auto    webgpu on a hardware adapter, never a software one (slower than wasm); wasm otherwise;
 *           says on stderr which it picked and why
 */
import type { EngineName } from '../engine/engine.js';
import { CharnnError } from '../errors.js';
import type { Platform } from '../platform/platform.js';
import type { CliIO } from './io.js';

export const ENGINE_CHOICES = ['wasm', 'webgpu', 'js', 'auto'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

export async function chooseEngine(choice: EngineChoice | undefined, platform: Platform, io: CliIO): Promise<void> {
  const engines = await import('../engine/default-engine.js');
  // The js reference is loaded only when it is asked for or wasm cannot run here.
  if (choice === 'js' || !engines.wasmAvailable()) await import('../engine/js/provide-js-engine.js');
  let name: EngineName | undefined = choice === 'auto' ? undefined : choice;
  if (choice === 'webgpu') {
    const gpu = await openGpu(platform);
    if (gpu.fallback)
      io.stderr.write(`charnn: note: the WebGPU adapter is a software one (${gpu.description}): correct, but slower than --engine wasm\n`);
  } else if (choice === 'auto') {
    const cpu: EngineName = engines.wasmAvailable() ? 'wasm' : 'js';
    let why: string;
    try {
      const gpu = await openGpu(platform);
      if (!gpu.fallback) {
        io.stderr.write(`charnn: engine auto: webgpu, on ${gpu.description}\n`);
        name = 'webgpu';
      }
      why = `the WebGPU adapter is a software one (${gpu.description})`;
    } catch (error) {
      if (!(error instanceof CharnnError)) throw error;
      why = error.message;
    }
    if (name === undefined) {
      io.stderr.write(`charnn: engine auto: ${cpu}, because ${why}\n`);
      name = cpu;
    }
  }
  if (name) engines.setEngine(name);
}

async function openGpu(platform: Platform) {
  const { provideWebGpu } = await import('../engine/webgpu/open-webgpu.js');
  return provideWebGpu(await platform.gpu());
}
