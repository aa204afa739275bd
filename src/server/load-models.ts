/**
 * The checkpoints a server serves, read and checked once on the main thread (a bad file is
 * reported before anything listens), named by their file's base name; the bytes go to every
 * thread, which builds its own model from them.
 */
import { statSync } from 'node:fs';
import { CharnnError, UsageError } from '../errors.js';
import { decodeCheckpoint } from '../io/checkpoint.js';
import { Catalog, modelNameOf } from '../service/catalog.js';
import { FileReadError, platform } from '../platform/platform.js';

export interface LoadedModels {
  catalog: Catalog;
  files: { name: string; bytes: Uint8Array }[];
}

export function loadModels(paths: readonly string[]): LoadedModels {
  if (paths.length === 0) throw new UsageError('no model to serve: give one or more checkpoints');
  const files: { name: string; bytes: Uint8Array }[] = [];
  const entries = paths.map((path) => {
    const name = modelNameOf(path);
    if (files.some((f) => f.name === name))
      throw new UsageError(`two models are named ${name}: a model is addressed by its file's base name, so rename one`);
    const bytes = readCheckpointFile(path);
    const { meta } = decodeCheckpoint(bytes, path); // checks the whole file: the threads decode the same bytes
    files.push({ name, bytes });
    let created = 0;
    try {
      created = Math.floor(statSync(path).mtimeMs / 1000);
    } catch {
      // read a moment ago: a file that has just gone keeps created 0
    }
    return { name, config: meta.model, vocabSize: meta.vocab.length, created };
  });
  if (entries.length === 0) throw new CharnnError('no model loaded');
  return { catalog: new Catalog(entries), files };
}

function readCheckpointFile(path: string): Uint8Array {
  try {
    return platform().readFile(path);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    const what =
      e.reason === 'missing'
        ? 'checkpoint not found'
        : e.reason === 'directory'
          ? 'is a directory, not a checkpoint file'
          : `cannot read: ${e.detail}`;
    throw new CharnnError(`${path}: ${what}`);
  }
}
