/**
 * The library's model handle: a model with its vocabulary and checkpoint metadata, as
 * loadModel(), train() and importTorchModel() give it, and the check every function taking one
 * makes, so that `score(undefined, ...)` is a UsageError naming the argument.
 */
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointMeta } from '../io/checkpoint.js';
import { importStateDict, readVocabJson } from '../io/torch-import.js';
import { CharLM } from '../model/charlm.js';
import { CELLS, type CellType } from '../model/config.js';
import { Vocab } from '../tokenizer/vocab.js';
import { describe, expectChoice, expectPath, expectString } from '../util/arguments.js';
import { UsageError } from '../errors.js';

/** A trained model with its vocabulary, as read from a checkpoint. */
export interface LoadedModel {
  model: CharLM;
  vocab: Vocab;
  meta: CheckpointMeta;
}

/** A usage error unless `value` is a LoadedModel. */
export function expectModel(fn: string, value: unknown, arg = 'model'): asserts value is LoadedModel {
  const m = value as Partial<LoadedModel> | null | undefined;
  if (typeof m !== 'object' || m === null || !(m.model instanceof CharLM) || !(m.vocab instanceof Vocab) || typeof m.meta !== 'object')
    throw new UsageError(`${fn}: ${arg} must be a loaded model (from loadModel, or a train() result's checkpoint), got ${describe(value)}`);
}

/** The model saved in a checkpoint file. */
export function loadModel(path: string): LoadedModel {
  expectPath('loadModel', 'path', path);
  const { params, meta } = loadCheckpoint(path);
  return { model: new CharLM(meta.model, params), vocab: Vocab.fromSymbols(meta.vocab), meta };
}

/** A model from a checkpoint's bytes (a download, a File's); `name` names it in errors. */
export function decodeModel(bytes: Uint8Array, name = 'checkpoint'): LoadedModel {
  if (!(bytes instanceof Uint8Array)) throw new UsageError(`decodeModel: bytes must be a Uint8Array, got ${describe(bytes)}`);
  expectString('decodeModel', 'name', name);
  const { params, meta } = decodeCheckpoint(bytes, name);
  return { model: new CharLM(meta.model, params), vocab: Vocab.fromSymbols(meta.vocab), meta };
}

/** A model's checkpoint bytes (its weights read back from its engine), the model alone: what
 *  saveModel writes, and what `charnn` loads. */
export async function encodeModel(loaded: LoadedModel): Promise<Uint8Array> {
  expectModel('encodeModel', loaded);
  return encodeCheckpoint(await loaded.model.hostWeights(), loaded.meta);
}

/** Writes a model to a checkpoint file (its weights read back from its engine). */
export async function saveModel(path: string, loaded: LoadedModel): Promise<void> {
  expectPath('saveModel', 'path', path);
  expectModel('saveModel', loaded);
  saveCheckpoint(path, await loaded.model.hostWeights(), loaded.meta);
}

/**
 * A model from a PyTorch state_dict saved with safetensors (the names of the README's
 * "Continue in PyTorch" modules) and its vocabulary (an array of symbols in id order, or the
 * path of a JSON file holding one). Save it with saveModel(path, m).
 */
export function importTorchModel(weightsPath: string, vocab: readonly string[] | string, cell: CellType): LoadedModel {
  expectPath('importTorchModel', 'weightsPath', weightsPath);
  if (typeof vocab !== 'string' && !(Array.isArray(vocab) && vocab.every((s) => typeof s === 'string')))
    throw new UsageError(`importTorchModel: vocab must be an array of symbols or the path of a JSON file, got ${describe(vocab)}`);
  expectChoice('importTorchModel', 'cell', cell, CELLS);
  const symbols = typeof vocab === 'string' ? readVocabJson(vocab) : vocab;
  const { params, meta } = importStateDict(weightsPath, symbols, cell);
  return { model: new CharLM(meta.model, params), vocab: Vocab.fromSymbols(meta.vocab), meta };
}
