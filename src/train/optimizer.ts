/**
 * Optimizers over one flat parameter buffer and one flat gradient buffer, so each update is a
 * single pass in the engine (the formulas: src/engine/js/optimizer-steps.ts). Definitions follow
 * PyTorch's (torch.optim.Adam, RMSprop, SGD with momentum) so results are comparable with the
 * reference.
 *
 *   adam:    m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr * m^ / (sqrt(v^) + eps)
 *   rmsprop: v = a v + (1-a) g^2;  p -= lr * g / (sqrt(v) + eps)
 *   sgd:     u = mu u + g;         p -= lr * u
 */
import type { Engine, Tensor } from '../engine/engine.js';
import { ADAM_BETA1, ADAM_BETA2 } from '../engine/js/optimizer-steps.js';

export const OPTIMIZERS = ['adam', 'rmsprop', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface Optimizer {
  readonly name: OptimizerName;
  /** Updates were made so far (Adam's bias correction depends on it). */
  steps: number;
  /** Moment buffers in the engine, same length as the parameters; saved for exact resume. */
  readonly moments: Tensor[];
  update(params: Tensor, grads: Tensor, lr: number): void;
}

export function createOptimizer(name: OptimizerName, engine: Engine, size: number): Optimizer {
  switch (name) {
    case 'adam':
      return adam(engine, size);
    case 'rmsprop':
      return rmsprop(engine, size);
    case 'sgd':
      return sgd(engine, size);
  }
}

function adam(engine: Engine, size: number): Optimizer {
  const m = engine.zeros(size);
  const v = engine.zeros(size);
  return {
    name: 'adam',
    steps: 0,
    moments: [m, v],
    update(p, g, lr) {
      this.steps++;
      const c1 = 1 - ADAM_BETA1 ** this.steps;
      const c2 = 1 - ADAM_BETA2 ** this.steps;
      engine.adamUpdate(p, g, m, v, lr / c1, Math.sqrt(c2));
    },
  };
}

function rmsprop(engine: Engine, size: number): Optimizer {
  const v = engine.zeros(size);
  return {
    name: 'rmsprop',
    steps: 0,
    moments: [v],
    update(p, g, lr) {
      this.steps++;
      engine.rmspropUpdate(p, g, v, lr);
    },
  };
}

function sgd(engine: Engine, size: number): Optimizer {
  const u = engine.zeros(size);
  return {
    name: 'sgd',
    steps: 0,
    moments: [u],
    update(p, g, lr) {
      // PyTorch's first step initialises the momentum buffer with the gradient itself.
      const first = this.steps === 0;
      this.steps++;
      engine.sgdUpdate(p, g, u, lr, first);
    },
  };
}
