/**
 * Tests of our safetensors reader/writer: round trips, the exact byte layout (checked with a
 * tiny independent reader), dtype conversion, and a table of malformed files that must each
 * fail with a CharnnError naming the file and the problem.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharnnError } from '../../src/errors.js';
import { encodeSafetensors, parseSafetensors, readSafetensors, readTensor, type SafetensorsFile } from '../../src/io/safetensors.js';

/** Independent reader: header length, JSON header, data region. */
function tinyRead(bytes: Uint8Array): { n: number; header: Record<string, any>; data: Buffer } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  return { n, header, data: buf.subarray(8 + n) };
}

/** Builds a file from a header (object, raw text or raw bytes) and a data region, without our writer. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json =
    header instanceof Uint8Array ? Buffer.from(header) : Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  Buffer.from(data).copy(out, 8 + json.length);
  return out;
}

function f32Bytes(values: number[]): Uint8Array {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeFloatLE(v, 4 * i));
  return b;
}

function tensor(file: SafetensorsFile, name: string): Float32Array {
  const entry = file.tensors.get(name);
  if (!entry) throw new Error(`no ${name}`);
  return readTensor(file, entry);
}

describe('encodeSafetensors / parseSafetensors', () => {
  const a = { name: 'rnn.weight_ih_l0', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-20, -0]) };
  const b = { name: 'decoder.bias', shape: [3], data: new Float32Array([0.25, 7, -1e30]) };
  const scalar = { name: 'scalar', shape: [], data: new Float32Array([42]) };
  const empty = { name: 'empty', shape: [0, 4], data: new Float32Array(0) };
  const metadata = new Map([
    ['format', 'test'],
    ['note', 'ünïcödé ✓ 𝄞'],
  ]);

  it('round-trips tensors and metadata', () => {
    const file = parseSafetensors(encodeSafetensors([a, b, scalar, empty], metadata), 'mem');
    expect([...file.metadata]).toEqual([...metadata]);
    expect([...file.tensors.keys()]).toEqual(['rnn.weight_ih_l0', 'decoder.bias', 'scalar', 'empty']);
    expect(file.tensors.get('rnn.weight_ih_l0')!.shape).toEqual([2, 3]);
    expect(file.tensors.get('scalar')!.shape).toEqual([]);
    expect(Array.from(tensor(file, 'rnn.weight_ih_l0'))).toEqual(Array.from(a.data));
    expect(Object.is(tensor(file, 'rnn.weight_ih_l0')[5], -0)).toBe(true);
    expect(Array.from(tensor(file, 'decoder.bias'))).toEqual(Array.from(b.data));
    expect(Array.from(tensor(file, 'scalar'))).toEqual([42]);
    expect(tensor(file, 'empty').length).toBe(0);
  });

  it('writes the documented byte layout', () => {
    const bytes = encodeSafetensors([a, b], metadata);
    const { n, header, data } = tinyRead(bytes);
    expect(n % 8).toBe(0); // padded so the data region is 8-byte aligned
    expect(bytes.length).toBe(8 + n + 4 * (6 + 3));
    // Padding is spaces, after the JSON.
    const text = Buffer.from(bytes)
      .subarray(8, 8 + n)
      .toString('utf8');
    expect(text.trimEnd()).toBe(JSON.stringify(header));
    expect(/^ *$/.test(text.slice(JSON.stringify(header).length))).toBe(true);
    expect(header.__metadata__).toEqual({ format: 'test', note: 'ünïcödé ✓ 𝄞' });
    expect(header['rnn.weight_ih_l0']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header['decoder.bias']).toEqual({ dtype: 'F32', shape: [3], data_offsets: [24, 36] });
    const floats = Array.from({ length: 9 }, (_, i) => data.readFloatLE(4 * i));
    expect(floats).toEqual([...a.data, ...b.data]);
  });

  it('omits __metadata__ when there is none', () => {
    const { header } = tinyRead(encodeSafetensors([b], new Map()));
    expect(Object.keys(header)).toEqual(['decoder.bias']);
  });

  it('refuses duplicate names and mismatched shapes when writing', () => {
    expect(() => encodeSafetensors([b, b], new Map())).toThrow(/duplicate/);
    expect(() => encodeSafetensors([{ ...b, shape: [4] }], new Map())).toThrow(CharnnError);
  });

  it('reads files written by others: unpadded header, tensors out of order', () => {
    const header = {
      second: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
      first: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    };
    const file = parseSafetensors(build(header, f32Bytes([1, 2, 3])), 'mem');
    expect(Array.from(tensor(file, 'first'))).toEqual([1, 2]);
    expect(Array.from(tensor(file, 'second'))).toEqual([3]);
    expect(file.metadata.size).toBe(0);
  });

  it('converts F64, F16 and BF16 to float32', () => {
    const f64 = Buffer.alloc(16);
    f64.writeDoubleLE(0.1, 0);
    f64.writeDoubleLE(-3, 8);
    // F16: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff, smallest subnormal = 0x0001
    const f16 = Buffer.alloc(8);
    [0x3c00, 0xc000, 0x7bff, 0x0001].forEach((h, i) => f16.writeUInt16LE(h, 2 * i));
    // BF16: 1.0 = 0x3f80, -0.5 = 0xbf00
    const bf16 = Buffer.alloc(4);
    [0x3f80, 0xbf00].forEach((h, i) => bf16.writeUInt16LE(h, 2 * i));
    const header = {
      d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
      h: { dtype: 'F16', shape: [4], data_offsets: [16, 24] },
      bf: { dtype: 'BF16', shape: [2], data_offsets: [24, 28] },
    };
    const file = parseSafetensors(build(header, Buffer.concat([f64, f16, bf16])), 'mem');
    expect(Array.from(tensor(file, 'd'))).toEqual([Math.fround(0.1), -3]);
    expect(Array.from(tensor(file, 'h'))).toEqual([1, -2, 65504, 2 ** -24]);
    expect(Array.from(tensor(file, 'bf'))).toEqual([1, -0.5]);
  });

  it('reads from disk and names the path in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'charnn-st-'));
    const good = join(dir, 'good.safetensors');
    writeFileSync(good, encodeSafetensors([a], new Map([['k', 'v']])));
    expect(readSafetensors(good).metadata.get('k')).toBe('v');
    expect(() => readSafetensors(join(dir, 'missing.safetensors'))).toThrow(/missing\.safetensors: cannot read file: ENOENT/);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, 'nope');
    expect(() => readSafetensors(bad)).toThrow(new RegExp(`^${bad.replace(/[.]/g, '\\.')}: not a safetensors file`));
  });
});

describe('malformed files', () => {
  const ok = (shape: number[], offsets: number[], dtype = 'F32') => ({ dtype, shape, data_offsets: offsets });
  const twelve = f32Bytes([1, 2, 3]);
  const lengthField = (n: bigint, rest: Uint8Array = new Uint8Array(0)) => {
    const b = Buffer.alloc(8 + rest.length);
    b.writeBigUInt64LE(n, 0);
    Buffer.from(rest).copy(b, 8);
    return b;
  };

  const cases: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /0 bytes, shorter than the 8-byte header length/],
    ['truncated length field', new Uint8Array(5), /5 bytes/],
    ['header length beyond the file', lengthField(100n, Buffer.from('{}')), /header length 100 but only 2 bytes follow/],
    ['absurd header length', lengthField(2n ** 63n), /exceeds the .*-byte limit/],
    [
      'truncated data',
      build({ t: ok([3], [0, 12]) }, twelve.subarray(0, 8)),
      /: truncated or damaged: tensor t: data_offsets \[0,12\] outside the 8-byte data region$/,
    ],
    ['bad JSON', build('{"t": {"dtype": "F32",'), /invalid JSON/],
    ['not UTF-8', build(Buffer.from([0x7b, 0xff, 0x7d])), /not valid UTF-8/],
    ['JSON array', build('[1, 2]'), /does not start with "\{"/],
    ['data but no tensors', build('{}', twelve), /12 bytes after the last tensor/],
    ['entry not an object', build({ t: [1] }), /tensor t: entry is not an object/],
    ['missing dtype', build({ t: { shape: [0], data_offsets: [0, 0] } }), /tensor t: dtype is missing/],
    ['wrong dtype', build({ t: ok([3], [0, 12], 'I32') }, twelve), /tensor t has dtype I32; charnn reads F32/],
    ['negative dimension', build({ t: ok([-3], [0, 12]) }, twelve), /tensor t: shape \[-3\] is not a list of non-negative integers/],
    ['fractional dimension', build({ t: ok([1.5], [0, 12]) }, twelve), /shape \[1\.5\]/],
    ['shape not an array', build({ t: ok(3 as unknown as number[], [0, 12]) }, twelve), /shape 3 is not a list/],
    ['bad offsets', build({ t: ok([3], [0]) }, twelve), /data_offsets \[0\] is not a pair/],
    ['reversed offsets', build({ t: ok([0], [12, 0]) }, twelve), /data_offsets \[12,0\] outside/],
    ['size mismatch', build({ t: ok([2], [0, 12]) }, twelve), /tensor t: shape \[2\] of F32 needs 8 bytes, data_offsets \[0,12\] hold 12/],
    ['overlapping offsets', build({ a: ok([2], [0, 8]), b: ok([2], [4, 12]) }, twelve), /tensor b overlaps tensor a/],
    ['hole', build({ a: ok([1], [0, 4]), b: ok([1], [8, 12]) }, twelve), /hole in the data region before tensor b/],
    ['trailing bytes', build({ a: ok([2], [0, 8]) }, twelve), /4 bytes after the last tensor/],
    ['metadata not an object', build({ __metadata__: 'x' }), /__metadata__ is not an object/],
    ['non-string metadata', build({ __metadata__: { step: 3 } }), /metadata value "step" is a number, not a string/],
    ['null metadata value', build({ __metadata__: { a: null } }), /metadata value "a" is a null/],
  ];

  it.each(cases)('%s', (_label, bytes, message) => {
    let error: unknown;
    try {
      parseSafetensors(bytes, 'bad.safetensors');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CharnnError);
    const text = (error as Error).message;
    expect(text.startsWith('bad.safetensors: ')).toBe(true);
    expect(text).toMatch(message);
    expect(text.includes('\n')).toBe(false);
  });

  it('never lets a __proto__ key reach a prototype', () => {
    const header = '{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "__metadata__": {"__proto__": "x"}}';
    const file = parseSafetensors(build(header, f32Bytes([5])), 'mem');
    expect(Array.from(tensor(file, '__proto__'))).toEqual([5]);
    expect(file.metadata.get('__proto__')).toBe('x');
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });
});
