/**
 * `charnn import`: a state_dict saved from PyTorch (safetensors, with the tensor names of
 * docs/ARCHITECTURE.md, "Checkpoints") plus its vocabulary, turned into a charnn checkpoint.
 *
 * Sizes come from the tensors: V from decoder.weight (V, H), H from weight_hh_l0 (G*H, H),
 * the layer count from how many weight_ih_l{k} there are. Every tensor is then checked
 * against the layout a model of that shape needs (names, shapes), so a state_dict of another
 * cell, or saved under other names, is refused with the names expected.
 *
 * The vocabulary is a JSON array of the symbols in id order, "<EOS>" and "<UNK>" included,
 * anywhere: charnn keeps them at ids 0 and 1, so the model's rows and columns are permuted
 * into charnn's order (the input columns of weight_ih_l0, the rows of decoder.weight and
 * decoder.bias), which leaves every probability unchanged.
 */
import { CharnnError, UsageError } from '../errors.js';
import { baseCellOf, directionsOf, gatesOf, isCellType, type CellType, type ModelConfig } from '../model/config.js';
import { hostParams, paramSpecs, prefixOf, type ParamSet } from '../model/param-set.js';
import { FileReadError, platform } from '../platform/platform.js';
import { EOS, UNK, Vocab } from '../tokenizer/vocab.js';
import type { CheckpointMeta } from './checkpoint.js';
import { readSafetensors, readTensor, type SafetensorsFile } from './safetensors.js';

export interface ImportedModel {
  params: ParamSet<Float32Array>;
  meta: CheckpointMeta;
}

/** Reads VOCAB.json: an array of symbols in the state_dict's id order. */
export function readVocabJson(path: string): string[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(platform().readFile(path));
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    throw new CharnnError(`${path}: cannot read the vocabulary: ${e.code ?? e.detail}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CharnnError(`${path}: the vocabulary is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) {
    throw new CharnnError(`${path}: the vocabulary must be a JSON array of strings (the symbols in id order)`);
  }
  return parsed;
}

/** Builds a charnn model from a PyTorch state_dict file and its vocabulary. */
export function importStateDict(weightsPath: string, symbols: readonly string[], cell: CellType, source = weightsPath): ImportedModel {
  if (!isCellType(cell)) throw new UsageError(`unknown cell ${JSON.stringify(cell)}`);
  const file = readSafetensors(weightsPath);
  const fail = (what: string, hint?: string): never => {
    throw new CharnnError(`${weightsPath}: ${what}`, hint);
  };
  const order = charnnOrder(symbols);
  const config = configFromShapes(file, cell, fail);
  if (config.vocabSize !== symbols.length) {
    fail(
      `the model has ${config.vocabSize} symbols (decoder.weight is ${config.vocabSize} x ${config.hidden}) but the vocabulary lists ${symbols.length}`,
    );
  }
  const specs = paramSpecs(config);
  const expected = new Set(specs.map((s) => s.name));
  const extra = [...file.tensors.keys()].find((k) => !expected.has(k));
  if (extra !== undefined) {
    fail(
      `unexpected tensor ${extra}: a ${cell} ${config.layers} x ${config.hidden} model has ${describeNames(specs.map((s) => s.name))}`,
      'save the state_dict of modules named rnn and decoder (see "Continue in PyTorch" in the README)',
    );
  }
  const params = hostParams(specs);
  for (const spec of specs) {
    const entry = file.tensors.get(spec.name);
    if (!entry) return fail(`tensor ${spec.name} is missing (a ${cell} model needs it)`);
    if (entry.shape.length !== spec.shape.length || entry.shape.some((d, i) => d !== spec.shape[i])) {
      fail(
        `tensor ${spec.name} has shape [${entry.shape}], expected [${spec.shape}] for a ${cell} ${config.layers} x ${config.hidden} model with ${config.vocabSize} symbols`,
      );
    }
    const values = readTensor(file, entry);
    const bad = values.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`tensor ${spec.name} has a non-finite value (${values[bad]}) at index ${bad}`);
    permuteInto(params.get(spec.name), values, spec.name, spec.shape, order);
  }
  const vocab = Vocab.fromSymbols(order.map((i) => symbols[i]));
  return {
    params,
    meta: {
      model: config,
      vocab: [...vocab.symbols],
      training: { imported_from: source },
      progress: { step: 0, epoch: 0, bestValNats: null, valNats: null, charsSeen: 0 },
    },
  };
}

/** order[newId] = the state_dict's id of that symbol: <EOS>, <UNK>, then the rest as listed. */
function charnnOrder(symbols: readonly string[]): number[] {
  const eos = symbols.indexOf(EOS);
  const unk = symbols.indexOf(UNK);
  if (eos < 0 || unk < 0) throw new CharnnError(`the vocabulary must include "${EOS}" and "${UNK}" (it has ${symbols.length} symbols)`);
  const order = [eos, unk];
  symbols.forEach((_, i) => {
    if (i !== eos && i !== unk) order.push(i);
  });
  return order;
}

/** V, H and the layer count, read off the forward model's tensors. */
function configFromShapes(file: SafetensorsFile, cell: CellType, fail: (what: string, hint?: string) => never): ModelConfig {
  const shapeOf = (name: string): number[] => {
    const entry = file.tensors.get(name);
    if (!entry)
      return fail(
        `tensor ${name} is missing (a ${cell} model needs it)`,
        'the names must be those of the README\'s "Continue in PyTorch" modules: rnn.weight_ih_l0, ..., decoder.weight, decoder.bias',
      );
    return entry.shape;
  };
  const decoder = shapeOf('decoder.weight');
  const hh = shapeOf('rnn.weight_hh_l0');
  if (decoder.length !== 2 || hh.length !== 2) fail('decoder.weight and rnn.weight_hh_l0 must be matrices');
  const [V, H] = decoder;
  const G = gatesOf(baseCellOf(cell));
  if (hh[0] !== G * H || hh[1] !== H) {
    fail(
      `rnn.weight_hh_l0 has shape [${hh}], but a ${cell} with ${H} hidden units (from decoder.weight) needs [${G * H},${H}]`,
      'check --cell',
    );
  }
  let layers = 0;
  while (file.tensors.has(`rnn.weight_ih_l${layers}`)) layers++;
  if (V < 2 || H < 1 || layers < 1) fail(`cannot read the model's size from its tensors (V ${V}, H ${H}, ${layers} layers)`);
  for (const d of directionsOf(cell)) {
    if (d === 'backward' && !file.tensors.has(`${prefixOf(d)}decoder.weight`))
      fail('a bilstm needs the backward model too (backward.rnn.*, backward.decoder.*)');
  }
  return { cell, vocabSize: V, hidden: H, layers, dropout: 0 };
}

/** Copies a tensor into charnn's symbol order: input columns of weight_ih_l0, decoder rows. */
function permuteInto(out: Float32Array, values: Float32Array, name: string, shape: number[], order: number[]): void {
  const base = name.replace(/^backward\./, '');
  if (base === 'rnn.weight_ih_l0') {
    const [rows, V] = shape;
    for (let r = 0; r < rows; r++) for (let j = 0; j < V; j++) out[r * V + j] = values[r * V + order[j]];
  } else if (base === 'decoder.weight') {
    const H = shape[1];
    for (let j = 0; j < order.length; j++) out.set(values.subarray(order[j] * H, (order[j] + 1) * H), j * H);
  } else if (base === 'decoder.bias') {
    for (let j = 0; j < order.length; j++) out[j] = values[order[j]];
  } else {
    out.set(values);
  }
}

function describeNames(names: string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 4).join(', ')}, ... ${names[names.length - 1]} (${names.length} tensors)`;
}
