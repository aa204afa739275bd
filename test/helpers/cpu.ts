/**
 * Tests run on the CPU engines (js, wasm), whose tensors are typed arrays: these look at a
 * model's tensors in place, where the library itself goes through Engine.read and write.
 */
import { isCpuEngine, type Engine, type Tensor } from '../../src/engine/engine.js';
import type { Floats } from '../../src/engine/floats.js';
import { JsEngine } from '../../src/engine/js/js-engine.js';

/** The values of a tensor of `owner` (a model, or an engine), in place. */
export function floatsOf(owner: { engine: Engine } | Engine, t: Tensor): Floats {
  const engine = 'engine' in owner ? owner.engine : owner;
  if (!isCpuEngine(engine)) throw new Error(`the ${engine.name} engine's tensors are not host arrays`);
  return engine.floatsOf(t);
}

/** The reference engine in float64, for gradient checks. */
export const JS64 = new JsEngine(Float64Array);
/** The reference engine in float32. */
export const JS32 = new JsEngine(Float32Array);
