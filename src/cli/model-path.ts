/**
 * Which checkpoint a command uses: -m/--model, or else the most recently written checkpoint
 * under ./checkpoints, so `charnn sample` just works after `charnn train corpus.txt`.
 */
import { readdirSync, statSync } from 'node:fs';
import { Option } from 'commander';
import { join, relative } from 'node:path';
import type { CliIO } from './io.js';
import { CharnnError } from '../errors.js';
import { CHECKPOINT_EXTENSION, loadCheckpoint, type Checkpoint } from '../io/checkpoint.js';

export const CHECKPOINT_DIR = 'checkpoints';

/** -m/--model, the same on every command that reads a model. */
export function modelFlag(): Option {
  return new Option('-m, --model <path>', `checkpoint (default: the newest in ${CHECKPOINT_DIR}/)`);
}

export function resolveModelPath(model: string | undefined, cwd: string): string {
  if (model) return model;
  const latest = findLatestCheckpoint(join(cwd, CHECKPOINT_DIR));
  if (!latest) {
    throw new CharnnError(
      `no model given and no checkpoint found in ${CHECKPOINT_DIR}/`,
      'train one first (charnn train corpus.txt) or pass -m MODEL',
    );
  }
  return latest;
}

/**
 * The checkpoint of -m, or the newest under checkpoints/; a checkpoint picked that way is named
 * on stderr (one line), so that a second model trained later never changes an answer unnoticed.
 */
export function loadModelFile(model: string | undefined, io: Pick<CliIO, 'cwd' | 'stderr'>): { path: string; checkpoint: Checkpoint } {
  const path = resolveModelPath(model, io.cwd);
  if (!model) io.stderr.write(`model: ${relative(io.cwd, path)} (the newest in ${CHECKPOINT_DIR}/; -m MODEL to choose)\n`);
  return { path, checkpoint: loadCheckpoint(path) };
}

/** The newest *.safetensors in `dir` by modification time; undefined if there is none or no such dir. */
export function findLatestCheckpoint(dir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new CharnnError(`cannot list checkpoints in ${dir}: ${(e as Error).message}`);
  }
  let best: { path: string; mtime: number } | undefined;
  // Sorted so that equal mtimes resolve the same way on every run; dot files are our temp files.
  for (const name of names.sort()) {
    if (!name.endsWith(CHECKPOINT_EXTENSION) || name.startsWith('.')) continue;
    const path = join(dir, name);
    let mtime: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) continue;
      mtime = st.mtimeMs;
    } catch {
      continue; // vanished or a dangling link: not a candidate
    }
    if (!best || mtime >= best.mtime) best = { path, mtime };
  }
  return best?.path;
}
