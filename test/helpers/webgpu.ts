/**
 * The webgpu engine for tests. They run on whatever WebGPU adapter Dawn (the `webgpu` package)
 * finds, preferring Debian chromium's SwiftShader, a Vulkan driver on the CPU, where it is
 * installed and VK_ICD_FILENAMES names no other: the same software GPU on every machine, and
 * the one CI has (.ci/run installs chromium). Without an adapter a test skips with the reason;
 * with CHARNN_REQUIRE_WEBGPU=1 (set by .ci/run) it fails instead.
 */
import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProductForm } from '../../src/engine/webgpu/dispatcher.js';
import { openWebGpu } from '../../src/engine/webgpu/open-webgpu.js';
import type { WebGpuEngine } from '../../src/engine/webgpu/webgpu-engine.js';
import { nodeGpu } from '../../src/platform/node/node-gpu.js';

/** Where Debian's chromium package puts SwiftShader's Vulkan driver manifest. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Sets this process's environment (which child processes inherit) to find the same adapter:
 * SwiftShader where it is installed and nothing else is named, and a private XDG_RUNTIME_DIR
 * where none is set (the Vulkan loader's window-system libraries print an error line on stderr
 * without one, which a desktop session always has).
 */
export function gpuEnv(): NodeJS.ProcessEnv {
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (process.env.XDG_RUNTIME_DIR === undefined || !existsSync(process.env.XDG_RUNTIME_DIR)) {
    process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'charnn-xdg-'));
    chmodSync(process.env.XDG_RUNTIME_DIR, 0o700);
  }
  return process.env;
}

const engines = new Map<ProductForm, Promise<WebGpuEngine | string>>();

/** An engine whose products take `form`, or why there is none here. One device per form and process. */
export function gpuEngine(form: ProductForm = 'direct'): Promise<WebGpuEngine | string> {
  let engine = engines.get(form);
  if (engine === undefined) {
    engine = open(form);
    engines.set(form, engine);
  }
  return engine;
}

async function open(form: ProductForm): Promise<WebGpuEngine | string> {
  gpuEnv();
  try {
    return await openWebGpu(await nodeGpu(), form);
  } catch (error) {
    const reason = `no WebGPU here (${error instanceof Error ? error.message : String(error)}); apt-get install chromium libvulkan1 gives SwiftShader`;
    if (process.env.CHARNN_REQUIRE_WEBGPU === '1') throw new Error(`CHARNN_REQUIRE_WEBGPU=1: ${reason}`);
    return reason;
  }
}

/** The engine, or skips the test with the reason there is none. */
export async function gpuOrSkip(ctx: { skip(note: string): void }, form?: ProductForm): Promise<WebGpuEngine> {
  const engine = await gpuEngine(form);
  if (typeof engine === 'string') {
    ctx.skip(engine);
    throw new Error('unreachable: ctx.skip throws');
  }
  return engine;
}
