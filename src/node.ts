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
