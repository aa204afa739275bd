/**
 * Loads this thread's WebAssembly SIMD kernels (asm/kernels.ts, built into dist/wasm/ by
 * `npm run build:wasm`): what they offer is wasm-kernels.ts (the signatures of the reference
 * kernels in ../js/: products, the cells' time loops, gathers, softmax, the optimizer's passes),
 * and bind-kernels.ts binds a module to an arena with its checks.
 *
 * The module comes from the platform (compiled once per thread); loading never throws here:
 * a missing or unloadable module gives null, with the reason in kernelsLoadError().
 *
 * Two builds of the same source (scripts/build-wasm.mjs): 'fma' uses relaxed SIMD's fused
 * multiply-add in the matrix products, 'simd' plain wasm SIMD; if 'fma' does not compile here,
 * 'simd' is used. The setting CHARNN_WASM=simd forces the plain build (for comparisons).
 */
import { platform, type KernelVariant } from '../../platform/platform.js';
import type { WasmArena } from './arena.js';
import { instantiate } from './bind-kernels.js';
import type { WasmKernels } from './wasm-kernels.js';

export { instantiate } from './bind-kernels.js';
export type { WasmKernels } from './wasm-kernels.js';

export type { KernelVariant };

let loaded: WasmKernels | null | undefined;
let loadedVariant: KernelVariant | null = null;
let loadError: Error | null = null;

/** This thread's kernels, bound to a fresh arena, or null when the module cannot be loaded. */
export function defaultKernels(): WasmKernels | null {
  if (loaded === undefined) {
    const order: KernelVariant[] = platform().setting('CHARNN_WASM') === 'simd' ? ['simd'] : ['fma', 'simd'];
    loaded = null;
    for (const variant of order) {
      try {
        loaded = loadKernels(variant);
        loadedVariant = variant;
        loadError = null;
        break;
      } catch (e) {
        loadError = e instanceof Error ? e : new Error(String(e));
      }
    }
  }
  return loaded;
}

/** Which build defaultKernels() loaded (null when none). */
export function kernelsVariant(): KernelVariant | null {
  defaultKernels();
  return loadedVariant;
}

/** Why defaultKernels() returned null (null when it did not). */
export function kernelsLoadError(): Error | null {
  defaultKernels();
  return loadError;
}

/** One build on a fresh arena; throws when it cannot be read or compiled. For tests and benches. */
export function loadKernels(variant: KernelVariant, arena?: WasmArena): WasmKernels {
  return instantiate(platform().kernelModule(variant), arena);
}
