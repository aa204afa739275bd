/**
 * The corpus of `charnn export torch`: a text encoded by charnn itself in a model's vocabulary
 * (characters outside it are <UNK>) and split as `charnn train` splits it, written as raw ids
 * (corpus.ids) and a description (corpus.json) that the exported trainer reads
 * (templates/torch/data.py). So PyTorch never tokenizes: both sides see the same ids.
 *
 *   corpus.ids    the id stream [<EOS>, line 1..., <EOS>, line 2..., <EOS>, ...], little-endian
 *                 U8 (vocabularies of at most 256 symbols), U16 (65,536) or I32
 *   corpus.json   format "charnn-corpus", version 1; name; sources (the files read, in order);
 *                 corpus_path (the one file, for `charnn train --resume` of a checkpoint trained
 *                 on it; null for several); vocab; ids {file, dtype, count, sha256}; train_tokens
 *                 (the training text is ids[0 : train_tokens]); val_start (the validation text
 *                 is ids[val_start :], from the <EOS> before its first line); val_frac; lines,
 *                 chars, unk; min_count (the model's run's, for the metadata)
 */
import { countSource, encodeSource } from '../data/corpus.js';
import type { IdArray } from '../data/ids.js';
import type { CodePointSource } from '../data/source.js';
import { splitTrainValParts } from '../data/split-parts.js';
import type { TrainValSplit } from '../data/split.js';
import { CharnnError } from '../errors.js';
import { platform } from '../platform/platform.js';
import type { Vocab } from '../tokenizer/vocab.js';

export const CORPUS_IDS_FILE = 'corpus.ids';
export const CORPUS_JSON_FILE = 'corpus.json';

export interface CorpusManifest {
  format: 'charnn-corpus';
  version: 1;
  name: string;
  sources: string[];
  corpus_path: string | null;
  vocab: string[];
  ids: { file: string; dtype: 'U8' | 'U16' | 'I32'; count: number; sha256: string };
  train_tokens: number;
  val_start: number;
  val_frac: number;
  lines: number;
  chars: number;
  unk: number;
  min_count: number;
}

export interface ExportedCorpus {
  manifest: CorpusManifest;
  /** corpus.ids, little-endian. */
  bytes: Uint8Array;
}

export interface CorpusInfo {
  name: string;
  sources: string[];
  valFrac: number;
  minCount: number;
}

export function exportCorpus(source: CodePointSource, vocab: Vocab, info: CorpusInfo): ExportedCorpus {
  const counts = countSource(source);
  if (counts.chars === 0) {
    throw new CharnnError(`${source.name}: the corpus has no characters to learn from (it is empty or only line ends)`);
  }
  const corpus = encodeSource(source, vocab, counts);
  // As `charnn train` splits: several files give each its own validation end
  // (src/data/split-parts.ts), and the stream is then the training parts followed by the
  // validation parts, which one id file with a train/validation cut holds as well.
  const split = splitTrainValParts(corpus, counts.partLines ?? [counts.lines], info.valFrac, vocab.size);
  const ids = split.train.buffer === corpus.ids.buffer ? corpus.ids : wholeStream(split, corpus.ids.length);
  const bytes = littleEndianBytes(ids);
  return {
    manifest: {
      format: 'charnn-corpus',
      version: 1,
      name: info.name,
      sources: info.sources,
      corpus_path: info.sources.length === 1 ? info.sources[0] : null,
      vocab: [...vocab.symbols],
      ids: { file: CORPUS_IDS_FILE, dtype: dtypeOf(corpus.ids), count: corpus.ids.length, sha256: `sha256:${platform().sha256([bytes])}` },
      train_tokens: split.train.length,
      val_start: corpus.ids.length - split.val.length,
      val_frac: info.valFrac,
      lines: corpus.lines,
      chars: corpus.chars,
      unk: corpus.unk,
      min_count: info.minCount,
    },
    bytes,
  };
}

function dtypeOf(ids: IdArray): CorpusManifest['ids']['dtype'] {
  return ids instanceof Uint8Array ? 'U8' : ids instanceof Uint16Array ? 'U16' : 'I32';
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The one array of n ids that a split of several parts views as its training and validation
 *  streams (the training parts, then the validation parts). */
function wholeStream(split: TrainValSplit, n: number): IdArray {
  const { train } = split;
  const Ctor = train.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => IdArray;
  return new Ctor(train.buffer, train.byteOffset, n);
}

/** The ids' bytes, little-endian whatever the host. */
function littleEndianBytes(ids: IdArray): Uint8Array {
  // A copy: the ids live on a SharedArrayBuffer, which hashing and writing need not accept.
  if (HOST_IS_LITTLE_ENDIAN || ids.BYTES_PER_ELEMENT === 1) return new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength).slice();
  const out = new Uint8Array(ids.byteLength);
  const data = new DataView(out.buffer);
  for (let i = 0; i < ids.length; i++) {
    if (ids.BYTES_PER_ELEMENT === 2) data.setUint16(2 * i, ids[i], true);
    else data.setInt32(4 * i, ids[i], true);
  }
  return out;
}
