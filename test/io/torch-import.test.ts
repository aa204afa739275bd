// `charnn import`: state_dicts saved from PyTorch (scripts/torch_import_fixture.py made the
// fixtures with torch and safetensors.torch.save_file, with <EOS> and <UNK> not at ids 0 and 1)
// become checkpoints whose sentence probabilities equal PyTorch's, for every cell and both
// directions of a bilstm; a charnn model exported as a bare state_dict imports back unchanged;
// a wrong cell, missing or foreign tensors, or a bad vocabulary are clear errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CharnnError } from '../../src/errors.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { importStateDict, readVocabJson } from '../../src/io/torch-import.js';
import { CharLM, initParams } from '../../src/model/charlm.js';
import type { CellType } from '../../src/model/config.js';
import { SentenceScorer } from '../../src/scoring/sentence-scorer.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';

const FIXTURES = resolve(__dirname, '../fixtures/torch-import');
const BIN = resolve(__dirname, '../../bin/charnn.js');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  vocab: string[];
  sentences: string[];
  models: Record<CellType, { hidden: number; layers: number; forward_ln: number[]; backward_ln?: number[] }>;
};
const dir = mkdtempSync(join(tmpdir(), 'charnn-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** charnn's float32 forward against PyTorch's float32 forward (with a float64 log-softmax):
 *  measured, they differ by at most 1.1e-7 of max(1, |ln P|) (gru, the empty sentence: 4.5e-7
 *  of 4.2 nats), most by 1e-9 to 1e-8; allowed: about 5 times that. */
const closeTo = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(5e-7 * Math.max(1, Math.abs(b)));

describe('importing PyTorch state_dicts', () => {
  for (const cell of ['rnn', 'lstm', 'gru', 'bilstm'] as CellType[]) {
    it(`${cell}: sizes from the shapes, and PyTorch's sentence probabilities`, async () => {
      const { params, meta } = importStateDict(join(FIXTURES, `${cell}.safetensors`), readVocabJson(join(FIXTURES, 'vocab.json')), cell);
      const want = expected.models[cell];
      expect(meta.model).toEqual({ cell, vocabSize: expected.vocab.length, hidden: want.hidden, layers: want.layers, dropout: 0 });
      expect(meta.vocab.slice(0, 2)).toEqual(['<EOS>', '<UNK>']);
      expect(new Set(meta.vocab)).toEqual(new Set(expected.vocab));
      const scorer = new SentenceScorer(new CharLM(meta.model, params), Vocab.fromSymbols(meta.vocab));
      for (const [i, s] of expected.sentences.entries()) {
        closeTo((await scorer.score(s, 'forward')).logprobLn, want.forward_ln[i]);
        if (cell === 'bilstm') closeTo((await scorer.score(s, 'backward')).logprobLn, want.backward_ln![i]);
      }
    });
  }

  it('through the CLI: import, then score gives the same numbers', () => {
    const out = join(dir, 'imported.safetensors');
    const r = spawnSync(
      process.execPath,
      [BIN, 'import', join(FIXTURES, 'lstm.safetensors'), '--vocab', join(FIXTURES, 'vocab.json'), '--cell', 'lstm', '-o', out],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /^Imported a lstm 2 x 5 model \(8 symbols, 588 parameters\) from .*lstm\.safetensors\nSaved .*imported\.safetensors\n$/,
    );
    expect(loadCheckpoint(out).meta.training).toEqual({ imported_from: join(FIXTURES, 'lstm.safetensors') });
    const scored = spawnSync(process.execPath, [BIN, 'score', '-m', out, '--json', ...expected.sentences.slice(0, 3)], {
      encoding: 'utf8',
    });
    expect(scored.status).toBe(0);
    const lines = scored.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    lines.forEach((l, i) => closeTo(l.logprob_ln, expected.models.lstm.forward_ln[i]));
  });

  it('a charnn model saved as a bare state_dict imports back with the same weights', () => {
    const config = { cell: 'gru' as const, vocabSize: 6, hidden: 4, layers: 2, dropout: 0 };
    const params = initParams(config, new Rng(3));
    const symbols = ['<EOS>', '<UNK>', 'x', 'y', 'z', ' '];
    const weights = join(dir, 'bare.safetensors');
    writeFileSync(
      weights,
      encodeSafetensors(
        params.specs.map((s) => ({ name: s.name, shape: s.shape, data: params.get(s.name) })),
        new Map(),
      ),
    );
    const imported = importStateDict(weights, symbols, 'gru');
    expect(imported.meta.model).toEqual(config);
    expect(imported.meta.vocab).toEqual(symbols);
    expect(Array.from(imported.params.data)).toEqual(Array.from(params.data));
  });

  const vocabFile = join(FIXTURES, 'vocab.json');
  const cases: [string, () => unknown, RegExp][] = [
    [
      'the wrong cell',
      () => importStateDict(join(FIXTURES, 'lstm.safetensors'), readVocabJson(vocabFile), 'gru'),
      /rnn\.weight_hh_l0 has shape \[20,5\], but a gru with 5 hidden units .* needs \[15,5\]/,
    ],
    [
      'a bilstm without its backward model',
      () => importStateDict(join(FIXTURES, 'lstm.safetensors'), readVocabJson(vocabFile), 'bilstm'),
      /a bilstm needs the backward model too/,
    ],
    [
      'a backward model for an lstm',
      () => importStateDict(join(FIXTURES, 'bilstm.safetensors'), readVocabJson(vocabFile), 'lstm'),
      /unexpected tensor backward\.[a-z_.0-9]+: a lstm 1 x 4 model has rnn\.weight_ih_l0/,
    ],
    [
      'a vocabulary of another size',
      () => importStateDict(join(FIXTURES, 'lstm.safetensors'), ['<EOS>', '<UNK>', 'a'], 'lstm'),
      /the model has 8 symbols .* but the vocabulary lists 3/,
    ],
    [
      'a vocabulary without <UNK>',
      () => importStateDict(join(FIXTURES, 'lstm.safetensors'), ['<EOS>', 'a', 'b', 'c', 'd', 'e', 'f', 'g'], 'lstm'),
      /must include "<EOS>" and "<UNK>"/,
    ],
    [
      'a vocabulary with a duplicate',
      () => importStateDict(join(FIXTURES, 'lstm.safetensors'), ['<EOS>', '<UNK>', 'a', 'a', 'c', 'd', 'e', 'f'], 'lstm'),
      /appears twice/,
    ],
    [
      'a vocabulary that is not an array',
      () => {
        writeFileSync(join(dir, 'v.json'), '{"a": 1}');
        return readVocabJson(join(dir, 'v.json'));
      },
      /must be a JSON array of strings/,
    ],
    ['a missing weights file', () => importStateDict(join(dir, 'nope.safetensors'), readVocabJson(vocabFile), 'lstm'), /cannot read file/],
  ];
  it.each(cases)('refuses %s with a clear error', (_label, run, message) => {
    expect(run).toThrow(CharnnError);
    expect(run).toThrow(message);
  });

  it('CLI usage errors: exit 2 for a missing --vocab or an unknown cell, and for --out over the input', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'import', ...args], { encoding: 'utf8', cwd: dir });
    const w = join(FIXTURES, 'lstm.safetensors');
    expect(run([w, '--cell', 'lstm']).status).toBe(2);
    const bad = run([w, '--vocab', vocabFile, '--cell', 'transformer']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--cell.*expected one of rnn, lstm, gru, bilstm/);
    const over = run([w, '--vocab', vocabFile, '--cell', 'lstm', '-o', w]);
    expect(over.status).toBe(2);
    expect(over.stderr).toMatch(/would overwrite the PyTorch weights/);
  });
});

describe('importTorchModel (library)', () => {
  it('takes the vocabulary as an array or a JSON file and gives a model ready to score', async () => {
    const { importTorchModel, score } = await import('../../src/index.js');
    const fromFile = importTorchModel(join(FIXTURES, 'gru.safetensors'), join(FIXTURES, 'vocab.json'), 'gru');
    const fromArray = importTorchModel(join(FIXTURES, 'gru.safetensors'), expected.vocab, 'gru');
    expect(Array.from((await fromArray.model.hostWeights()).data)).toEqual(Array.from((await fromFile.model.hostWeights()).data));
    closeTo((await score(fromFile, [expected.sentences[0]]))[0].logprobLn, expected.models.gru.forward_ln[0]);
  });
});
