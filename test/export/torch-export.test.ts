// `charnn export torch` (no PyTorch needed): the folder it writes, the corpus as charnn's own ids
// and split, and its errors. What the folder does with PyTorch is torch-trainer.test.ts's.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { START_CHECKPOINT, TORCH_TEMPLATE_FILES } from '../../src/cli/commands/export-torch.js';
import { encodeCorpus } from '../../src/data/corpus.js';
import { splitTrainVal } from '../../src/data/split.js';
import { splitTrainValParts } from '../../src/data/split-parts.js';
import type { CorpusManifest } from '../../src/export/exported-corpus.js';
import { train } from '../../src/train/loop.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { cliInProcess, expectCleanError } from '../helpers/cli.js';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'charnn-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = ['The mill wheel turns all day.', 'Ducks on the pond, a dog on the bank.', 'Bread and cheese at noon.'].join('\n') + '\n';
const TRAINING = (TEXT + TEXT.toUpperCase()).repeat(3);
let vocab: Vocab;

beforeAll(async () => {
  writeFileSync(join(dir, 'mill.txt'), TRAINING);
  const options = { hidden: 8, layers: 1, batch: 2, seq: 8, steps: 2, threads: 1, minCount: 1, valFrac: 0.2 };
  const r = await train(TRAINING, 'mill', { ...options, corpusPath: join(dir, 'mill.txt'), out: join(dir, 'mill.safetensors') });
  vocab = r.vocab;
  await train(TRAINING, 'stdin', { ...options, out: join(dir, 'nocorpus.safetensors') }); // records no corpus path, as from stdin
});

const manifestOf = (folder: string) => JSON.parse(readFileSync(join(dir, folder, 'corpus.json'), 'utf8')) as CorpusManifest;

function idsOf(folder: string, m: CorpusManifest): number[] {
  const bytes = readFileSync(join(dir, folder, m.ids.file));
  expect(m.ids.dtype).toBe('U8'); // a vocabulary of under 256 symbols
  return Array.from(bytes);
}

describe('charnn export torch', () => {
  it('writes the trainer, the model byte for byte, and the corpus as charnn encodes and splits it', async () => {
    const r = await cliInProcess(['export', 'torch', '-m', 'mill.safetensors', '-o', 'ex'], dir);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(dir, 'ex')).sort()).toEqual([...TORCH_TEMPLATE_FILES, START_CHECKPOINT, 'corpus.ids', 'corpus.json'].sort());
    const templates = readdirSync(join(ROOT, 'templates', 'torch')).filter((f) => f !== '__pycache__');
    expect([...TORCH_TEMPLATE_FILES].sort()).toEqual(templates.sort()); // every file of the trainer goes
    for (const file of TORCH_TEMPLATE_FILES) {
      expect(readFileSync(join(dir, 'ex', file)).equals(readFileSync(join(ROOT, 'templates', 'torch', file))), file).toBe(true);
    }
    expect(readFileSync(join(dir, 'ex', START_CHECKPOINT)).equals(readFileSync(join(dir, 'mill.safetensors')))).toBe(true);

    const m = manifestOf('ex');
    const corpus = encodeCorpus(TRAINING, vocab);
    const split = splitTrainVal(corpus, 0.2); // the model's run's --val-frac
    expect(m.vocab).toEqual([...vocab.symbols]);
    expect(idsOf('ex', m)).toEqual(Array.from(corpus.ids));
    expect(m.ids.count).toBe(corpus.ids.length);
    expect(m.ids.sha256).toBe(
      'sha256:' +
        createHash('sha256')
          .update(readFileSync(join(dir, 'ex', 'corpus.ids')))
          .digest('hex'),
    );
    expect([m.train_tokens, m.val_start, m.val_frac]).toEqual([split.train.length, corpus.ids.length - split.val.length, 0.2]);
    expect([m.name, m.sources, m.corpus_path, m.lines, m.chars, m.unk]).toEqual([
      'mill',
      [join(dir, 'mill.txt')],
      join(dir, 'mill.txt'),
      corpus.lines,
      corpus.chars,
      0,
    ]);
    expect(r.err).toMatch(/^Exported .*mill\.safetensors \(lstm 1 x 8, step 2, with its training state\) and mill \(/);
    expect(r.err).toMatch(/torchrun --nproc_per_node 2 train\.py --steps 1002/);

    // Again into the same folder: an earlier export is replaced.
    expect((await cliInProcess(['export', 'torch', '-m', 'mill.safetensors', '-o', 'ex', '--val-frac', '0'], dir)).code).toBe(0);
    expect(manifestOf('ex').val_start).toBe(corpus.ids.length);
    // And into one an export left half-written (only its own files, corpus.json not yet there).
    mkdirSync(join(dir, 'half'));
    writeFileSync(join(dir, 'half', 'train.py'), '');
    writeFileSync(join(dir, 'half', START_CHECKPOINT), '');
    expect((await cliInProcess(['export', 'torch', '-m', 'mill.safetensors', '-o', 'half'], dir)).code).toBe(0);
    expect(readFileSync(join(dir, 'half', 'train.py'))).toEqual(readFileSync(join(ROOT, 'templates', 'torch', 'train.py')));
  });

  it('--corpus files one after another (each ending its last line), other characters as <UNK>, --val-frac', async () => {
    writeFileSync(join(dir, 'a.txt'), 'The mill wheel.\nDucks on the pond'); // no final line end
    writeFileSync(join(dir, 'b.txt'), 'Zebras at noon!\n');
    const r = await cliInProcess(
      ['export', 'torch', '-m', 'nocorpus.safetensors', '--corpus', 'a.txt', '--corpus', 'b.txt', '--val-frac', '0.3', '-o', 'two'],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const m = manifestOf('two');
    const corpus = encodeCorpus('The mill wheel.\nDucks on the pond\nZebras at noon!\n', vocab);
    // As `charnn train` splits several files: each file's end is its validation share
    // (src/data/split-parts.ts); the stream is the training parts, then the validation parts.
    const split = splitTrainValParts(corpus, [2, 1], 0.3, vocab.size);
    const stream = [...split.train, ...split.val.subarray(1)];
    expect(idsOf('two', m)).toEqual(stream);
    expect(stream.length).toBe(corpus.ids.length);
    expect(m.unk).toBe(corpus.unk);
    expect(m.unk).toBeGreaterThan(0); // 'Z', 'z', '!' are not in the model's vocabulary
    expect([m.name, m.corpus_path, m.lines, m.train_tokens, m.val_start]).toEqual([
      'a',
      null,
      3,
      split.train.length,
      split.train.length - 1,
    ]);
    expect(r.err).toMatch(/note: the model's run trained on another text .*--new-run/);
    expect(r.err).toMatch(/torchrun --nproc_per_node 2 train\.py --new-run --steps 1000/);
    expect(r.err).toContain(`${m.unk} characters outside the vocabulary as <UNK>`);
  });

  it('errors are one line, and nothing is written', async () => {
    mkdirSync(join(dir, 'busy'));
    writeFileSync(join(dir, 'busy', 'notes.txt'), 'mine');
    const damaged = readFileSync(join(dir, 'mill.safetensors'));
    damaged[damaged.length - 3] ^= 1;
    writeFileSync(join(dir, 'damaged.safetensors'), damaged);
    for (const [args, code, message] of [
      [['-m', 'mill.safetensors'], 2, /^charnn: give the folder to write: -o DIR/],
      [['-m', 'mill.safetensors', '-o', 'busy'], 2, /^charnn: -o busy is a folder with other files in it/],
      [['-m', 'mill.safetensors', '-o', 'mill.txt'], 2, /^charnn: -o mill\.txt is a file, not a folder/],
      [
        ['-m', 'nocorpus.safetensors', '-o', 'x1'],
        2,
        /^charnn: .*nocorpus\.safetensors does not record the corpus it was trained on: give it with --corpus FILE/,
      ],
      [['-m', 'mill.safetensors', '--corpus', 'missing.txt', '-o', 'x2'], 1, /^charnn: no such file: .*missing\.txt/],
      [['-m', 'damaged.safetensors', '-o', 'x3'], 1, /^charnn: .*damaged\.safetensors: checksum mismatch/],
      [['-m', 'missing.safetensors', '-o', 'x4'], 1, /^charnn: .*missing\.safetensors: no such file/],
      [['-m', 'mill.safetensors', '-o', 'x5', '--val-frac', '1'], 2, /^charnn: option '--val-frac <f>' argument '1' is invalid/],
    ] as const) {
      const r = await cliInProcess(['export', 'torch', ...args], dir);
      expectCleanError(r, code, message);
    }
    expect(readdirSync(join(dir, 'busy'))).toEqual(['notes.txt']);
    for (const n of [1, 2, 3, 4, 5]) expect(readdirSync(dir)).not.toContain(`x${n}`);
    expectCleanError(await cliInProcess(['export', 'onnx'], dir), 2, /^charnn: unknown command 'onnx'/);
  });
});
