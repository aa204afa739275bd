/**
 * Optimizers over one flat parameter buffer and one flat gradient buffer, so each update is a
 * single loop. Definitions follow PyTorch's (torch.optim.Adam, RMSprop, SGD with momentum) so
 * results are comparable with the reference.
 *
 *   adam:    m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr * m^ / (sqrt(v^) + eps)
 *   rmsprop: v = a v + (1-a) g^2;  p -= lr * g / (sqrt(v) + eps)
 *   sgd:     u = mu u + g;         p -= lr * u
 */
import type { Floats } from '../tensor/types.js';
import { adamUpdate, allocFloats } from '../tensor/backend.js';
import { ADAM_BETA1, ADAM_BETA2 } from '../tensor/adam.js';

export const OPTIMIZERS = ['adam', 'rmsprop', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface Optimizer {
  readonly name: OptimizerName;
  /** Updates were made so far (Adam's bias correction depends on it). */
  steps: number;
  /** Moment buffers, same length as the parameters; saved for exact resume. */
  readonly moments: Float32Array[];
  update(params: Floats, grads: Floats, lr: number): void;
}

const EPS = 1e-8;
const RMSPROP_ALPHA = 0.99;
const SGD_MOMENTUM = 0.9;

export function createOptimizer(name: OptimizerName, size: number): Optimizer {
  switch (name) {
    case 'adam':
      return adam(size);
    case 'rmsprop':
      return rmsprop(size);
    case 'sgd':
      return sgd(size);
  }
}

function adam(size: number): Optimizer {
  // In engine memory, so the update runs in wasm (src/tensor/adam.ts; bit-identical to the JS loop).
  const m = allocFloats(size);
  const v = allocFloats(size);
  return {
    name: 'adam',
    steps: 0,
    moments: [m, v],
    update(p, g, lr) {
      this.steps++;
      const c1 = 1 - ADAM_BETA1 ** this.steps;
      const c2 = 1 - ADAM_BETA2 ** this.steps;
      adamUpdate(p, g, m, v, lr / c1, Math.sqrt(c2));
    },
  };
}

function rmsprop(size: number): Optimizer {
  const v = new Float32Array(size);
  return {
    name: 'rmsprop',
    steps: 0,
    moments: [v],
    update(p, g, lr) {
      this.steps++;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        const vi = RMSPROP_ALPHA * v[i] + (1 - RMSPROP_ALPHA) * gi * gi;
        v[i] = vi;
        p[i] -= (lr * gi) / (Math.sqrt(vi) + EPS);
      }
    },
  };
}

function sgd(size: number): Optimizer {
  const u = new Float32Array(size);
  return {
    name: 'sgd',
    steps: 0,
    moments: [u],
    update(p, g, lr) {
      // PyTorch's first step initialises the momentum buffer with the gradient itself.
      const first = this.steps === 0;
      this.steps++;
      for (let i = 0; i < p.length; i++) {
        const ui = first ? g[i] : SGD_MOMENTUM * u[i] + g[i];
        u[i] = ui;
        p[i] -= lr * ui;
      }
    },
  };
}
