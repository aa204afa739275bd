/**
 * The character language model: a config, one flat parameter buffer, and per direction the
 * named views its layers and decoder read. The model owns its vocabulary size but not the
 * vocabulary itself (the tokenizer does; the checkpoint stores both).
 */
import type { Floats } from '../tensor/types.js';
import type { LayerWeights } from '../nn/layer.js';
import type { Rng } from '../util/rng.js';
import { baseCellOf, directionsOf, type Direction, type ModelConfig } from './config.js';
import { ParamSet, paramSpecs, prefixOf } from './params.js';

/** The views one direction's layers and decoder read, in a ParamSet of weights or of gradients. */
export interface DirectionViews<F extends Floats> {
  layers: LayerWeights<F>[];
  decoderWeight: F; // (V x H)
  decoderBias: F; // (V)
}

export function directionViews<F extends Floats>(set: ParamSet<F>, config: ModelConfig, direction: Direction): DirectionViews<F> {
  const p = prefixOf(direction);
  const layers: LayerWeights<F>[] = [];
  for (let k = 0; k < config.layers; k++) {
    layers.push({
      wIh: set.get(`${p}rnn.weight_ih_l${k}`),
      wHh: set.get(`${p}rnn.weight_hh_l${k}`),
      bIh: set.get(`${p}rnn.bias_ih_l${k}`),
      bHh: set.get(`${p}rnn.bias_hh_l${k}`),
    });
  }
  return { layers, decoderWeight: set.get(`${p}decoder.weight`), decoderBias: set.get(`${p}decoder.bias`) };
}

export class CharLM<F extends Floats = Float32Array> {
  readonly config: ModelConfig;
  readonly params: ParamSet<F>;

  constructor(config: ModelConfig, params: ParamSet<F>) {
    this.config = config;
    // The fast kernels work in place on engine memory: a loaded checkpoint is copied there once.
    this.params = params.inEngineMemory();
  }

  get directions(): Direction[] {
    return directionsOf(this.config.cell);
  }

  views(direction: Direction): DirectionViews<F> {
    return directionViews(this.params, this.config, direction);
  }

  parameterCount(): number {
    return this.params.data.length;
  }
}

/**
 * PyTorch's default initialisation, so a fresh charnn model starts where a fresh torch one
 * would: recurrent weights and biases U(-1/sqrt(H), 1/sqrt(H)); decoder U(-1/sqrt(H), 1/sqrt(H)).
 * LSTM forget-gate input bias starts at 1 (as torch-rnn does) so early gradients flow through time.
 */
export function initParams(config: ModelConfig, rng: Rng): ParamSet<Float32Array> {
  const params = ParamSet.zeros<Float32Array>(paramSpecs(config), Float32Array);
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
