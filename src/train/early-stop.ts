/**
 * Early stopping (`--patience N`): training stops after N evaluations in a row without a better
 * validation loss than the best so far. The best checkpoint is kept as always
 * (<name>.best.safetensors). The count and the best step are part of an exact resume: they are
 * saved in the training state (as `early_stopping`, only when patience is on), so a run stopped
 * and resumed stops where the run that never stopped would.
 */
import { CharnnError } from '../errors.js';

export interface EarlyStopState {
  /** Evaluations since the best one (0 right after an improvement). */
  sinceBest: number;
  /** The step of the best validation loss so far; null before any. */
  bestStep: number | null;
}

export class EarlyStop {
  private state: EarlyStopState;

  constructor(
    readonly patience: number,
    state: EarlyStopState = { sinceBest: 0, bestStep: null },
  ) {
    this.state = { ...state };
  }

  /** After an evaluation at `step`: whether its validation loss was the best so far. */
  observe(improved: boolean, step: number): void {
    this.state = improved ? { sinceBest: 0, bestStep: step } : { sinceBest: this.state.sinceBest + 1, bestStep: this.state.bestStep };
  }

  /** True once `patience` evaluations in a row have not improved on the best. */
  get exhausted(): boolean {
    return this.state.sinceBest >= this.patience;
  }

  get sinceBest(): number {
    return this.state.sinceBest;
  }

  get bestStep(): number | null {
    return this.state.bestStep;
  }

  /** As the training state's JSON holds it. */
  toJson(): Record<string, unknown> {
    return { since_best: this.state.sinceBest, best_step: this.state.bestStep };
  }
}

/** The state saved by toJson(), checked; a run saved without patience has none (start afresh). */
export function readEarlyStop(path: string, json: unknown): EarlyStopState | null {
  if (json === undefined) return null;
  const j = json as Record<string, unknown> | null;
  const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (typeof j !== 'object' || j === null || !count(j.since_best) || !(j.best_step === null || count(j.best_step)))
    throw new CharnnError(`${path}: cannot resume: training state early_stopping ${JSON.stringify(json)} is not {since_best, best_step}`);
  return { sinceBest: j.since_best as number, bestStep: j.best_step as number | null };
}
