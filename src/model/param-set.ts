/**
 * Parameters in PyTorch's layout (docs/ARCHITECTURE.md, "Checkpoints"), held in one flat buffer
 * with named views built once, so the optimizer, clipping and checkpointing are single passes.
 * The buffer is an engine's tensor in a model (CharLM), or a host Float32Array (Float64Array in
 * gradient checks) in a checkpoint on its way to or from a file.
 *
 * Per direction (the backward model of a bilstm carries the prefix `backward.`):
 *   rnn.weight_ih_l{k}  (G*H, D)   D = V for layer 0 (one-hot input), H above
 *   rnn.weight_hh_l{k}  (G*H, H)
 *   rnn.bias_ih_l{k}    (G*H)
 *   rnn.bias_hh_l{k}    (G*H)
 *   decoder.weight      (V, H)
 *   decoder.bias        (V)
 */
import type { Engine, Tensor } from '../engine/engine.js';
import type { FloatCtor, Floats } from '../engine/floats.js';
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

/** Values in all of the specs' tensors. */
export function totalSize(specs: readonly ParamSpec[]): number {
  return specs.reduce((n, s) => n + sizeOf(s.shape), 0);
}

/** A flat buffer plus a named view (no copy) of every tensor in it. */
export class ParamSet<B> {
  readonly specs: ParamSpec[];
  readonly data: B;
  readonly views: Map<string, B>;

  constructor(specs: ParamSpec[], data: B, length: number, view: (data: B, offset: number, length: number) => B) {
    const total = totalSize(specs);
    if (length !== total) throw new Error(`parameter buffer has ${length} values, layout needs ${total}`);
    this.specs = specs;
    this.data = data;
    this.views = new Map();
    let offset = 0;
    for (const s of specs) {
      const n = sizeOf(s.shape);
      this.views.set(s.name, view(data, offset, n));
      offset += n;
    }
  }

  get(name: string): B {
    const v = this.views.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }
}

/** Parameters in host memory (a checkpoint's); zeros unless data is given. */
export function hostParams<F extends Floats = Float32Array>(specs: ParamSpec[], data?: F, ctor: FloatCtor = Float32Array): ParamSet<F> {
  const buffer = data ?? (new ctor(totalSize(specs)) as F);
  return new ParamSet<F>(specs, buffer, buffer.length, (d, offset, n) => d.subarray(offset, offset + n) as F);
}

/** Parameters (or their gradients) in an engine's memory, zeros. */
export function engineParams(engine: Engine, specs: ParamSpec[]): ParamSet<Tensor> {
  const n = totalSize(specs);
  return new ParamSet<Tensor>(specs, engine.zeros(n), n, (d, offset, length) => engine.view(d, offset, length));
}
