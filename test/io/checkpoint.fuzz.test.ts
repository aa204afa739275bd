// Fuzzing the checkpoint reader: 1,200 mutations of real checkpoints (one with a training state,
// one bilstm without) — truncations, bit flips, header length fields, offsets, shapes, dtypes,
// metadata JSON values, appended bytes. A file whose bytes changed must fail to load with a clear
// one-line CharnnError naming it; a mutated header that is then resealed with a valid checksum
// (as a crafted file would be) must either fail the same way or load as a working model. Nothing
// may crash, hang or allocate without bound. A sample goes through the real CLI: exit 1, one line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharnnError } from '../../src/errors.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { checksumOf } from '../../src/io/checksum.js';
import { parseSafetensors } from '../../src/io/safetensors.js';
import { CharLM } from '../../src/model/charlm.js';
import { SentenceScorer } from '../../src/scoring/sentence-scorer.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { train } from '../../src/train/loop.js';
import { Rng } from '../../src/util/rng.js';

const BIN = resolve(__dirname, '../../bin/charnn.js');
const dir = mkdtempSync(join(tmpdir(), 'charnn-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const originals: Buffer[] = [];
beforeAll(async () => {
  const text = 'the cat sat on the mat\nà la carte, naïve café\n'.repeat(20);
  const small = { hidden: 6, layers: 2, batch: 4, seq: 8, steps: 3, threads: 1 };
  await train(text, 'f', { ...small, cell: 'lstm', out: join(dir, 'lstm.safetensors') });
  await train(text, 'f', { ...small, cell: 'bilstm', out: join(dir, 'bi.safetensors') });
  originals.push(readFileSync(join(dir, 'lstm.safetensors')), readFileSync(join(dir, 'bi.best.safetensors')));
});

type Header = Record<string, any>;

function splitFile(b: Buffer): { header: Header; data: Buffer } {
  const n = Number(b.readBigUInt64LE(0));
  return { header: JSON.parse(b.subarray(8, 8 + n).toString('utf8')), data: b.subarray(8 + n) };
}

function joinFile(header: Header, data: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

/** Writes the checksum a well-formed file would have; leaves anything unparseable as it is. */
function reseal(b: Buffer): Buffer {
  try {
    const { header, data } = splitFile(b);
    header.__metadata__.checksum = checksumOf(parseSafetensors(b, 'x'));
    return joinFile(header, data);
  } catch {
    return b;
  }
}

/** Whether two files say the same (the checksum's canonical content, its own entry aside). */
function sameContent(a: Buffer, b: Buffer): boolean {
  try {
    return checksumOf(parseSafetensors(a, 'a')) === checksumOf(parseSafetensors(b, 'b'));
  } catch {
    return false;
  }
}

/** Awkward values for any JSON slot. */
function oddValue(rng: Rng): unknown {
  const pick = Math.floor(rng.next() * 16);
  const deep = (d: number): unknown => (d === 0 ? 1 : [deep(d - 1)]);
  return [
    -1,
    0,
    1.5,
    2 ** 53,
    2 ** 31,
    1e308,
    -0,
    null,
    true,
    '',
    'x'.repeat(1000),
    [],
    {},
    [1, -2, 3.5],
    { __proto__: { polluted: 1 }, constructor: { prototype: { polluted: 1 } } },
    deep(20),
  ][pick];
}

const pickOf = <T>(rng: Rng, xs: T[]): T => xs[Math.floor(rng.next() * xs.length)];
const intBelow = (rng: Rng, n: number) => Math.floor(rng.next() * n);

/** One mutation of `b`; `sealed` says whether the result was resealed. */
function mutate(b: Buffer, rng: Rng): { bytes: Buffer; kind: string; sealed: boolean } {
  const kind = pickOf(rng, [
    'truncate',
    'flip',
    'flip-header',
    'length',
    'offsets',
    'shape',
    'dtype',
    'metadata',
    'metadata-json',
    'append',
    'tensor-name',
  ]);
  const headerEdit = (edit: (h: Header) => void) => {
    const { header, data } = splitFile(b);
    edit(header);
    const bytes = joinFile(header, data);
    const sealed = rng.next() < 0.5;
    return { bytes: sealed ? reseal(bytes) : bytes, kind, sealed };
  };
  const tensorNames = (h: Header) => Object.keys(h).filter((k) => k !== '__metadata__');
  switch (kind) {
    case 'truncate':
      return { bytes: b.subarray(0, intBelow(rng, b.length)), kind, sealed: false };
    case 'flip':
    case 'flip-header': {
      const out = Buffer.from(b);
      const n = Number(b.readBigUInt64LE(0));
      const span = kind === 'flip' ? out.length : 8 + n;
      for (let i = 1 + intBelow(rng, 3); i > 0; i--) out[intBelow(rng, span)] ^= 1 << intBelow(rng, 8);
      return { bytes: out, kind, sealed: false };
    }
    case 'length': {
      const out = Buffer.from(b);
      const n = out.readBigUInt64LE(0);
      const value = pickOf(rng, [
        0n,
        1n,
        7n,
        n - 1n,
        n + 1n,
        n + 8n,
        n * 2n,
        BigInt(b.length),
        2n ** 63n,
        2n ** 64n - 1n,
        BigInt(intBelow(rng, 2 ** 31)),
      ]);
      out.writeBigUInt64LE(value < 0n ? 0n : value, 0);
      return { bytes: out, kind, sealed: false };
    }
    case 'offsets':
      return headerEdit((h) => {
        const t = h[pickOf(rng, tensorNames(h))];
        const [x, y] = t.data_offsets;
        t.data_offsets = pickOf(rng, [
          [x, y + 4],
          [x - 4, y],
          [y, x],
          [x, 2 ** 60],
          [-4, y],
          [x + 0.5, y],
          [x],
          [x, y, 0],
          'x',
          oddValue(rng),
        ]);
      });
    case 'shape':
      return headerEdit((h) => {
        const t = h[pickOf(rng, tensorNames(h))];
        t.shape = pickOf(rng, [
          [],
          [0],
          [2 ** 40, 2 ** 40],
          [-1, t.shape[0]],
          [...t.shape].reverse(),
          [t.shape[0] + 1],
          [1.5],
          ['4'],
          oddValue(rng),
        ]);
      });
    case 'dtype':
      return headerEdit((h) => {
        h[pickOf(rng, tensorNames(h))].dtype = pickOf(rng, ['F64', 'F16', 'BF16', 'I32', 'U8', 'f32', '', 'F32 ', oddValue(rng)]);
      });
    case 'metadata':
      return headerEdit((h) => {
        const key = pickOf(rng, [...Object.keys(h.__metadata__), 'extra']);
        h.__metadata__[key] = pickOf(rng, [JSON.stringify(oddValue(rng)), 'not json', '', oddValue(rng)]);
      });
    case 'metadata-json':
      return headerEdit((h) => {
        const key = pickOf(
          rng,
          ['model', 'vocab', 'training', 'progress', 'train_state'].filter((k) => k in h.__metadata__),
        );
        const value = JSON.parse(h.__metadata__[key]);
        if (Array.isArray(value)) value[intBelow(rng, value.length)] = oddValue(rng);
        else value[pickOf(rng, [...Object.keys(value), '__proto__', 'extra'])] = oddValue(rng);
        h.__metadata__[key] = JSON.stringify(value);
      });
    case 'append':
      return { bytes: Buffer.concat([b, Buffer.alloc(1 + intBelow(rng, 16), intBelow(rng, 256))]), kind, sealed: false };
    default: // tensor-name: rename a tensor
      return headerEdit((h) => {
        const name = pickOf(rng, tensorNames(h));
        h[pickOf(rng, [name + 'x', 'rnn.weight_hh_l9', 'charnn.train_state.' + name, '__proto__', 'constructor'])] = h[name];
        delete h[name];
      });
  }
}

describe('checkpoint fuzzing', () => {
  it('1,200 mutations: every changed file is refused with a one-line error; resealed ones fail clearly or work', async () => {
    const rng = new Rng(31337);
    const path = join(dir, 'm.safetensors');
    const kinds = new Map<string, number>();
    let refused = 0;
    let loaded = 0;
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 1200; i++) {
      const original = originals[i % originals.length];
      const { bytes, kind, sealed } = mutate(original, rng);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      writeFileSync(path, bytes);
      const started = performance.now();
      let error: unknown = null;
      let result: ReturnType<typeof loadCheckpoint> | null = null;
      try {
        result = loadCheckpoint(path, { trainState: true });
      } catch (e) {
        error = e;
      }
      expect(performance.now() - started).toBeLessThan(2000);
      if (error !== null) {
        refused++;
        if (!(error instanceof CharnnError)) throw new Error(`case ${i} (${kind}): not a CharnnError: ${String(error)}`);
        expect(error.message.startsWith(`${path}: `)).toBe(true);
        expect(error.message).not.toContain('\n');
        continue;
      }
      // It loaded: only a resealed header edit, or an edit that says the same thing in other bytes
      // (padding, key order, a 1-D shape reversed), may do that, and the model must work.
      if (!sealed && !sameContent(bytes, original)) throw new Error(`case ${i} (${kind}): a changed file loaded without a valid checksum`);
      loaded++;
      const { meta, params } = result!;
      const score = await new SentenceScorer(new CharLM(meta.model, params), Vocab.fromSymbols(meta.vocab)).score('the cat', 'forward');
      expect(Number.isFinite(score.logprobLn)).toBe(true);
    }
    expect(refused).toBeGreaterThan(1000);
    expect([...kinds.keys()].length).toBe(11);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Bounded memory: nothing near the sizes the mutated headers claim (2^40 x 2^40, 2^60 bytes).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect(loaded).toBeLessThan(200);
  }, 60_000);

  it('through the CLI: exit 1 and a one-line message, never a stack trace', () => {
    const rng = new Rng(99);
    let failed = 0;
    for (let i = 0; i < 10; i++) {
      let bytes: Buffer;
      do bytes = mutate(originals[i % 2], rng).bytes;
      while (bytes.equals(originals[i % 2]));
      const path = join(dir, `cli-${i}.safetensors`);
      writeFileSync(path, bytes);
      const r = spawnSync(process.execPath, [BIN, 'score', '-m', path, 'the cat'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      if (r.status === 0) continue; // a resealed edit that is still a valid model
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^charnn: [^\n]+\n(hint: [^\n]+\n)?$/);
      failed++;
    }
    expect(failed).toBeGreaterThanOrEqual(7);
  }, 30_000);
});
