/**
 * The character language model: a config, one flat parameter buffer in its engine's memory, and
 * per direction the named views its layers and decoder read. The model owns its vocabulary size
 * but not the vocabulary itself (the tokenizer does; the checkpoint stores both).
 */
import { UsageError } from '../errors.js';
import { describe } from '../util/arguments.js';
import { defaultEngine } from '../engine/default-engine.js';
import type { Engine, LayerWeightsOf, Tensor } from '../engine/engine.js';
import type { Floats } from '../engine/floats.js';
import type { Rng } from '../util/rng.js';
import { baseCellOf, directionsOf, isModelConfig, type Direction, type ModelConfig } from './config.js';
import { engineParams, hostParams, ParamSet, paramSpecs, prefixOf, totalSize } from './param-set.js';

/** The views one direction's layers and decoder read, in a ParamSet of weights or of gradients. */
export interface DirectionViews<B> {
  layers: LayerWeightsOf<B>[];
  decoder: { w: B; b: B }; // (V x H), (V)
}

export function directionViews<B>(set: ParamSet<B>, config: ModelConfig, direction: Direction): DirectionViews<B> {
  const p = prefixOf(direction);
  const layers: LayerWeightsOf<B>[] = [];
  for (let k = 0; k < config.layers; k++) {
    layers.push({
      wIh: set.get(`${p}rnn.weight_ih_l${k}`),
      wHh: set.get(`${p}rnn.weight_hh_l${k}`),
      bIh: set.get(`${p}rnn.bias_ih_l${k}`),
      bHh: set.get(`${p}rnn.bias_hh_l${k}`),
    });
  }
  return { layers, decoder: { w: set.get(`${p}decoder.weight`), b: set.get(`${p}decoder.bias`) } };
}

export class CharLM {
  readonly config: ModelConfig;
  readonly engine: Engine;
  readonly params: ParamSet<Tensor>;

  /** A model on `engine` (default: the process's) with the given weights, copied into it. */
  constructor(config: ModelConfig, weights: ParamSet<Floats>, engine: Engine = defaultEngine()) {
    if (!isModelConfig(config))
      throw new UsageError(`CharLM: config must be a model config { cell, vocabSize, hidden, layers, dropout }, got ${describe(config)}`);
    const size = totalSize(paramSpecs(config));
    const data = (weights as Partial<ParamSet<Floats>> | null)?.data;
    if (!(data instanceof Float32Array || data instanceof Float64Array) || data.length !== size)
      throw new UsageError(`CharLM: weights must be the ${size} parameters of this config (a ParamSet), got ${describe(weights)}`);
    this.config = config;
    this.engine = engine;
    this.params = engineParams(engine, paramSpecs(config));
    engine.write(this.params.data, weights.data);
  }

  get directions(): Direction[] {
    return directionsOf(this.config.cell);
  }

  views(direction: Direction): DirectionViews<Tensor> {
    return directionViews(this.params, this.config, direction);
  }

  parameterCount(): number {
    return this.engine.size(this.params.data);
  }

  /** The weights read back to the host (for a checkpoint). */
  async hostWeights(): Promise<ParamSet<Float32Array>> {
    const host = hostParams(this.params.specs);
    await this.engine.read(this.params.data, host.data);
    return host;
  }
}

/**
 * PyTorch's default initialisation, so a fresh charnn model starts where a fresh torch one
 * would: recurrent weights and biases U(-1/sqrt(H), 1/sqrt(H)); decoder U(-1/sqrt(H), 1/sqrt(H)).
 * LSTM forget-gate input bias starts at 1 (as torch-rnn does) so early gradients flow through time.
 */
export function initParams(config: ModelConfig, rng: Rng): ParamSet<Float32Array> {
  const params = hostParams(paramSpecs(config));
  const bound = 1 / Math.sqrt(config.hidden);
  for (let i = 0; i < params.data.length; i++) params.data[i] = rng.uniform(-bound, bound);
  if (baseCellOf(config.cell) === 'lstm') {
    const H = config.hidden;
    for (const direction of directionsOf(config.cell)) {
      for (let k = 0; k < config.layers; k++) {
        params.get(`${prefixOf(direction)}rnn.bias_ih_l${k}`).fill(1, H, 2 * H);
        params.get(`${prefixOf(direction)}rnn.bias_hh_l${k}`).fill(0, H, 2 * H);
      }
    }
  }
  return params;
}
