/**
 * The WebAssembly kernels in a browser: fetched and compiled once, asynchronously, when the
 * library loads (WebAssembly.compileStreaming: compiled while it downloads), because the core asks
 * for a compiled module synchronously (Platform.kernelModule) and a browser's main thread may not
 * compile a large module synchronously. The compiled modules are handed to every worker, which
 * instantiates them on its own memory without fetching or compiling again.
 *
 * The same two builds as in Node, tried in the same order ('fma', then plain 'simd'; the
 * setting CHARNN_WASM=simd skips the first), so a page computes the bits the CLI computes.
 */
import type { KernelVariant } from '../platform.js';
import { kernelUrl } from './asset-urls.js';
import { web, type WebResponse } from './web-api.js';

/** The compiled builds, and why a build is missing (reported when the core asks for it). */
export interface KernelModules {
  modules: Partial<Record<KernelVariant, object>>;
  errors: Partial<Record<KernelVariant, string>>;
}

export async function compileKernels(settings: Record<string, string>): Promise<KernelModules> {
  const found: KernelModules = { modules: {}, errors: {} };
  const order: KernelVariant[] = settings.CHARNN_WASM === 'simd' ? ['simd'] : ['fma', 'simd'];
  for (const variant of order) {
    try {
      found.modules[variant] = await compileFrom(kernelUrl(variant));
      break; // the first that compiles is the one the core will load: do not fetch the other
    } catch (e) {
      found.errors[variant] = e instanceof Error ? e.message : String(e);
    }
  }
  return found;
}

async function compileFrom(url: URL): Promise<object> {
  const wasm = web.WebAssembly;
  if (wasm.compileStreaming) {
    try {
      return await wasm.compileStreaming(fetchOk(url));
    } catch (e) {
      // A server that does not send application/wasm: compile from the bytes below. A module
      // this browser cannot compile fails there too, with the compiler's own message.
      if (!(e instanceof TypeError)) throw e;
    }
  }
  return wasm.compile(await (await fetchOk(url)).arrayBuffer());
}

async function fetchOk(url: URL): Promise<WebResponse> {
  const response = await web.fetch(url);
  if (!response.ok) throw new Error(`${url.href}: HTTP ${response.status} ${response.statusText}`);
  return response;
}
