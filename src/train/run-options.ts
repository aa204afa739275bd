/**
 * The options a run trains with: a resumed run's are its checkpoint's (with the changes allowed
 * on resume: resume.ts), a fine-tuning run's architecture is its model's (init-from.ts), and a new
 * run's are the defaults and what it was given; then the limit when none is given, and the
 * schedule's floor (schedule.ts). Checked before any work.
 */
import type { InitModel } from './init-from.js';
import { initOptions } from './init-from.js';
import { checkScheduleRules, checkTrainOptions } from './check-options.js';
import type { Resumable } from './resumable.js';
import { resumedOptions } from './resume.js';
import { DEFAULT_LR_FLOOR } from './schedule.js';
import { DEFAULT_EPOCHS, TRAIN_DEFAULTS, type TrainOptions } from './train-options.js';

export function runOptions(
  overrides: Partial<TrainOptions>,
  resuming: Resumable | null,
  init: InitModel | null,
): { options: TrainOptions; changed: string[] } {
  const given = init ? initOptions(init.checkpoint.meta.model, init.path, overrides, 'library') : overrides;
  const { options, changed } = resuming
    ? resumedOptions(resuming.checkpoint.meta.training, overrides)
    : { options: { ...TRAIN_DEFAULTS, ...given }, changed: [] };
  if (options.epochs === null && options.steps === null && options.timeMs === null) options.epochs = DEFAULT_EPOCHS;
  checkTrainOptions(options); // the CLI's flags are checked already; a library caller's options are checked here
  if (!resuming) checkScheduleRules(options, 'library');
  // Resolved here, so the checkpoint records what the run used; the warm-up once the run's length
  // in steps is known (loop.ts: defaultWarmup).
  if (options.schedule !== 'char-rnn') options.lrFloor ??= DEFAULT_LR_FLOOR;
  return { options, changed };
}
