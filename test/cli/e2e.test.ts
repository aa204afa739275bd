// End-to-end: the real `charnn` binary in a child process, on a tiny corpus in a temp dir:
// train -> sample -> score -> eval -> inspect, and bad input giving one clear line and the
// right exit code (1 runtime, 2 usage), never a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../../bin/charnn.js');
const dir = mkdtempSync(join(tmpdir(), 'charnn-e2e-'));
const CORPUS_LINES = ['the cat sat on the mat.', 'the dog sat on the log.', 'a cat and a dog ate.', 'café au lait, s’il vous plaît.'];

function charnn(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectCleanError(r: { code: number | null; stderr: string }, code: number, pattern: RegExp) {
  expect(r.code).toBe(code);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

beforeAll(() => {
  writeFileSync(join(dir, 'tiny.txt'), Array.from({ length: 60 }, (_, i) => CORPUS_LINES[i % CORPUS_LINES.length]).join('\n') + '\n');
  const r = charnn([
    'train',
    'tiny.txt',
    '--steps',
    '12',
    '--hidden',
    '16',
    '--batch',
    '4',
    '--seq',
    '16',
    '--eval-every',
    '6',
    '--log',
    'run.jsonl',
    '--samples',
    '2',
    '--seed',
    '7',
  ]);
  expect(r.stderr).toMatch(/Trained 12 steps/);
  expect(r.code).toBe(0);
});

describe('charnn end to end', () => {
  it('train writes the latest and best checkpoints, a JSON log, and samples', () => {
    expect(existsSync(join(dir, 'checkpoints', 'tiny.safetensors'))).toBe(true);
    expect(existsSync(join(dir, 'checkpoints', 'tiny.best.safetensors'))).toBe(true);
    const log = readFileSync(join(dir, 'run.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const evals = log.filter((e) => 'val_nats' in e);
    expect(evals.map((e) => e.step)).toEqual([6, 12]);
    for (const e of log)
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['step', 'epoch', 'loss_nats', 'chars_per_s', 'elapsed_s', 'lr']));
  });

  it('training is deterministic for a seed (same losses)', () => {
    const r = charnn([
      'train',
      'tiny.txt',
      '--steps',
      '12',
      '--hidden',
      '16',
      '--batch',
      '4',
      '--seq',
      '16',
      '--eval-every',
      '6',
      '--log',
      'again.jsonl',
      '--samples',
      '0',
      '--seed',
      '7',
      '-o',
      'again.safetensors',
    ]);
    expect(r.code).toBe(0);
    const losses = (f: string) =>
      readFileSync(join(dir, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const e = JSON.parse(l);
          return [e.step, e.loss_nats, e.val_nats];
        });
    expect(losses('again.jsonl')).toEqual(losses('run.jsonl'));
  });

  it('sample streams text, is reproducible by seed, and says the seed when none is given', () => {
    const a = charnn(['sample', '--seed', '3', '--length', '80', '--prime', 'the ']);
    const b = charnn(['sample', '--seed', '3', '--length', '80', '--prime', 'the ']);
    expect(a.code).toBe(0);
    expect(a.stdout.startsWith('the ')).toBe(true);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toContain('<UNK>');
    const c = charnn(['sample', '--length', '10']);
    expect(c.stderr).toMatch(/^seed: \d+$/m);
    expect(c.stderr).toMatch(/^model: checkpoints\/tiny\.safetensors \(the newest in checkpoints\/; -m MODEL to choose\)$/m);
    const greedy = charnn(['sample', '--temp', '0', '--length', '40', '--num', '2', '--json', '--seed', '1']);
    const [g1, g2] = greedy.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(g1.text).toBe(g2.text); // temperature 0 is deterministic whatever the random stream
  });

  it('sample | head -1 ends quietly', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" sample --length 2000000 --seed 1 | head -c 20`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('model: checkpoints/tiny.safetensors (the newest in checkpoints/; -m MODEL to choose)\n'); // nothing but the model picked
  });

  it('score prints log10 P, perplexity, <UNK> count and the text; --json has every field', () => {
    const r = charnn(['score', 'the cat sat.', 'the ☃ sat.']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(2);
    expect(Number(rows[0][0])).toBeLessThan(0);
    expect(rows[0][2]).toBe('0');
    expect(rows[1][2]).toBe('1'); // the snowman is not in the vocabulary
    expect(rows[1][3]).toBe('the ☃ sat.');
    const j = JSON.parse(charnn(['score', '--json', 'the cat sat.']).stdout);
    for (const k of ['text', 'logprob_log10', 'logprob_ln', 'bits', 'chars', 'tokens', 'unk', 'ppl', 'bpc']) expect(j).toHaveProperty(k);
    expect(j.tokens).toBe(j.chars + 1);
    expect(j.logprob_log10).toBeCloseTo(j.logprob_ln / Math.LN10, 10);
    expect(Number(rows[0][0])).toBeCloseTo(j.logprob_log10, 3);
  });

  it('score reads stdin lines with -, and --base changes only the log base', () => {
    const r = charnn(['score', '-', '--json'], 'the cat sat.\r\nthe dog\n');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.text)).toEqual(['the cat sat.', 'the dog']);
    const e = charnn(['score', '--base', 'e', 'the dog']).stdout.split('\t')[0];
    expect(Number(e)).toBeCloseTo(lines[1].logprob_ln, 3);
  });

  it("eval --reset line equals the sum of score's log-probabilities over the same lines", () => {
    const lines = ['the cat sat on the log.', '', 'a dog, a cat.', 'zebra ☃'];
    writeFileSync(join(dir, 'held.txt'), lines.join('\n') + '\n');
    const ev = JSON.parse(charnn(['eval', 'held.txt', '--json', '--reset', 'line']).stdout);
    const scores = charnn(['score', '-', '--json'], lines.join('\n') + '\n')
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const sum = scores.reduce((s, x) => s + x.logprob_ln, 0);
    expect(ev.logprob_ln).toBeCloseTo(sum, 6);
    expect(ev.tokens).toBe(scores.reduce((s, x) => s + x.tokens, 0));
    expect(ev.unk).toBe(4); // z, b, r and the snowman never occur in the training text
    expect(ev.lines).toBe(4);
    const text = charnn(['eval', 'held.txt']).stdout;
    expect(text).toMatch(/^Tokens: \d+$/m);
    expect(text).toMatch(/^Perplexity excl\. <UNK>: [\d.]+$/m);
  });

  it('inspect describes the checkpoint', () => {
    const r = charnn(['inspect', '-m', 'checkpoints/tiny.safetensors']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cell: lstm/);
    expect(r.stdout).toMatch(/Layers: 2 x 16/);
    expect(r.stdout).toMatch(/Trained: 12 steps/);
    const j = JSON.parse(charnn(['inspect', '--json', '-m', 'checkpoints/tiny.safetensors']).stdout);
    expect(j.vocab.slice(0, 2)).toEqual(['<EOS>', '<UNK>']);
  });

  it('training-time validation loss equals eval --reset none on the validation text', () => {
    // 10 lines of 9 characters: 101 ids, so the cut closest to 80% is the start of line 8.
    const lines = Array.from({ length: 10 }, (_, i) => `cab ab ${String.fromCharCode(97 + (i % 3))}${i}`);
    writeFileSync(join(dir, 'ten.txt'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'ten-val.txt'), lines.slice(8).join('\n') + '\n');
    const r = charnn([
      'train',
      'ten.txt',
      '--steps',
      '5',
      '--batch',
      '2',
      '--seq',
      '8',
      '--hidden',
      '8',
      '--val-frac',
      '0.2',
      '--min-count',
      '1',
      '--log',
      'ten.jsonl',
      '--samples',
      '0',
      '-o',
      'ten.safetensors',
    ]);
    expect(r.code).toBe(0);
    const log = readFileSync(join(dir, 'ten.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const valNats = log.filter((e) => 'val_nats' in e).pop().val_nats;
    const ev = JSON.parse(charnn(['eval', 'ten-val.txt', '-m', 'ten.safetensors', '--reset', 'none', '--json']).stdout);
    expect(ev.tokens).toBe(20);
    expect(Math.abs(ev.nats_per_token - valNats)).toBeLessThan(1e-6);
  });

  it('train says one rare character and one step in the singular, many streams in the plural', () => {
    // 'x' occurs once in the whole text: under --min-count 2 it is the one rare character.
    const lines = Array.from({ length: 40 }, (_, i) => (i === 20 ? 'the ox sat.' : CORPUS_LINES[i % 3]));
    writeFileSync(join(dir, 'one-rare.txt'), lines.join('\n') + '\n');
    const r = charnn([
      'train',
      'one-rare.txt',
      '--steps',
      '1',
      '--hidden',
      '8',
      '--min-count',
      '2',
      '--samples',
      '0',
      '-o',
      'one-rare.safetensors',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^one-rare: [\d,]+ training and [\d,]+ validation tokens, vocabulary \d+ \(1 rare character as <UNK>\)$/m);
    expect(r.stderr).toMatch(/^note: the training text \(\d+ characters\) .* training with \d+ streams of 50 steps$/m);
    expect(r.stderr).toMatch(/^Trained 1 step \(/m);
  });

  it('train reads stdin with -, and a bilstm scores and samples in both directions', () => {
    const corpus = readFileSync(join(dir, 'tiny.txt'), 'utf8');
    const t = charnn(
      [
        'train',
        '-',
        '--cell',
        'bilstm',
        '--steps',
        '4',
        '--hidden',
        '8',
        '--batch',
        '4',
        '--seq',
        '8',
        '--samples',
        '0',
        '-o',
        'bi.safetensors',
      ],
      corpus,
    );
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/^stdin: /m);
    const one = (direction: string) =>
      JSON.parse(charnn(['score', '-m', 'bi.safetensors', '--json', '--direction', direction, 'the cat']).stdout);
    const [f, b, both] = [one('forward'), one('backward'), one('both')];
    expect(f.logprob_ln).not.toBeCloseTo(b.logprob_ln, 6);
    expect(both.logprob_ln).toBeCloseTo((f.logprob_ln + b.logprob_ln) / 2, 9);
    expect(both.direction).toBe('mean of forward and backward');
    const back = charnn([
      'sample',
      '-m',
      'bi.safetensors',
      '--direction',
      'backward',
      '--prime',
      'the end',
      '--length',
      '30',
      '--seed',
      '1',
    ]);
    expect(back.code).toBe(0);
    expect(back.stdout.endsWith('the end\n')).toBe(true);
    const ev = JSON.parse(charnn(['eval', '-m', 'bi.safetensors', '--direction', 'backward', '--json', 'tiny.txt']).stdout);
    expect(ev.direction).toBe('backward');
    expect(ev.ppl).toBeGreaterThan(1);
  });

  it('runtime errors: missing file, empty corpus, binary file, corrupt checkpoint -> exit 1, one clear line', () => {
    expectCleanError(charnn(['train', 'nope.txt']), 1, /no such file: nope\.txt/);
    writeFileSync(join(dir, 'empty.txt'), '\n\n');
    expectCleanError(charnn(['train', 'empty.txt']), 1, /no characters to learn from/);
    writeFileSync(join(dir, 'bin.dat'), Buffer.from([0x61, 0, 0x62]));
    expectCleanError(charnn(['train', 'bin.dat']), 1, /binary/);
    writeFileSync(join(dir, 'bad.safetensors'), 'not a checkpoint at all');
    expectCleanError(charnn(['sample', '-m', 'bad.safetensors']), 1, /bad\.safetensors/);
    expectCleanError(charnn(['score', '-m', 'missing.safetensors', 'hi']), 1, /missing\.safetensors/);
    expectCleanError(charnn(['eval', 'nope.txt']), 1, /no such file/);
    expectCleanError(charnn(['train', 'tiny.txt', '--steps', '1', '--log', 'no/such/dir/log.jsonl']), 1, /cannot open the log file/);
    expectCleanError(charnn(['train', 'tiny.txt', '--steps', '1', '-o', 'tiny.txt/model.safetensors']), 1, /cannot write the checkpoint/);
  });

  it('usage errors: bad flag values, unknown options and cells -> exit 2 naming the flag', () => {
    expectCleanError(charnn(['train', 'tiny.txt', '--hidden', '0']), 2, /--hidden/);
    expectCleanError(charnn(['train', 'tiny.txt', '--lr', 'abc']), 2, /--lr/);
    expectCleanError(charnn(['train', 'tiny.txt', '--cell', 'transformer']), 2, /--cell/);
    expectCleanError(charnn(['train', 'tiny.txt', '--time', 'soon']), 2, /--time/);
    expectCleanError(charnn(['train', 'tiny.txt', '--val-frac', '1']), 2, /--val-frac/);
    expectCleanError(charnn(['train', 'tiny.txt', '--bogus']), 2, /unknown option/);
    expectCleanError(charnn(['sample', '--temp', '-1']), 2, /--temp/);
    expectCleanError(charnn(['sample', '--top-p', '2']), 2, /--top-p/);
    expectCleanError(charnn(['sample', '--direction', 'backward']), 2, /needs a bilstm/);
    expectCleanError(charnn(['score', '--base', '3', 'x']), 2, /--base/);
    expectCleanError(charnn(['eval', '--reset', 'sometimes', 'tiny.txt']), 2, /--reset/);
    expectCleanError(charnn(['frobnicate']), 2, /unknown command/);
  });
});
