/**
 * Parameters in PyTorch's layout (GUIDE.md, section 2), held in one flat buffer with named
 * views built once, so the optimizer, clipping and checkpointing are single loops.
 *
 * Per direction (the backward model of a bilstm carries the prefix `backward.`):
 *   rnn.weight_ih_l{k}  (G*H, D)   D = V for layer 0 (one-hot input), H above
 *   rnn.weight_hh_l{k}  (G*H, H)
 *   rnn.bias_ih_l{k}    (G*H)
 *   rnn.bias_hh_l{k}    (G*H)
 *   decoder.weight      (V, H)
 *   decoder.bias        (V)
 */
import type { Floats, FloatCtor } from '../tensor/types.js';
import { allocLike } from '../tensor/alloc.js';
import { inEngineMemory } from '../tensor/backend.js';
import { baseCellOf, directionsOf, gatesOf, type Direction, type ModelConfig } from './config.js';

export interface ParamSpec {
  name: string;
  shape: number[];
}

export function prefixOf(direction: Direction): string {
  return direction === 'backward' ? 'backward.' : '';
}

/** Every tensor of a model, in the order they are laid out in the flat buffer. */
export function paramSpecs(config: ModelConfig): ParamSpec[] {
  const { vocabSize: V, hidden: H, layers: L } = config;
  const G = gatesOf(baseCellOf(config.cell));
  const specs: ParamSpec[] = [];
  for (const direction of directionsOf(config.cell)) {
    const p = prefixOf(direction);
    for (let k = 0; k < L; k++) {
      const D = k === 0 ? V : H;
      specs.push({ name: `${p}rnn.weight_ih_l${k}`, shape: [G * H, D] });
      specs.push({ name: `${p}rnn.weight_hh_l${k}`, shape: [G * H, H] });
      specs.push({ name: `${p}rnn.bias_ih_l${k}`, shape: [G * H] });
      specs.push({ name: `${p}rnn.bias_hh_l${k}`, shape: [G * H] });
    }
    specs.push({ name: `${p}decoder.weight`, shape: [V, H] });
    specs.push({ name: `${p}decoder.bias`, shape: [V] });
  }
  return specs;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A flat buffer plus a named view (subarray, no copy) of every tensor in it. */
export class ParamSet<F extends Floats = Float32Array> {
  readonly specs: ParamSpec[];
  readonly data: F;
  readonly views: Map<string, F>;

  constructor(specs: ParamSpec[], data: F) {
    const total = specs.reduce((n, s) => n + sizeOf(s.shape), 0);
    if (data.length !== total) throw new Error(`parameter buffer has ${data.length} values, layout needs ${total}`);
    this.specs = specs;
    this.data = data;
    this.views = new Map();
    let offset = 0;
    for (const s of specs) {
      const n = sizeOf(s.shape);
      this.views.set(s.name, data.subarray(offset, offset + n) as F);
      offset += n;
    }
  }

  static zeros<F extends Floats>(specs: ParamSpec[], ctor: FloatCtor): ParamSet<F> {
    const total = specs.reduce((n, s) => n + sizeOf(s.shape), 0);
    return new ParamSet<F>(specs, allocLike<F>(ctor, total));
  }

  /** This set, or a copy of it in the engine's memory when the engine cannot use it in place. */
  inEngineMemory(): ParamSet<F> {
    if (inEngineMemory(this.data)) return this;
    const copy = allocLike<F>(this.data.constructor as FloatCtor, this.data.length);
    copy.set(this.data);
    return new ParamSet<F>(this.specs, copy);
  }

  get(name: string): F {
    const v = this.views.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }
}
