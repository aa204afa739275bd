/**
 * Which engine a model gets when none is named: wasm when its kernels load on this platform,
 * the js reference otherwise; `--engine js|wasm` (setEngine) changes it for the process (or the
 * worker thread). One instance per engine and thread: the wasm engine's arena is this thread's.
 */
import { CharnnError } from '../errors.js';
import type { Engine, EngineName } from './engine.js';
import { JsEngine } from './js/js-engine.js';
import { defaultKernels, kernelsLoadError } from './wasm/kernels.js';
import { WasmEngine } from './wasm/wasm-engine.js';

let chosen: Engine | undefined;
let js: JsEngine | undefined;
let wasm: WasmEngine | undefined;

/** The engine named, this thread's instance; 'wasm' throws when its kernels cannot be loaded. */
export function engineNamed(name: EngineName): Engine {
  if (name === 'js') return (js ??= new JsEngine(Float32Array));
  if (wasm === undefined) {
    const kernels = defaultKernels();
    if (kernels === null) {
      throw new CharnnError(
        `the WebAssembly kernels are unavailable: ${kernelsLoadError()?.message ?? 'unknown reason'}`,
        'run `npm run build:wasm`, or use the JavaScript engine (--engine js)',
      );
    }
    wasm = new WasmEngine(kernels);
  }
  return wasm;
}

/** Makes `name` the engine of every model created from now on (in this thread). */
export function setEngine(name: EngineName): void {
  chosen = engineNamed(name);
}

/** The engine new models use: the one set, else wasm if it loads, else js. */
export function defaultEngine(): Engine {
  if (chosen === undefined) {
    try {
      chosen = engineNamed('wasm');
    } catch {
      chosen = engineNamed('js');
    }
  }
  return chosen;
}

/** The name of defaultEngine(). */
export function getEngine(): EngineName {
  return defaultEngine().name;
}
