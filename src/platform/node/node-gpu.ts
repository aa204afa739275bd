/**
 * WebGPU in Node: the optional `webgpu` package (Dawn, prebuilt), loaded only when the webgpu
 * engine is asked for.
 */
import { CharnnError } from '../../errors.js';

export async function nodeGpu(): Promise<GPU> {
  let module: typeof import('webgpu');
  try {
    module = await import('webgpu');
  } catch (error) {
    throw new CharnnError(
      `the webgpu engine needs the optional package \`webgpu\`, which did not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      'install it with `npm install webgpu` (it ships prebuilt for Linux, macOS and Windows), or use --engine wasm',
    );
  }
  return module.create([]);
}
