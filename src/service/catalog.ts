/**
 * The models a service holds, by name (a checkpoint's base name: "shakespeare" for
 * shakespeare.safetensors); the first is the default, used when a request names none.
 */
import type { ModelConfig } from '../model/config.js';
import { RequestError } from './request-error.js';

export interface CatalogEntry {
  name: string;
  config: ModelConfig;
  /** Symbols in the vocabulary, <EOS> and <UNK> included. */
  vocabSize: number;
  /** Seconds since 1970 when the checkpoint was written (OpenAI's `created`), or 0 if unknown. */
  created: number;
}

export class Catalog {
  constructor(readonly entries: readonly CatalogEntry[]) {
    if (entries.length === 0) throw new Error('a catalog needs at least one model');
  }

  /** The entry a request names (the default when it names none); 404 for one not served. */
  resolve(name: unknown): CatalogEntry {
    if (name === undefined) return this.entries[0];
    const found = this.entries.find((e) => e.name === name);
    if (!found)
      throw new RequestError(
        404,
        'model_not_found',
        `model ${JSON.stringify(name)} is not served here: the models are ${this.entries.map((e) => e.name).join(', ')}`,
        'model',
      );
    return found;
  }
}

/** The model's name for a checkpoint path: its file name without directories and extension. */
export function modelNameOf(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.safetensors$/, '');
}
