/**
 * Which engine a model gets when none is named, and the engines this process has: wasm is always
 * here (it is the default, when its kernels load on this platform); the others are provided by
 * the entry points that can use them (provideEngine), so a command loads only the engine it runs
 * on: the js reference (src/node.ts, the CLI when asked for it or when wasm does not load, the
 * worker threads' scripts). `--engine js|wasm` (setEngine) chooses one for the process (or the
 * worker thread). One instance per engine and thread: the wasm engine's arena is this thread's.
 */
import { expectChoice } from '../util/arguments.js';
import { CharnnError } from '../errors.js';
import { ENGINE_NAMES, type Engine, type EngineName } from './engine.js';
import { defaultKernels, kernelsLoadError } from './wasm/kernels.js';
import { WasmEngine } from './wasm/wasm-engine.js';

const factories = new Map<EngineName, () => Engine>([['wasm', wasmEngine]]);
const instances = new Map<EngineName, Engine>();
let chosen: Engine | undefined;

function wasmEngine(): Engine {
  const kernels = defaultKernels();
  if (kernels === null) {
    throw new CharnnError(
      `the WebAssembly kernels are unavailable: ${kernelsLoadError()?.message ?? 'unknown reason'}`,
      'run `npm run build:wasm`, or use the JavaScript engine (--engine js)',
    );
  }
  return new WasmEngine(kernels);
}

/** Makes an engine available under its name (made when first asked for). */
export function provideEngine(name: EngineName, make: () => Engine): void {
  if (!factories.has(name)) factories.set(name, make);
}

/** The engine named, this thread's instance; throws when it cannot be made here. */
export function engineNamed(name: EngineName): Engine {
  let engine = instances.get(name);
  if (engine === undefined) {
    const make = factories.get(name);
    if (make === undefined) throw new CharnnError(`internal error: the ${name} engine was not provided to this process`);
    engine = make();
    instances.set(name, engine);
  }
  return engine;
}

/** True when the wasm engine can run here (its kernels load). */
export function wasmAvailable(): boolean {
  return defaultKernels() !== null;
}

/** Makes `name` the engine of every model created from now on (in this thread). */
export function setEngine(name: EngineName): void {
  expectChoice('setEngine', 'name', name, ENGINE_NAMES);
  chosen = engineNamed(name);
}

/** The engine new models use: the one set, else wasm if it loads, else js. */
export function defaultEngine(): Engine {
  chosen ??= wasmAvailable() ? engineNamed('wasm') : engineNamed('js');
  return chosen;
}

/** The name of defaultEngine(). */
export function getEngine(): EngineName {
  return defaultEngine().name;
}
