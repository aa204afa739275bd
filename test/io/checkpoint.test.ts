/**
 * Tests of the charnn checkpoint: round trips for every cell, the on-disk layout as an
 * independent reader sees it, atomic saves (the previous file survives any failure and no
 * temp file is left behind), a table of corrupt checkpoints, and findLatestCheckpoint (which
 * the CLI uses to pick a model, src/cli/model-path.ts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharnnError } from '../../src/errors.js';
import { findLatestCheckpoint } from '../../src/cli/model-path.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointMeta } from '../../src/io/checkpoint.js';
import { checksumOf } from '../../src/io/checksum.js';
import { encodeSafetensors, parseSafetensors } from '../../src/io/safetensors.js';
import { CELLS, type CellType, type ModelConfig } from '../../src/model/config.js';
import { hostParams, paramSpecs, type ParamSet } from '../../src/model/param-set.js';
import { installPlatform, platform, type Platform } from '../../src/platform/platform.js';
import { Rng } from '../../src/util/rng.js';

// Lets one test make fsync fail like a full disk; every other call goes to the real fs.
const inject = vi.hoisted(() => ({ fsyncError: undefined as Error | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      if (inject.fsyncError) throw inject.fsyncError;
      fs.fsyncSync(fd);
    },
  };
});
// The setup file (test/helpers/node-platform-setup.ts) installed Node's platform before the mock
// above existed, so that platform's atomic writes hold the real fs. Saves here go through a fresh
// copy of the Node platform's writeFileAtomic (src/platform/node/atomic-file.ts), which sees the mock.
let installed: Platform;
beforeAll(async () => {
  installed = platform();
  vi.resetModules();
  const { nodePlatform } = await import('../../src/platform/node/node-platform.js');
  installPlatform({ ...installed, writeFileAtomic: nodePlatform.writeFileAtomic });
});
afterAll(() => installPlatform(installed));

const VOCAB = ['<EOS>', '<UNK>', 'a', 'b', ' ', 'é', '𝄞'];

function makeModel(cell: CellType, seed = 1): { params: ParamSet<Float32Array>; meta: CheckpointMeta } {
  const model: ModelConfig = { cell, vocabSize: VOCAB.length, hidden: 3, layers: 2, dropout: 0.25 };
  const params = hostParams(paramSpecs(model));
  const rng = new Rng(seed);
  for (let i = 0; i < params.data.length; i++) params.data[i] = rng.uniform(-1, 1);
  const meta: CheckpointMeta = {
    model,
    vocab: [...VOCAB],
    training: { lr: 0.002, batch: 4, schedule: { kind: 'cosine' }, corpus: 'x.txt' },
    progress: { step: 120, epoch: 2, bestValNats: 1.25, valNats: null, charsSeen: 9600 },
  };
  return { params, meta };
}

/** Independent reader: the metadata and tensor table as any safetensors consumer sees them. */
function tinyRead(path: string) {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const data = buf.subarray(8 + n);
  return { header, data };
}

/** Re-encodes a checkpoint with an edited header table or data, to build corrupt files. With
 *  `reseal` the checksum is recomputed, as someone crafting a file would: the checks behind the
 *  checksum must hold on their own. */
function rewrite(path: string, edit: (header: Record<string, any>) => void, reseal = true): void {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  edit(header);
  const encode = () => {
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    return Buffer.concat([len, json, buf.subarray(8 + n)]);
  };
  let bytes = encode();
  if (reseal && header.__metadata__) {
    try {
      header.__metadata__.checksum = checksumOf(parseSafetensors(bytes, path));
      bytes = encode();
    } catch {
      // not even a well-formed safetensors file: nothing to seal
    }
  }
  writeFileSync(path, bytes);
}

/** Recomputes the checksum of a file whose bytes were edited in place. */
function reseal(path: string): void {
  rewrite(path, () => {});
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'charnn-ckpt-'));
});
afterEach(() => {
  inject.fsyncError = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it.each(CELLS)('round-trips a %s model', (cell) => {
    const { params, meta } = makeModel(cell);
    const path = join(dir, `${cell}.safetensors`);
    saveCheckpoint(path, params, meta);
    const loaded = loadCheckpoint(path);
    expect(loaded.meta).toEqual(meta);
    expect(loaded.params.specs).toEqual(paramSpecs(meta.model));
    expect(Buffer.from(loaded.params.data.buffer).equals(Buffer.from(params.data.buffer))).toBe(true);
    // Views are built over the one flat buffer.
    expect(loaded.params.get('decoder.bias').buffer).toBe(loaded.params.data.buffer);
  });

  it('stores bilstm backward tensors under backward.* and everything under PyTorch names', () => {
    const { params, meta } = makeModel('bilstm');
    const path = join(dir, 'bi.safetensors');
    saveCheckpoint(path, params, meta);
    const { header, data } = tinyRead(path);
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    expect(names).toEqual(paramSpecs(meta.model).map((s) => s.name));
    expect(names).toContain('backward.rnn.weight_hh_l1');
    expect(names).toContain('backward.decoder.weight');
    expect(header['rnn.weight_ih_l0'].shape).toEqual([12, 7]); // (4H, V)
    expect(header['backward.rnn.weight_ih_l1'].shape).toEqual([12, 3]); // (4H, H)
    // Each tensor's bytes are exactly its view of the flat buffer.
    for (const spec of paramSpecs(meta.model)) {
      const [b, e] = header[spec.name].data_offsets;
      const values = Array.from({ length: (e - b) / 4 }, (_, i) => data.readFloatLE(b + 4 * i));
      expect(values).toEqual(Array.from(params.get(spec.name)));
    }
  });

  it('writes the documented metadata', () => {
    const { params, meta } = makeModel('gru');
    const path = join(dir, 'g.safetensors');
    saveCheckpoint(path, params, meta);
    const m = tinyRead(path).header.__metadata__;
    expect(Object.values(m).every((v) => typeof v === 'string')).toBe(true);
    expect(m.format).toBe('charnn');
    expect(m.format_version).toBe('2');
    expect(m.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(m.model)).toEqual(meta.model);
    expect(JSON.parse(m.vocab)).toEqual(VOCAB);
    expect(JSON.parse(m.training)).toEqual(meta.training);
    expect(JSON.parse(m.progress)).toEqual({ step: 120, epoch: 2, best_val_nats: 1.25, val_nats: null, chars_seen: 9600 });
    expect(m.train_state).toBeUndefined();
  });

  it('round-trips a training state beside the model, under its own prefix', () => {
    const { params, meta } = makeModel('lstm');
    const path = join(dir, 'state.safetensors');
    const moment = Float32Array.from({ length: params.data.length }, (_, i) => i / 7);
    const carried = Float32Array.from([1.5, -2, 0.25]);
    saveCheckpoint(path, params, meta, {
      json: { step: 9, rng: [1, 2, 3, 4] },
      tensors: [
        { name: 'optimizer.0', shape: [moment.length], data: moment },
        { name: 'carried', shape: [3], data: carried },
      ],
    });
    const names = Object.keys(tinyRead(path).header);
    expect(names).toContain('charnn.train_state.optimizer.0');
    expect(names).toContain('charnn.train_state.carried');
    const loaded = loadCheckpoint(path, { trainState: true });
    expect(Array.from(loaded.params.data)).toEqual(Array.from(params.data));
    expect(loadCheckpoint(path).trainState).toBeNull(); // only when asked for
    expect(loadCheckpoint(path).hasTrainState).toBe(true);
    expect(loaded.trainState!.json).toEqual({ step: 9, rng: [1, 2, 3, 4] });
    expect(Array.from(loaded.trainState!.tensors.get('optimizer.0')!.data)).toEqual(Array.from(moment));
    expect(Array.from(loaded.trainState!.tensors.get('carried')!.data)).toEqual([1.5, -2, 0.25]);
    // A model-only checkpoint has none.
    saveCheckpoint(path, params, meta);
    expect(loadCheckpoint(path, { trainState: true }).trainState).toBeNull();
    expect(loadCheckpoint(path).hasTrainState).toBe(false);
  });

  it('refuses to save a non-finite training state', () => {
    const { params, meta } = makeModel('rnn');
    const path = join(dir, 'nan-state.safetensors');
    const bad = { json: {}, tensors: [{ name: 'carried', shape: [2], data: Float32Array.from([0, NaN]) }] };
    expect(() => saveCheckpoint(path, params, meta, bad)).toThrow(/training state carried has a non-finite value \(NaN\) at index 1/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('loads tensors in any file order into spec order', () => {
    const { params, meta } = makeModel('lstm');
    const path = join(dir, 'shuffled.safetensors');
    saveCheckpoint(path, params, meta);
    const metadata = new Map<string, string>(Object.entries(tinyRead(path).header.__metadata__));
    const reversed = [...paramSpecs(meta.model)].reverse().map((s) => ({ ...s, data: params.get(s.name) }));
    writeFileSync(path, encodeSafetensors(reversed, metadata));
    reseal(path); // the offsets, and so the checksum, change with the order
    expect(Array.from(loadCheckpoint(path).params.data)).toEqual(Array.from(params.data));
  });

  it('fills in missing progress fields', () => {
    const { params, meta } = makeModel('rnn');
    const path = join(dir, 'p.safetensors');
    saveCheckpoint(path, params, meta);
    rewrite(path, (h) => (h.__metadata__.progress = '{}'));
    expect(loadCheckpoint(path).meta.progress).toEqual({ step: 0, epoch: 0, bestValNats: null, valNats: null, charsSeen: 0 });
  });

  it('creates missing parent directories', () => {
    const { params, meta } = makeModel('rnn');
    const path = join(dir, 'a', 'b', 'c.safetensors');
    saveCheckpoint(path, params, meta);
    expect(loadCheckpoint(path).meta.model.cell).toBe('rnn');
  });

  it('refuses to save what it could not load', () => {
    const { params, meta } = makeModel('rnn');
    const path = join(dir, 'x.safetensors');
    const save = (m: Partial<CheckpointMeta>) => () => saveCheckpoint(path, params, { ...meta, ...m });
    expect(save({ vocab: VOCAB.slice(1) })).toThrow(/vocab has 6 symbols but the model's vocabSize is 7/);
    expect(save({ model: { ...meta.model, hidden: 4 } })).toThrow(/parameter rnn.weight_ih_l0 has 21 values, expected 28/);
    expect(save({ progress: { ...meta.progress, step: -1 } })).toThrow(/progress step -1/);
    expect(save({ progress: { ...meta.progress, valNats: NaN } })).toThrow(/progress valNats NaN/);
    const gru = makeModel('gru');
    expect(() => saveCheckpoint(path, gru.params, meta)).toThrow(CharnnError);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('atomic saves', () => {
  function saved() {
    const { params, meta } = makeModel('lstm');
    const path = join(dir, 'model.safetensors');
    saveCheckpoint(path, params, meta);
    return { params, meta, path, before: readFileSync(path) };
  }

  it('refuses non-finite parameters and leaves the previous file alone', () => {
    const { params, meta, path, before } = saved();
    params.get('rnn.bias_hh_l1')[2] = NaN;
    expect(() => saveCheckpoint(path, params, meta)).toThrow(
      /cannot save checkpoint .*model\.safetensors: parameter rnn.bias_hh_l1 has a non-finite value \(NaN\) at index 2/,
    );
    params.get('rnn.bias_hh_l1')[2] = -Infinity;
    expect(() => saveCheckpoint(path, params, meta)).toThrow(/-Infinity/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('leaves the previous file byte-identical and no temp file when the disk fails mid-save', () => {
    const { params, meta, path, before } = saved();
    params.data[0] += 1;
    inject.fsyncError = Object.assign(new Error('ENOSPC: no space left on device, fsync'), { code: 'ENOSPC' });
    expect(() => saveCheckpoint(path, params, meta)).toThrow(
      /cannot save checkpoint .*model\.safetensors: ENOSPC: no space left on device/,
    );
    inject.fsyncError = undefined;
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    // And the next save goes through.
    saveCheckpoint(path, params, meta);
    expect(loadCheckpoint(path).params.data[0]).toBe(params.data[0]);
  });

  it('cleans up when the rename fails (target is a non-empty directory)', () => {
    const { params, meta } = makeModel('rnn');
    const target = join(dir, 'taken.safetensors');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    expect(() => saveCheckpoint(target, params, meta)).toThrow(/cannot save checkpoint .*taken\.safetensors: E(ISDIR|NOTEMPTY|EXIST)/);
    expect(readdirSync(dir)).toEqual(['taken.safetensors']);
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('x');
  });

  it('reports an unwritable parent', () => {
    const { params, meta } = makeModel('rnn');
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => saveCheckpoint(join(dir, 'file', 'm.safetensors'), params, meta)).toThrow(/cannot save checkpoint .*: (EEXIST|ENOTDIR)/);
  });
});

describe('corrupt checkpoints', () => {
  type Corruption = (path: string) => void;
  const meta =
    (key: string, value: unknown): Corruption =>
    (p) =>
      rewrite(p, (h) => (h.__metadata__[key] = typeof value === 'string' ? value : JSON.stringify(value)));
  const model =
    (patch: Record<string, unknown>): Corruption =>
    (p) =>
      rewrite(p, (h) => (h.__metadata__.model = JSON.stringify({ ...JSON.parse(h.__metadata__.model), ...patch })));
  const setFloat =
    (name: string, value: number): Corruption =>
    (p) => {
      const buf = readFileSync(p);
      const n = Number(buf.readBigUInt64LE(0));
      const [b] = JSON.parse(buf.subarray(8, 8 + n).toString())[name].data_offsets;
      buf.writeFloatLE(value, 8 + n + b);
      writeFileSync(p, buf);
      reseal(p);
    };
  /** Flips one bit of the byte `skip` places into the first occurrence of `marker` in the header. */
  const flip =
    (marker: string, bit: number, skip = 0): Corruption =>
    (p) => {
      const buf = readFileSync(p);
      const at = buf.indexOf(marker) + skip;
      buf[at] ^= bit;
      writeFileSync(p, buf);
    };

  const cases: [string, Corruption, RegExp][] = [
    ['truncated file', (p) => writeFileSync(p, readFileSync(p).subarray(0, 300)), /truncated or not a safetensors file/],
    // Issue 15, item 9: what happened first ("truncated or damaged"), the detail after.
    [
      'truncated data',
      (p) => writeFileSync(p, readFileSync(p).subarray(0, -4)),
      /: truncated or damaged: tensor \S+: data_offsets \[\d+,\d+\] outside the \d+-byte data region$/,
    ],
    ['empty file', (p) => writeFileSync(p, ''), /not a safetensors file: 0 bytes/],
    [
      'header length too large',
      (p) => {
        const b = readFileSync(p);
        b.writeBigUInt64LE(BigInt(b.length));
        writeFileSync(p, b);
      },
      /header length \d+ but only \d+ bytes follow/,
    ],
    ['bad JSON', flip('{', 0x01), /corrupt header/],
    // A flipped bit that leaves the file well-formed: only the checksum can tell.
    [
      'bit-flipped weight',
      (p) => {
        const b = readFileSync(p);
        b[b.length - 10] ^= 0x10;
        writeFileSync(p, b);
      },
      /checksum mismatch: the file was changed or damaged after charnn wrote it/,
    ],
    ['bit-flipped metadata digit', flip('"step\\":12', 0x02, '"step\\":'.length), /checksum mismatch/],
    ['edited without a new checksum', (p) => rewrite(p, (h) => (h.__metadata__.progress = '{}'), false), /checksum mismatch/],
    ['no checksum', (p) => rewrite(p, (h) => delete h.__metadata__.checksum, false), /metadata has no "checksum"/],
    [
      'training-state tensor without a training state',
      (p) => {
        rewrite(
          p,
          (h) => {
            const end = h['decoder.bias'].data_offsets[1];
            h['charnn.train_state.carried'] = { dtype: 'F32', shape: [1], data_offsets: [end, end + 4] };
          },
          false,
        );
        writeFileSync(p, Buffer.concat([readFileSync(p), Buffer.alloc(4)]));
        reseal(p);
      },
      /tensor charnn.train_state.carried belongs to a training state, but the metadata has no "train_state"/,
    ],
    ['training state not an object', meta('train_state', [1]), /metadata train_state is not a JSON object/],
    ['bit-flipped JSON bracket', flip('"shape":[', 0x01, '"shape":'.length), /corrupt header: invalid JSON/],
    ['bit-flipped metadata JSON', flip('"vocab":"[', 0x01, '"vocab":"'.length), /checksum mismatch/],
    // A flipped bit in an offset digit ('0' -> '1') breaks the tiling of the data region.
    ['bit-flipped offset digit', flip('"data_offsets":[0,', 0x01, '"data_offsets":['.length), /data_offsets \[1,\d+\]/],
    ['wrong dtype', (p) => rewrite(p, (h) => (h['decoder.bias'].dtype = 'I32')), /tensor decoder.bias has dtype I32/],
    [
      'wrong shape',
      (p) => rewrite(p, (h) => (h['rnn.weight_hh_l0'].shape = [3, 12])),
      /tensor rnn.weight_hh_l0 has shape \[3,12\], expected \[12,3\]/,
    ],
    [
      'overlapping offsets',
      (p) =>
        rewrite(p, (h) => {
          const [b, e] = h['decoder.bias'].data_offsets;
          h['decoder.bias'].data_offsets = [b - 4, e - 4];
        }),
      /tensor decoder.bias overlaps tensor decoder.weight/,
    ],
    [
      'missing tensor',
      (p) =>
        rewrite(p, (h) => {
          // Keep the data region tiled: shrink the table and let decoder.bias's bytes become trailing.
          delete h['decoder.bias'];
        }),
      /bytes after the last tensor/,
    ],
    [
      'missing tensor (data removed too)',
      (p) => {
        rewrite(p, (h) => delete h['decoder.bias']);
        const b = readFileSync(p);
        writeFileSync(p, b.subarray(0, b.length - 4 * VOCAB.length));
        reseal(p);
      },
      /tensor decoder.bias is missing \(a lstm model needs it\)/,
    ],
    [
      'extra tensor',
      (p) => {
        rewrite(p, (h) => {
          const end = h['decoder.bias'].data_offsets[1];
          h['rnn.weight_ih_l9'] = { dtype: 'F32', shape: [1], data_offsets: [end, end + 4] };
        });
        writeFileSync(p, Buffer.concat([readFileSync(p), Buffer.alloc(4)]));
        reseal(p);
      },
      /unexpected tensor rnn.weight_ih_l9 \(not part of a lstm model\)/,
    ],
    ['non-finite value', setFloat('rnn.bias_ih_l1', Infinity), /tensor rnn.bias_ih_l1 has a non-finite value \(Infinity\) at index 0/],
    ['NaN value', setFloat('decoder.weight', NaN), /tensor decoder.weight has a non-finite value \(NaN\)/],
    [
      'non-string metadata',
      (p) => rewrite(p, (h) => (h.__metadata__.format_version = 1)),
      /metadata value "format_version" is a number, not a string/,
    ],
    ['not charnn', meta('format', 'gpt2'), /not a charnn checkpoint \(format "gpt2"\)/],
    ['no format', (p) => rewrite(p, (h) => delete h.__metadata__), /not a charnn checkpoint \(no "format"/],
    ['future version', meta('format_version', '3'), /unsupported checkpoint format_version "3"/],
    ['version 1 (no checksum)', meta('format_version', '1'), /unsupported checkpoint format_version "1"/],
    ['missing model', (p) => rewrite(p, (h) => delete h.__metadata__.model), /metadata has no "model"/],
    ['model not JSON', meta('model', '{cell: lstm}'), /metadata "model" is not valid JSON/],
    ['unknown cell', model({ cell: 'transformer' }), /metadata model: cell "transformer" is not one of rnn, lstm, gru, bilstm/],
    ['zero hidden', model({ hidden: 0 }), /hidden 0 is not a positive integer/],
    ['fractional layers', model({ layers: 1.5 }), /layers 1.5 is not a positive integer/],
    ['dropout 1', model({ dropout: 1 }), /dropout 1 is not in \[0, 1\)/],
    ['unknown model field', model({ heads: 4 }), /unknown model config field "heads"/],
    ['vocab length mismatch', model({ vocabSize: 8 }), /vocab has 7 symbols but the model's vocabSize is 8/],
    ['vocab not an array', meta('vocab', { a: 1 }), /vocab is not an array/],
    ['vocab without <EOS>', meta('vocab', ['<UNK>', '<EOS>', 'a', 'b', ' ', 'é', '𝄞']), /must start with "<EOS>", "<UNK>"/],
    ['duplicate vocab', meta('vocab', ['<EOS>', '<UNK>', 'a', 'b', 'a', 'é', '𝄞']), /vocab entry 4 "a" is a duplicate/],
    ['multi-character vocab', meta('vocab', ['<EOS>', '<UNK>', 'ab', 'b', ' ', 'é', '𝄞']), /vocab entry 2 "ab" is not a single character/],
    ['non-string vocab', meta('vocab', ['<EOS>', '<UNK>', 3, 'b', ' ', 'é', '𝄞']), /vocab entry 2 is not a string/],
    ['training not an object', meta('training', [1, 2]), /metadata training is not a JSON object/],
    [
      '__proto__ in training',
      meta('training', '{"a": {"__proto__": {"x": 1}}}'),
      /metadata "training" is not valid JSON \("__proto__" is not allowed/,
    ],
    ['negative step', meta('progress', { step: -3, epoch: 0 }), /metadata progress: step -3 is not a non-negative integer/],
    ['string epoch', meta('progress', { step: 3, epoch: '1' }), /metadata progress: epoch "1"/],
  ];
  it.each(cases)('%s', (_label, corrupt, message) => {
    const { params, meta: m } = makeModel('lstm');
    const path = join(dir, 'c.safetensors');
    saveCheckpoint(path, params, m);
    corrupt(path);
    let error: unknown;
    try {
      loadCheckpoint(path, { trainState: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CharnnError);
    const text = (error as Error).message;
    expect(text.startsWith(`${path}: `)).toBe(true);
    expect(text).toMatch(message);
    expect(text.includes('\n')).toBe(false);
  });

  it('says clearly when the file is missing or a directory', () => {
    const missing = join(dir, 'nope.safetensors');
    expect(() => loadCheckpoint(missing)).toThrow(`${missing}: checkpoint not found`);
    try {
      loadCheckpoint(missing);
    } catch (e) {
      expect((e as CharnnError).hint).toMatch(/charnn train/);
    }
    expect(() => loadCheckpoint(dir)).toThrow(`${dir}: is a directory, not a checkpoint file`);
  });
});

describe('findLatestCheckpoint', () => {
  it('returns undefined for a missing or empty directory', () => {
    expect(findLatestCheckpoint(join(dir, 'missing'))).toBeUndefined();
    expect(findLatestCheckpoint(dir)).toBeUndefined();
  });

  it('picks the newest *.safetensors by mtime', () => {
    const touch = (name: string, seconds: number) => {
      writeFileSync(join(dir, name), '');
      utimesSync(join(dir, name), seconds, seconds);
    };
    touch('old.safetensors', 1000);
    touch('new.safetensors', 3000);
    touch('mid.safetensors', 2000);
    touch('newer.txt', 9000);
    touch('.new.safetensors.123.abc.tmp', 9000);
    touch('.hidden.safetensors', 9000);
    mkdirSync(join(dir, 'dir.safetensors'));
    expect(findLatestCheckpoint(dir)).toBe(join(dir, 'new.safetensors'));
    touch('old.safetensors', 4000);
    expect(findLatestCheckpoint(dir)).toBe(join(dir, 'old.safetensors'));
  });

  it('returns undefined when given a file', () => {
    writeFileSync(join(dir, 'f'), '');
    expect(findLatestCheckpoint(join(dir, 'f'))).toBeUndefined();
  });

  it('finds what saveCheckpoint wrote', () => {
    const { params, meta } = makeModel('gru');
    saveCheckpoint(join(dir, 'run', 'step-10.safetensors'), params, meta);
    expect(findLatestCheckpoint(join(dir, 'run'))).toBe(join(dir, 'run', 'step-10.safetensors'));
  });
});
