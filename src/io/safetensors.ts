/**
 * Our own reader and writer of the safetensors format, so a charnn checkpoint loads into
 * PyTorch (and anything else that speaks safetensors) without a conversion step.
 *
 * Layout of a file:
 *   [0, 8)        N: header length, little-endian u64
 *   [8, 8+N)      UTF-8 JSON object: optional "__metadata__" (string -> string) and, per tensor,
 *                 "<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]};
 *                 may end in spaces (we pad to a multiple of 8 so the data is 8-byte aligned)
 *   [8+N, EOF)    the data region: tensors' raw little-endian bytes, offsets relative to it,
 *                 contiguous and without holes
 *
 * We write only F32. We read F32, and convert F64, F16 and BF16 to float32 on the way in so a
 * checkpoint saved from PyTorch in another precision still loads; every other dtype is an
 * error. Every input is treated as untrusted: each failure is a CharnnError naming the file.
 */
import { CharnnError } from '../errors.js';
import { FileReadError, platform } from '../platform/platform.js';

/** One tensor to write: float32 values in row-major order. */
export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

/** Where a tensor lives in a parsed file; `begin`/`end` are absolute byte offsets in `bytes`. */
export interface TensorEntry {
  name: string;
  dtype: ReadableDtype;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated file: header decoded, tensor bytes not yet converted. */
export interface SafetensorsFile {
  /** Names the file in error messages. */
  source: string;
  bytes: Uint8Array;
  metadata: Map<string, string>;
  tensors: Map<string, TensorEntry>;
}

/** Bytes per element of the dtypes we can turn into float32. */
const READABLE = { F32: 4, F64: 8, F16: 2, BF16: 2 } as const;
export type ReadableDtype = keyof typeof READABLE;

/** A header larger than this is corruption or an attack, not a model. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const METADATA_KEY = '__metadata__';

/** Typed arrays use the host byte order; the file is little-endian. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------- writing

/** Serialises tensors (in the given order) and string metadata into one safetensors buffer. */
export function encodeSafetensors(tensors: readonly TensorToWrite[], metadata: ReadonlyMap<string, string>): Uint8Array {
  // Build the header with a null-prototype object so no tensor name can reach a prototype.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata.size > 0) {
    const meta: Record<string, string> = Object.create(null);
    for (const [k, v] of metadata) meta[k] = v;
    header[METADATA_KEY] = meta;
  }
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY || t.name in header) {
      throw new CharnnError(`cannot write tensor ${t.name}: duplicate or reserved name`);
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new CharnnError(`cannot write tensor ${t.name}: shape [${t.shape}] needs ${count} values, got ${t.data.length}`);
    }
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // pad with spaces, as the format allows

  let at = 8 + headerLength;
  for (const t of tensors) {
    writeF32(out, at, t.data);
    at += 4 * t.data.length;
  }
  return out;
}

function writeF32(out: Uint8Array, at: number, data: Float32Array): void {
  if (HOST_IS_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + at, data.byteLength);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
}

// ---------------------------------------------------------------- reading

/** Reads and validates a file; `source` defaults to the path. */
export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = platform().readFile(path);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    throw new CharnnError(`${path}: cannot read file: ${e.detail}`);
  }
  return parseSafetensors(bytes, path);
}

/** Validates the header of an in-memory file. Tensor bytes are converted later by readTensor(Into). */
export function parseSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  const fail = (what: string): never => {
    throw new CharnnError(`${source}: ${what}`);
  };
  if (bytes.length < 8) fail(`not a safetensors file: ${bytes.length} bytes, shorter than the 8-byte header length`);

  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(`not a safetensors file: header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(n64);
  if (n > bytes.length - 8) fail(`truncated or not a safetensors file: header length ${n} but only ${bytes.length - 8} bytes follow`);
  if (n < 2) fail(`not a safetensors file: header length ${n} is too short for a JSON object`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('corrupt header: not valid UTF-8');
  }
  if (text[0] !== '{') fail('corrupt header: does not start with "{"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return fail(`corrupt header: invalid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(parsed)) fail('corrupt header: JSON is not an object');

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata = new Map<string, string>();
  const tensors = new Map<string, TensorEntry>();
  // Only own keys are read, and only into Maps: parsed names never become object properties.
  for (const key of Object.keys(parsed as object)) {
    const value = (parsed as Record<string, unknown>)[key];
    if (key === METADATA_KEY) {
      readMetadata(value, metadata, fail);
    } else {
      tensors.set(key, readEntry(key, value, dataStart, dataLength, fail));
    }
  }
  checkContiguous([...tensors.values()], dataStart, dataLength, fail);
  return { source, bytes, metadata, tensors };
}

function readMetadata(value: unknown, into: Map<string, string>, fail: (what: string) => never): void {
  if (!isPlainObject(value)) fail('corrupt header: __metadata__ is not an object');
  for (const k of Object.keys(value as object)) {
    const v = (value as Record<string, unknown>)[k];
    if (typeof v !== 'string') fail(`corrupt header: metadata value ${JSON.stringify(k)} is a ${typeOf(v)}, not a string`);
    into.set(k, v);
  }
}

function readEntry(name: string, value: unknown, dataStart: number, dataLength: number, fail: (what: string) => never): TensorEntry {
  if (!isPlainObject(value)) fail(`tensor ${name}: entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`tensor ${name}: dtype is missing or not a string`);
  if (!Object.hasOwn(READABLE, dtype)) {
    fail(`tensor ${name} has dtype ${dtype}; charnn reads F32 (and converts F64, F16, BF16)`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount))
    fail(`tensor ${name}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`tensor ${name}: data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
  }
  const [b, e] = offsets as number[];
  // Past the end of the data: most often a file cut short (a copy or download that stopped).
  if (e > dataLength && b <= e)
    fail(`truncated or damaged: tensor ${name}: data_offsets [${b},${e}] outside the ${dataLength}-byte data region`);
  if (b > e) fail(`tensor ${name}: data_offsets [${b},${e}] outside the ${dataLength}-byte data region`);
  const count = (shape as number[]).reduce((a, x) => a * x, 1);
  const size = READABLE[dtype as ReadableDtype];
  if (!Number.isSafeInteger(count * size) || e - b !== count * size) {
    fail(`tensor ${name}: shape [${shape}] of ${dtype} needs ${count * size} bytes, data_offsets [${b},${e}] hold ${e - b}`);
  }
  return { name, dtype: dtype as ReadableDtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e };
}

/** The format requires tensors to tile the data region exactly: no gaps, no overlaps, no trailing bytes. */
function checkContiguous(entries: TensorEntry[], dataStart: number, dataLength: number, fail: (what: string) => never): void {
  const sorted = [...entries].sort((x, y) => x.begin - y.begin || x.end - y.end);
  let at = dataStart;
  let previous: string | undefined;
  for (const t of sorted) {
    if (t.begin < at) fail(`tensor ${t.name} overlaps tensor ${previous} in the data region`);
    if (t.begin > at) fail(`hole in the data region before tensor ${t.name} (bytes ${at - dataStart}..${t.begin - dataStart} unused)`);
    at = t.end;
    previous = t.name;
  }
  if (at !== dataStart + dataLength) {
    fail(`data region has ${dataStart + dataLength - at} bytes after the last tensor (file corrupt or concatenated)`);
  }
}

// ---------------------------------------------------------------- tensor data

/** Converts a tensor's bytes into `out` (length must equal the element count). */
export function readTensorInto(file: SafetensorsFile, entry: TensorEntry, out: Float32Array): void {
  const count = (entry.end - entry.begin) / READABLE[entry.dtype];
  if (out.length !== count) {
    throw new CharnnError(`${file.source}: tensor ${entry.name} has ${count} values, expected ${out.length}`);
  }
  const bytes = file.bytes.subarray(entry.begin, entry.end);
  if (entry.dtype === 'F32' && HOST_IS_LITTLE_ENDIAN) {
    // Copy bytes rather than view them: the data may not be 4-byte aligned in the file buffer.
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (entry.dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(2 * i, true) << 16);
        out[i] = word.getFloat32(0);
      }
      break;
    }
  }
}

/** A tensor's values as a fresh Float32Array. */
export function readTensor(file: SafetensorsFile, entry: TensorEntry): Float32Array {
  const out = new Float32Array((entry.end - entry.begin) / READABLE[entry.dtype]);
  readTensorInto(file, entry, out);
  return out;
}

/** IEEE 754 binary16 -> number (exact: every half is representable as a float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

// ---------------------------------------------------------------- helpers

function isPlainObject(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): boolean {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function typeOf(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x;
}
