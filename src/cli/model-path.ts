/**
 * Which checkpoint a command uses: -m/--model, or else the most recently written checkpoint
 * under ./checkpoints, so `charnn sample` just works after `charnn train corpus.txt`.
 */
import { join } from 'node:path';
import { CharnnError } from '../errors.js';
import { findLatestCheckpoint, loadCheckpoint, type Checkpoint } from '../io/checkpoint.js';

export const CHECKPOINT_DIR = 'checkpoints';

export function resolveModelPath(model: string | undefined, cwd: string): string {
  if (model) return model;
  const latest = findLatestCheckpoint(join(cwd, CHECKPOINT_DIR));
  if (!latest) {
    throw new CharnnError(`no model given and no checkpoint found in ${CHECKPOINT_DIR}/`, 'train one first (charnn train corpus.txt) or pass -m MODEL');
  }
  return latest;
}

export function loadModelFile(model: string | undefined, cwd: string): { path: string; checkpoint: Checkpoint } {
  const path = resolveModelPath(model, cwd);
  return { path, checkpoint: loadCheckpoint(path) };
}
