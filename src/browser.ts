/**
 * charnn's package entry in browsers (the `browser` condition of package.json's exports, which
 * bundlers such as Vite follow): the same library as in Node (index.ts), on the browser platform
 * (src/platform/browser/). What differs is what a page does not have, files:
 *
 *   loadModel(url | ArrayBuffer | Uint8Array | File)  a promise (a download, a File read)
 *   saveModel(model)                                   the checkpoint's bytes (a Uint8Array)
 *   train(text | bytes | File, name, options, callbacks, signal)
 *                                                      runs in a Web Worker; the result is the model
 *
 * Importing it fetches and compiles the WebAssembly kernels (a top-level await), so that
 * everything after the import runs on them, as in Node. Threads (training, evaluating big texts)
 * only where the page is cross-origin isolated; one thread otherwise.
 */
import { installPlatform } from './platform/platform.js';
import { browserPlatform } from './platform/browser/browser-platform.js';
import { compileKernels } from './platform/browser/kernel-modules.js';
import { MemoryFiles } from './platform/browser/memory-files.js';
import { canShareMemory, isBlob, web, type WebBlob } from './platform/browser/web-api.js';
import { trainInWorker, type PageCorpus, type PageTrainCallbacks, type PageTrainResult } from './platform/browser/page-train.js';
import { CharnnError } from './errors.js';
import { decodeModel, encodeModel, type LoadedModel } from './index.js';
import { getEngine } from './engine/default-engine.js';
import { kernelsVariant } from './engine/wasm/kernels.js';
import type { PageTrainOptions } from './platform/browser/train-messages.js';
import './engine/js/provide-js-engine.js'; // the js reference engine, where wasm does not load

const settings: Record<string, string> = { ...(web.charnnSettings ?? {}) };
const env = { kernels: await compileKernels(settings), settings, files: new MemoryFiles() };
installPlatform(browserPlatform(env));

export * from './index.js';
export type { PageCorpus, PageEvalReport, PageTrainCallbacks, PageTrainResult } from './platform/browser/page-train.js';
export type { PageTrainOptions } from './platform/browser/train-messages.js';

/** Where a model comes from in a page: a URL (fetched), a checkpoint's bytes, or a File. */
export type ModelSource = string | URL | ArrayBuffer | Uint8Array | WebBlob;

/**
 * A model from a URL (relative to the page), bytes or a File. Rejects with a CharnnError naming
 * the source: a failed or truncated download, a file that is not a charnn checkpoint.
 */
export async function loadModel(source: ModelSource, name?: string): Promise<LoadedModel> {
  return decodeModel(await bytesOf(source, name), name ?? nameOf(source));
}

/** A model's checkpoint bytes (the model alone), which `charnn` loads: a page offers them as a
 *  .safetensors download. */
export function saveModel(loaded: LoadedModel): Promise<Uint8Array> {
  return encodeModel(loaded);
}

/**
 * Trains a model in a Web Worker, with the options and callbacks of Node's train(); resolves to
 * the trained model with the run's summary. onEval's report carries a one-line sample.
 */
export function train(
  text: PageCorpus,
  corpusName = 'text',
  options: PageTrainOptions = {},
  callbacks: PageTrainCallbacks = {},
  signal?: AbortSignal,
): Promise<PageTrainResult> {
  return trainInWorker(env, text, corpusName, options, callbacks, signal);
}

/** What this page runs on: the engine, the kernels' build, and how many threads it may use. */
export function environment(): { engine: string; kernels: string | null; threads: number; crossOriginIsolated: boolean } {
  return {
    engine: getEngine(),
    kernels: kernelsVariant(),
    threads: canShareMemory() ? browserCores() : 1,
    crossOriginIsolated: canShareMemory(),
  };
}

function browserCores(): number {
  return Math.max(1, web.navigator?.hardwareConcurrency ?? 1);
}

function nameOf(source: ModelSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (isBlob(source)) return source.name ?? 'file';
  return 'checkpoint';
}

async function bytesOf(source: ModelSource, name: string | undefined): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (isBlob(source)) return new Uint8Array(await source.arrayBuffer());
  const url = source instanceof URL ? source : new URL(source, (globalThis as { location?: { href: string } }).location?.href);
  const label = name ?? nameOf(source);
  try {
    const response = await web.fetch(url);
    if (!response.ok)
      throw new CharnnError(`${label}: HTTP ${response.status} ${response.statusText}`.trim(), 'check the address of the model');
    return new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    if (e instanceof CharnnError) throw e;
    throw new CharnnError(
      `${label}: the download failed (${e instanceof Error ? e.message : String(e)})`,
      'check the connection, then load it again',
    );
  }
}
