/**
 * The charnn checkpoint: one .safetensors file holding every parameter tensor under its PyTorch
 * name (docs/ARCHITECTURE.md, "Checkpoints") and, in `__metadata__`, everything needed to rebuild and resume
 * the model (all values are strings, as safetensors requires):
 *
 *   format          "charnn"
 *   format_version  "2"
 *   model           JSON of ModelConfig
 *   vocab           JSON array of symbols in id order: "<EOS>", "<UNK>", then single code points
 *   training        JSON object: the resolved training config (opaque here)
 *   progress        JSON {step, epoch, best_val_nats, val_nats, chars_seen}
 *   train_state     JSON object, only in a checkpoint a run can be resumed from (opaque here;
 *                   see train/resume.ts), with its tensors stored as charnn.train_state.<name>
 *   checksum        "sha256:<hex>" over everything else in the file (see checksum.ts)
 *
 * Saving is atomic (temp file + fsync + rename), so a crash or a full disk mid-save never
 * destroys the previous checkpoint. Loading trusts nothing in the file: the checksum is checked
 * before anything in it is used, and then every field again (a file can be crafted with a
 * valid checksum). Everything is synchronous: the CLI wants a fast cold start and has nothing
 * else to do meanwhile.
 */
import { CharnnError } from '../errors.js';
import { CELLS, isCellType, type ModelConfig } from '../model/config.js';
import { hostParams, type ParamSet, paramSpecs, sizeOf } from '../model/param-set.js';
import { FileReadError, platform } from '../platform/platform.js';
import { CHECKSUM_KEY, checksumOf } from './checksum.js';
import {
  encodeSafetensors,
  parseSafetensors,
  readTensor,
  readTensorInto,
  type SafetensorsFile,
  type TensorToWrite,
} from './safetensors.js';

export const CHECKPOINT_FORMAT = 'charnn';
/** 2: sealed with a checksum, may hold a training state. Version 1 files had neither. */
export const CHECKPOINT_VERSION = '2';
/** Names of the training state's tensors start with this, so they never clash with a parameter's. */
export const TRAIN_STATE_PREFIX = 'charnn.train_state.';
const TRAIN_STATE_KEY = 'train_state';
export const CHECKPOINT_EXTENSION = '.safetensors';

export interface Progress {
  step: number;
  /** Epochs done, fractional (1.5 = halfway through the second). */
  epoch: number;
  bestValNats: number | null;
  valNats: number | null;
  charsSeen: number;
}

export interface CheckpointMeta {
  model: ModelConfig;
  vocab: string[];
  training: Record<string, unknown>;
  progress: Progress;
}

/** What a run needs besides the weights to continue exactly (written by train/resume.ts). */
export interface TrainState {
  json: Record<string, unknown>;
  /** Float32 tensors, named without the prefix. */
  tensors: TensorToWrite[];
}

export interface LoadedTrainState {
  json: Record<string, unknown>;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
}

export interface Checkpoint {
  params: ParamSet<Float32Array>;
  meta: CheckpointMeta;
  /** Whether the file holds a training state (the latest checkpoint of a run does). */
  hasTrainState: boolean;
  /** The training state when asked for (loadCheckpoint's `trainState` option) and present;
   *  otherwise null. Scoring and sampling do not need it: skipping it saves reading and checking
   *  the optimizer's moments, twice the model's size, at every start-up. */
  trainState: LoadedTrainState | null;
}

export interface LoadOptions {
  /** Also decode the training state (to resume a run). */
  trainState?: boolean;
}

// ---------------------------------------------------------------- save

export function saveCheckpoint(path: string, params: ParamSet<Float32Array>, meta: CheckpointMeta, trainState?: TrainState): void {
  // Everything is checked before touching the disk: we never write a file we would refuse to load.
  const bytes = encodeCheckpoint(params, meta, trainState, path);
  try {
    platform().writeFileAtomic(path, bytes);
  } catch (e) {
    throw new CharnnError(`cannot save checkpoint ${path}: ${(e as Error).message}`);
  }
}

/** A checkpoint's bytes (what saveCheckpoint writes; a page offers them as a download); `name`
 *  names it in errors. */
export function encodeCheckpoint(
  params: ParamSet<Float32Array>,
  meta: CheckpointMeta,
  trainState?: TrainState,
  name = 'checkpoint',
): Uint8Array {
  const fail = (what: string): never => {
    throw new CharnnError(`cannot save checkpoint ${name}: ${what}`);
  };
  checkModel(meta.model, fail);
  checkVocab(meta.vocab, meta.model.vocabSize, fail);
  if (!isObject(meta.training)) fail('training config is not an object');
  checkProgress(meta.progress, (what) => fail(`progress ${what}`));

  const expected = paramSpecs(meta.model);
  const tensors: TensorToWrite[] = expected.map((spec) => {
    const data = params.views.get(spec.name);
    if (!data) return fail(`parameter ${spec.name} is missing`);
    if (data.length !== sizeOf(spec.shape)) fail(`parameter ${spec.name} has ${data.length} values, expected ${sizeOf(spec.shape)}`);
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`parameter ${spec.name} has a non-finite value (${data[bad]}) at index ${bad}; the model has diverged`);
    return { name: spec.name, shape: spec.shape, data };
  });
  if (params.views.size !== expected.length) {
    const extra = [...params.views.keys()].find((k) => !expected.some((s) => s.name === k));
    fail(`parameter ${extra} is not part of a ${meta.model.cell} model`);
  }

  const metadata = encodeMeta(meta);
  if (trainState) {
    if (!isObject(trainState.json)) fail('training state is not an object');
    metadata.set(TRAIN_STATE_KEY, JSON.stringify(trainState.json));
    for (const t of trainState.tensors) {
      const bad = t.data.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) fail(`training state ${t.name} has a non-finite value (${t.data[bad]}) at index ${bad}`);
      tensors.push({ name: TRAIN_STATE_PREFIX + t.name, shape: t.shape, data: t.data });
    }
  }
  return seal(tensors, metadata, name);
}

/** Encodes the file with its checksum: the checksum is taken over a draft without it (the
 *  parsed draft is exactly what a reader will see), then written into the metadata. */
function seal(tensors: TensorToWrite[], metadata: Map<string, string>, source: string): Uint8Array {
  const draft = encodeSafetensors(tensors, metadata);
  metadata.set(CHECKSUM_KEY, checksumOf(parseSafetensors(draft, source)));
  return encodeSafetensors(tensors, metadata);
}

function encodeMeta(meta: CheckpointMeta): Map<string, string> {
  const p = meta.progress;
  const m = meta.model;
  return new Map([
    ['format', CHECKPOINT_FORMAT],
    ['format_version', CHECKPOINT_VERSION],
    // Fields listed one by one so the stored config has a fixed shape and order.
    ['model', JSON.stringify({ cell: m.cell, vocabSize: m.vocabSize, hidden: m.hidden, layers: m.layers, dropout: m.dropout })],
    ['vocab', JSON.stringify(meta.vocab)],
    ['training', JSON.stringify(meta.training)],
    [
      'progress',
      JSON.stringify({ step: p.step, epoch: p.epoch, best_val_nats: p.bestValNats, val_nats: p.valNats, chars_seen: p.charsSeen }),
    ],
  ]);
}

// ---------------------------------------------------------------- load

export function loadCheckpoint(path: string, options: LoadOptions = {}): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = platform().readFile(path);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    const what = {
      missing: 'checkpoint not found',
      directory: 'is a directory, not a checkpoint file',
      stat: `cannot read checkpoint: ${e.detail}`,
      read: `cannot read file: ${e.detail}`,
    }[e.reason];
    throw new CharnnError(
      `${path}: ${what}`,
      e.reason === 'missing' ? 'train a model first with `charnn train <corpus>`, or pass --model' : undefined,
    );
  }
  return decodeCheckpoint(bytes, path, options);
}

/** A checkpoint from its bytes (a file's, a download's); `source` names it in errors. */
export function decodeCheckpoint(bytes: Uint8Array, source: string, options: LoadOptions = {}): Checkpoint {
  const fail = (what: string, hint?: string): never => {
    throw new CharnnError(`${source}: ${what}`, hint);
  };
  const file = parseSafetensors(bytes, source);
  checkFormat(file.metadata, fail);
  const checksum = file.metadata.get(CHECKSUM_KEY);
  if (checksum === undefined) fail('metadata has no "checksum": the file is corrupt, or was not written by charnn');
  if (checksum !== checksumOf(file)) {
    fail(
      'checksum mismatch: the file was changed or damaged after charnn wrote it',
      'use another checkpoint (e.g. NAME.best.safetensors), or retrain',
    );
  }
  const meta = decodeMeta(file.metadata, fail);

  // Compare the tensor set with the layout before allocating: shapes are then bounded by the file size.
  const specs = paramSpecs(meta.model);
  for (const spec of specs) {
    const entry = file.tensors.get(spec.name);
    if (!entry) fail(`tensor ${spec.name} is missing (a ${meta.model.cell} model needs it)`);
    else if (!sameShape(entry.shape, spec.shape)) fail(`tensor ${spec.name} has shape [${entry.shape}], expected [${spec.shape}]`);
  }
  const stateNames = [...file.tensors.keys()].filter((k) => k.startsWith(TRAIN_STATE_PREFIX));
  if (file.tensors.size !== specs.length + stateNames.length) {
    const extra = [...file.tensors.keys()].find((k) => !k.startsWith(TRAIN_STATE_PREFIX) && !specs.some((s) => s.name === k));
    fail(`unexpected tensor ${extra} (not part of a ${meta.model.cell} model)`);
  }

  // One flat buffer in spec order, whatever the tensor order in the file.
  const params = hostParams(specs);
  for (const spec of specs) {
    const view = params.get(spec.name);
    readTensorInto(file, file.tensors.get(spec.name)!, view);
    const bad = view.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`tensor ${spec.name} has a non-finite value (${view[bad]}) at index ${bad}`);
  }
  const hasTrainState = file.metadata.has(TRAIN_STATE_KEY);
  if (!hasTrainState && stateNames.length > 0)
    fail(`tensor ${stateNames[0]} belongs to a training state, but the metadata has no "${TRAIN_STATE_KEY}"`);
  return { params, meta, hasTrainState, trainState: hasTrainState && options.trainState ? decodeTrainState(file, stateNames, fail) : null };
}

function checkFormat(metadata: Map<string, string>, fail: (what: string, hint?: string) => never): void {
  const format = metadata.get('format');
  if (format !== CHECKPOINT_FORMAT) {
    fail(
      format === undefined ? 'not a charnn checkpoint (no "format" in the metadata)' : `not a charnn checkpoint (format "${format}")`,
      format === undefined ? 'a state_dict saved from PyTorch can be turned into a checkpoint with `charnn import`' : undefined,
    );
  }
  const version = metadata.get('format_version');
  if (version !== CHECKPOINT_VERSION) {
    fail(
      `unsupported checkpoint format_version ${JSON.stringify(version ?? null)}; this charnn reads version ${CHECKPOINT_VERSION}`,
      'upgrade charnn or retrain',
    );
  }
}

/** Parses one metadata entry as JSON, refusing "__proto__" keys. */
function jsonField(metadata: Map<string, string>, key: string, fail: (what: string) => never): unknown {
  const text = metadata.get(key);
  if (text === undefined) fail(`metadata has no "${key}"`);
  try {
    return JSON.parse(text, refuseProtoKeys);
  } catch (e) {
    return fail(`metadata "${key}" is not valid JSON (${(e as Error).message})`);
  }
}

/** The training state of a file that has one: its JSON and its float32 tensors, all finite. */
function decodeTrainState(file: SafetensorsFile, names: string[], fail: (what: string) => never): LoadedTrainState {
  const json = jsonField(file.metadata, TRAIN_STATE_KEY, fail);
  if (!isObject(json)) fail(`metadata ${TRAIN_STATE_KEY} is not a JSON object`);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const name of names) {
    const entry = file.tensors.get(name)!;
    const data = readTensor(file, entry);
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`tensor ${name} has a non-finite value (${data[bad]}) at index ${bad}`);
    tensors.set(name.slice(TRAIN_STATE_PREFIX.length), { shape: entry.shape, data });
  }
  return { json: json as Record<string, unknown>, tensors };
}

function decodeMeta(metadata: Map<string, string>, fail: (what: string, hint?: string) => never): CheckpointMeta {
  const field = (key: string): unknown => jsonField(metadata, key, fail);
  const prefixed =
    (name: string) =>
    (what: string): never =>
      fail(`metadata ${name}: ${what}`);

  const model = field('model');
  checkModel(model, prefixed('model'));
  const vocab = field('vocab');
  checkVocab(vocab, (model as ModelConfig).vocabSize, fail);
  const training = field('training');
  if (!isObject(training)) fail('metadata training is not a JSON object');
  const progress = decodeProgress(field('progress'), prefixed('progress'));
  return { model: model as ModelConfig, vocab: vocab as string[], training: training as Record<string, unknown>, progress };
}

/** JSON.parse reviver: a "__proto__" key would be a trap for whoever later merges this object into another. */
function refuseProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new Error('"__proto__" is not allowed as a key');
  return value;
}

/** Missing fields take their starting values; present ones must be well-typed. */
function decodeProgress(raw: unknown, fail: (what: string) => never): Progress {
  if (!isObject(raw)) return fail('not a JSON object');
  const r = raw as Record<string, unknown>;
  const progress: Progress = {
    step: (r.step ?? 0) as number,
    epoch: (r.epoch ?? 0) as number,
    bestValNats: (r.best_val_nats ?? null) as number | null,
    valNats: (r.val_nats ?? null) as number | null,
    charsSeen: (r.chars_seen ?? 0) as number,
  };
  checkProgress(progress, fail);
  return progress;
}

// ---------------------------------------------------------------- validation shared by save and load

const MODEL_KEYS = ['cell', 'vocabSize', 'hidden', 'layers', 'dropout'];

function checkModel(raw: unknown, fail: (what: string) => never): void {
  if (!isObject(raw)) fail('model config is not an object');
  const m = raw as Record<string, unknown>;
  const unknown = Object.keys(m).find((k) => !MODEL_KEYS.includes(k));
  if (unknown !== undefined) fail(`unknown model config field "${unknown}"`);
  if (!isCellType(m.cell)) fail(`cell ${JSON.stringify(m.cell)} is not one of ${CELLS.join(', ')}`);
  for (const k of ['vocabSize', 'hidden', 'layers']) {
    if (!isPositiveInteger(m[k])) fail(`${k} ${JSON.stringify(m[k])} is not a positive integer`);
  }
  // The vocab always holds <EOS> and <UNK>.
  if ((m.vocabSize as number) < 2) fail(`vocabSize ${m.vocabSize} is smaller than 2 (<EOS> and <UNK>)`);
  const d = m.dropout;
  if (typeof d !== 'number' || !(d >= 0 && d < 1)) fail(`dropout ${JSON.stringify(d)} is not in [0, 1)`);
}

function checkVocab(raw: unknown, vocabSize: number, fail: (what: string) => never): void {
  if (!Array.isArray(raw)) return fail('vocab is not an array');
  if (raw.length !== vocabSize) fail(`vocab has ${raw.length} symbols but the model's vocabSize is ${vocabSize}`);
  if (raw[0] !== '<EOS>' || raw[1] !== '<UNK>') fail('vocab must start with "<EOS>", "<UNK>"');
  const seen = new Set<string>();
  raw.forEach((s: unknown, i: number) => {
    if (typeof s !== 'string') fail(`vocab entry ${i} is not a string`);
    // Code points, not UTF-16 units: an astral character is one symbol (docs/ARCHITECTURE.md, "What a character is").
    if (i >= 2 && [...s].length !== 1) fail(`vocab entry ${i} ${JSON.stringify(s)} is not a single character`);
    if (seen.has(s)) fail(`vocab entry ${i} ${JSON.stringify(s)} is a duplicate`);
    seen.add(s);
  });
}

function checkProgress(p: Progress, fail: (what: string) => never): void {
  if (!isObject(p)) fail('is not an object');
  for (const k of ['step', 'charsSeen'] as const) {
    if (!(Number.isSafeInteger(p[k]) && p[k] >= 0)) fail(`${k} ${JSON.stringify(p[k])} is not a non-negative integer`);
  }
  // Epochs are fractional: 1.5 is halfway through the second pass.
  if (!(typeof p.epoch === 'number' && Number.isFinite(p.epoch) && p.epoch >= 0))
    fail(`epoch ${JSON.stringify(p.epoch)} is not a non-negative number`);
  for (const k of ['bestValNats', 'valNats'] as const) {
    const v = p[k];
    // JSON has no NaN/Infinity (they would silently become null), so refuse them here.
    if (v !== null && !(typeof v === 'number' && Number.isFinite(v))) fail(`${k} ${String(v)} is not a finite number or null`);
  }
}

// ---------------------------------------------------------------- helpers

function isObject(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isPositiveInteger(x: unknown): boolean {
  return typeof x === 'number' && Number.isSafeInteger(x) && x > 0;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
