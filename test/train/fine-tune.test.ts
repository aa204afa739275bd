// Fine-tuning (issue 15, item 2): train NEW --init MODEL starts from the model's weights,
// configuration and vocabulary with a fresh optimizer; characters outside the vocabulary count
// as <UNK> and are reported, or with extendVocab become new symbols (every old id kept, new
// input columns and decoder rows drawn as a fresh model's); the checkpoint records the model it
// started from; architecture options that differ are usage errors (named as the caller names
// them); a fine-tuning run resumes exactly. Through the library and the CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { loadModel, score, train, UsageError, type TrainOptions } from '../../src/node.js';
import { cliIn, expectCleanError } from '../helpers/cli.js';
import { CHAR_RNN } from '../helpers/char-rnn.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-fine-tune-'));
const at = (f: string) => join(dir, f);
const OLD =
  Array.from({ length: 60 }, (_, i) => ['the cat sat on the mat.', 'a dog ate my hat.', 'my cat is on a mat.'][i % 3]).join('\n') + '\n';
// New text: ✈ (12 times), f and é (6 each), b and ü (once each) are not in the old vocabulary.
const NEW = Array.from({ length: 6 }, () => 'the café ✈ is on the mat.\nthe ✈ sat.\n').join('') + 'a büs.\n';
const tiny: Partial<TrainOptions> = { hidden: 12, layers: 2, batch: 4, seq: 12, lr: 0.01, threads: 1, seed: 4, valFrac: 0.1 };
const notices: string[] = [];

beforeAll(async () => {
  await train(OLD, 'old', { ...tiny, steps: 20, out: at('old.safetensors') });
});

/** A run on the new text from the old model, collecting its notices. */
function fineTune(options: Partial<TrainOptions>) {
  notices.length = 0;
  return train(NEW, 'new', { init: at('old.safetensors'), batch: 2, seq: 8, threads: 1, ...options }, { onNotice: (n) => notices.push(n) });
}

describe('train with init (the library)', () => {
  it('starts from the model: with no step taken, the same weights, configuration and vocabulary', async () => {
    const old = loadModel(at('old.safetensors'));
    const r = await fineTune({ steps: 0, out: at('zero.safetensors') });
    expect(r.model.config).toEqual(old.model.config);
    expect(r.vocab.symbols).toEqual(old.vocab.symbols);
    expect(Array.from((await r.model.hostWeights()).data)).toEqual(Array.from((await old.model.hostWeights()).data));
    const s = 'the cat sat.';
    expect((await score({ model: r.model, vocab: r.vocab, meta: old.meta }, s)).logprobLn).toBe((await score(old, s)).logprobLn);
  });

  it('reports the characters outside the vocabulary, commonest first; trains; records what it started from', async () => {
    const r = await fineTune({ steps: 4, out: at('ft.safetensors') });
    expect(notices).toContain("26 characters (12.0%) are outside the model's vocabulary and count as <UNK>: ✈ f é b ü");
    expect(r.steps).toBe(4);
    const meta = loadCheckpoint(at('ft.safetensors')).meta;
    expect(meta.training.init).toBe(at('old.safetensors'));
    expect(meta.training.init_from).toEqual({ path: at('old.safetensors'), corpus: 'old', steps: 20, val_nats: expect.any(Number) });
    expect(meta.progress.step).toBe(4); // a fresh step count
  });

  it('extendVocab: new symbols after the old ones, every old weight kept, new ones drawn as a fresh model', async () => {
    const old = loadCheckpoint(at('old.safetensors'));
    const r = await fineTune({ steps: 0, extendVocab: true, minCount: 2, out: null });
    const V = old.meta.vocab.length;
    expect(r.vocab.symbols).toEqual([...old.meta.vocab, 'f', 'é', '✈']); // in code point order; b and ü (once) are rarer than minCount: still <UNK>
    expect(notices).toEqual([
      "added 3 characters to the model's vocabulary: f é ✈",
      "2 characters (0.9%) are outside the model's vocabulary and count as <UNK>: b ü",
    ]);
    const ext = { params: await r.model.hostWeights() }; // no step, no checkpoint: the weights it starts from
    const H = 12;
    const G = 4;
    const wIh = ext.params.get('rnn.weight_ih_l0');
    const oldWIh = old.params.get('rnn.weight_ih_l0');
    const W = V + 3;
    for (let r = 0; r < G * H; r++) {
      expect(Array.from(wIh.subarray(r * W, r * W + V))).toEqual(Array.from(oldWIh.subarray(r * V, (r + 1) * V)));
      for (let c = V; c < W; c++) expect(Math.abs(wIh[r * W + c])).toBeLessThanOrEqual(1 / Math.sqrt(H));
    }
    const dec = ext.params.get('decoder.weight');
    expect(Array.from(dec.subarray(0, V * H))).toEqual(Array.from(old.params.get('decoder.weight')));
    expect(new Set(dec.subarray(V * H)).size).toBe(3 * H); // drawn, not copied or zero
    expect(Array.from(ext.params.get('decoder.bias').subarray(0, V))).toEqual(Array.from(old.params.get('decoder.bias')));
    for (const name of ['rnn.weight_hh_l0', 'rnn.weight_ih_l1', 'rnn.bias_ih_l1'])
      expect(Array.from(ext.params.get(name))).toEqual(Array.from(old.params.get(name)));
  });

  it('a bilstm: both directions extended', async () => {
    await train(OLD, 'bi', { ...tiny, cell: 'bilstm', layers: 1, steps: 2, out: at('bi.safetensors') });
    const r = await train(NEW, 'new', { init: at('bi.safetensors'), extendVocab: true, steps: 2, batch: 2, seq: 8, threads: 1, out: null });
    expect(r.model.config.cell).toBe('bilstm');
    expect(r.vocab.size).toBe(loadCheckpoint(at('bi.safetensors')).meta.vocab.length + 3);
    expect(r.model.views('backward').decoder.b).toBeDefined();
  });

  it('architecture options that differ are usage errors naming them; the same values are fine; dropout may change', async () => {
    await expect(fineTune({ hidden: 64, steps: 1 })).rejects.toThrow(
      /^hidden 64 differs from the model's 12 \(.*old\.safetensors\): fine-tuning keeps the model's cell, hidden, layers$/,
    );
    await expect(fineTune({ cell: 'gru', steps: 1 })).rejects.toThrow(UsageError);
    expect((await fineTune({ hidden: 12, layers: 2, dropout: 0.2, steps: 1, out: null })).model.config.dropout).toBe(0.2);
    await expect(train(NEW, 'new', { extendVocab: true, steps: 1 })).rejects.toThrow(/^extendVocab needs init: /);
    await expect(train(NEW, 'new', { init: at('old.safetensors'), resume: at('ft.safetensors') })).rejects.toThrow(
      /^train options resume and init cannot be combined/,
    );
  });

  it('resumes exactly: 6 steps in one go = 3, then resume to 6', async () => {
    const opts = { ...CHAR_RNN, extendVocab: true, minCount: 1, evalEvery: 3, seed: 9 }; // a run split by its step limit: a rate the limit does not shape
    const straight = await fineTune({ ...opts, steps: 6, out: at('s.safetensors') });
    await fineTune({ ...opts, steps: 3, out: at('r.safetensors') });
    const resumed = await train(NEW, 'new', { resume: at('r.safetensors'), steps: 6 });
    expect(resumed.lossNats).toBe(straight.lossNats);
    expect(Array.from(loadCheckpoint(at('r.safetensors')).params.data)).toEqual(
      Array.from(loadCheckpoint(at('s.safetensors')).params.data),
    );
    expect(loadCheckpoint(at('r.safetensors')).meta.training.init_from).toEqual(
      loadCheckpoint(at('s.safetensors')).meta.training.init_from,
    );
  });
});

describe('charnn train --init', () => {
  const args = ['--init', '', '--batch', '2', '--seq', '8', '--threads', '1', '--samples', '0', '--no-eval-samples'];
  beforeAll(() => {
    writeFileSync(at('new.txt'), NEW);
    args[1] = at('old.safetensors');
  });

  it('notes the characters outside the vocabulary; inspect names the model it started from', async () => {
    const r = await cliIn(dir, ['train', at('new.txt'), ...args, '--steps', '2', '-o', at('cli.safetensors')]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("note: 26 characters (12.0%) are outside the model's vocabulary and count as <UNK>: ✈ f é b ü\n");
    expect(r.err).toMatch(/^new: [\d,]+ training and [\d,]+ validation tokens, vocabulary \d+ \(26 unknown characters as <UNK>\)$/m);
    const inspect = await cliIn(dir, ['inspect', '-m', at('cli.safetensors')]);
    expect(inspect.out).toContain(`Fine-tuned from: ${at('old.safetensors')} (20 steps on old)\n`);
  });

  it('--extend-vocab adds them; flags that change the architecture are usage errors naming the flag', async () => {
    const r = await cliIn(dir, [
      'train',
      at('new.txt'),
      ...args,
      '--extend-vocab',
      '--min-count',
      '1',
      '--steps',
      '2',
      '-o',
      at('cli2.safetensors'),
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("note: added 5 characters to the model's vocabulary: b f é ü ✈\n");
    expectCleanError(
      await cliIn(dir, ['train', at('new.txt'), ...args, '--layers', '3', '--steps', '2']),
      2,
      /^charnn: --layers 3 differs from the model's 2 \(.*\): fine-tuning keeps the model's --cell, --hidden, --layers$/m,
    );
    expectCleanError(
      await cliIn(dir, ['train', at('new.txt'), '--extend-vocab', '--steps', '2']),
      2,
      /^charnn: --extend-vocab needs --init/,
    );
    expectCleanError(
      await cliIn(dir, ['train', at('new.txt'), ...args, '--resume', at('cli.safetensors')]),
      2,
      /'--init <checkpoint>' cannot be used with option '--resume/,
    );
  });
});
