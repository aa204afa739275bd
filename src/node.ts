/**
 * charnn's package entry in Node: installs Node's platform (files, worker threads, the
 * WebAssembly kernels from dist/wasm) and exports the library (index.ts), with fileSource, a
 * corpus read from a file in chunks (or from a folder's text files, or a list of files and folders).
 */
import { installPlatform } from './platform/platform.js';
import { nodePlatform } from './platform/node/node-platform.js';
import './engine/js/provide-js-engine.js'; // the js reference engine, for --engine js and where wasm does not load

installPlatform(nodePlatform);

export * from './index.js';
export { fileSource, type FilesSource, type SkippedFile } from './platform/node/corpus-files.js';

export type { CharnnServer, ServerOptions, AccessEntry } from './server/create-server.js';

/**
 * charnn's HTTP server (what `charnn serve` runs): `const s = await createServer({ models: [path] });
 * const url = await s.listen();` or mount it in your own Node server with `s.handle(req, res)`
 * after `await s.ready()`. Loaded when called, so `import 'charnn'` does not load the HTTP stack.
 */
export async function createServer(
  options: import('./server/create-server.js').ServerOptions,
): Promise<import('./server/create-server.js').CharnnServer> {
  return (await import('./server/create-server.js')).createServer(options);
}
