// Hostile flag values, in-process: zero, negative, NaN, non-numeric, non-decimal and absurd
// values of every numeric flag of every command, sizes too big to train, unknown cells,
// optimizers and directions. Each either works as documented or is a usage error (exit 2):
// one `charnn:` line naming the flag and the accepted range, a `hint:` line, no stack trace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliChild, cliInProcess, expectCleanError } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-flags-'));
const empty = mkdtempSync(join(tmpdir(), 'charnn-flags-none-')); // no checkpoints here

/** A numeric flag: where it lives, its accepted range as the message states it, and values on both sides of it. */
interface NumericFlag {
  command: string;
  flag: string;
  range: string;
  /** Values that are usage errors. */
  bad: string[];
  /** Values that pass parsing (the run then stops at the missing corpus or model: exit 1). */
  good: string[];
}

const COMMON_BAD = ['NaN', 'abc', '', 'Infinity', '-Infinity', '0x10', '1e400'];
const int = (command: string, flag: string, min: number, max: string, extra: { bad?: string[]; good?: string[] } = {}): NumericFlag => ({
  command,
  flag,
  range: `expected an integer from ${min} to ${max}\\.`,
  bad: [...COMMON_BAD, String(min - 1), '-5', '2.5', '1e3', '99999999999999999999', ...(extra.bad ?? [])],
  good: [String(min), ...(extra.good ?? [])],
});
const num = (command: string, flag: string, range: string, bad: string[], good: string[]): NumericFlag => ({
  command,
  flag,
  range: `expected a number from ${range}\\.`,
  bad: [...COMMON_BAD, ...bad],
  good,
});

const FLAGS: NumericFlag[] = [
  int('train', '--hidden', 1, '4096', { bad: ['4097', '1e6', '1000000'], good: ['4096'] }),
  int('train', '--layers', 1, '16', { bad: ['17'], good: ['16'] }),
  num('train', '--dropout', '0 to 1 \\(1 excluded\\)', ['-0.1', '1', '1.5'], ['0', '0.99']),
  int('train', '--batch', 1, '100,000', { bad: ['100001', '1e9', '1000000000'], good: ['100000'] }),
  int('train', '--seq', 1, '100,000', { bad: ['100001'], good: ['100000'] }),
  num('train', '--lr', '0 to 10 \\(0 excluded\\)', ['0', '-1', '10.5', '1e9'], ['1e-9', '10', '.5']),
  num('train', '--clip', '0 to 1,000,000', ['-1', '1e7'], ['0', '1e6']),
  num('train', '--lr-decay', '0 to 1 \\(0 excluded\\)', ['0', '-0.5', '1.01'], ['1', '0.5']),
  int('train', '--lr-decay-after', 0, '1,000,000', { bad: ['1000001'], good: ['1000000'] }),
  int('train', '--epochs', 1, '1,000,000', { bad: ['1000001'], good: ['1000000'] }),
  int('train', '--steps', 1, '1,000,000,000', { bad: ['1000000001'], good: ['1000000000'] }),
  num('train', '--val-frac', '0 to 1 \\(1 excluded\\)', ['1', '-0.1', '2'], ['0', '0.5']),
  int('train', '--eval-every', 1, '1,000,000,000', { bad: ['1000000001'], good: ['1000000000'] }),
  int('train', '--min-count', 1, '1,000,000,000', { bad: ['1000000001'], good: ['1000000000'] }),
  int('train', '--seed', 0, '4,294,967,295', { bad: ['4294967296'], good: ['4294967295'] }),
  int('train', '--threads', 1, '256', { bad: ['257'], good: ['256'] }),
  int('train', '--samples', 0, '100', { bad: ['101'], good: ['100'] }),
  num('sample', '--temp', '0 to 100', ['-1', '101', '1e308'], ['0', '100', '1e-300']),
  int('sample', '--top-k', 0, '1,000,000', { bad: ['1000001', '1e9'], good: ['1', '1000000'] }),
  num('sample', '--top-p', '0 to 1', ['-0.1', '1.5'], ['0', '1']),
  int('sample', '--seed', 0, '4,294,967,295', { bad: ['4294967296'] }),
  int('sample', '--length', 0, '100,000,000', { bad: ['100000001', '1e9'], good: ['100000000'] }),
  int('sample', '--num', 1, '1,000,000', { bad: ['1000001'], good: ['1000000'] }),
  num('sample', '--min-p', '0 to 1', ['-0.1', '1.5'], ['0', '1']),
  num('sample', '--repeat-penalty', '1 to 100', ['0.5', '0', '101'], ['1', '100']),
  int('sample', '--repeat-last', 1, '1,000,000', { bad: ['1000001'], good: ['1000000'] }),
  int('sample', '--lines', 1, '100,000,000', { bad: ['100000001'], good: ['100000000'] }),
  int('sample', '--beam', 1, '256', { bad: ['257'], good: ['256'] }),
  int('eval', '--threads', 1, '256', { bad: ['257'], good: ['256'] }),
  int('score', '--top', 1, '100,000', { bad: ['100001'], good: ['100000'] }),
  int('fill', '--max-gap', 1, '100', { bad: ['101'], good: ['100'] }),
  int('fill', '--beam', 1, '1000', { bad: ['1001'], good: ['1000'] }),
  int('fill', '--top', 1, '1000', { bad: ['1001'], good: ['1000'] }),
  int('plot', '--width', 400, '4000', { bad: ['4001', '0'], good: ['4000'] }),
];

/** Arguments that make a run with acceptable flags stop at once, with a runtime error
 *  (eval looks for its model first). Paths are relative to the process's directory. */
// train: the smallest model and batch, so that a size flag at its maximum stays within the
// combined limits below (a 4096-wide model fits them only as an rnn).
const REST: Record<string, string[]> = {
  train: ['missing.txt', '--cell', 'rnn', '--hidden', '1', '--layers', '1', '--batch', '1', '--seq', '1'],
  sample: [],
  eval: ['missing.txt'],
  score: ['some text'],
  fill: ['so_e text'],
  plot: ['missing.jsonl', '-o', 'out.svg'],
};
const flagName = (flag: string) => new RegExp(`'${flag} <`);

const badCases = FLAGS.flatMap((f) => f.bad.map((value) => [f.command, f.flag, value, f.range] as const));
const goodCases = FLAGS.flatMap((f) => f.good.map((value) => [f.command, f.flag, value] as const));

describe('numeric flags: out of range -> exit 2 naming the flag and the range', () => {
  it.each(badCases)('%s %s %j', async (command, flag, value, range) => {
    const r = await cliInProcess([command, ...REST[command], flag, value], empty);
    expectCleanError(r, 2, flagName(flag));
    expect(r.err).toMatch(new RegExp(range));
    expect(r.err).toMatch(new RegExp(`^hint: charnn ${command} --help`, 'm'));
  });
});

describe('numeric flags: the range ends are accepted', () => {
  it.each(goodCases)('%s %s %j', async (command, flag, value) => {
    // --lr-decay and --lr-decay-after belong to the char-rnn schedule (cosine is the default).
    const schedule = flag.startsWith('--lr-decay') ? ['--schedule', 'char-rnn'] : [];
    const r = await cliInProcess([command, ...REST[command], ...schedule, flag, value], empty);
    // Parsing passed: the run stopped at the missing corpus or model, a runtime error.
    expectCleanError(
      r,
      1,
      command === 'train' ? /no such file: missing\.txt/ : command === 'plot' ? /no such file: missing\.jsonl/ : /no checkpoint found/,
    );
  });
});

describe('durations (--time)', () => {
  it.each(['0', '0s', '0.5', '999ms', 'abc', '-5s', '1e9h', '10 m', '9000h', '', '1h30', 'NaN'])(
    '--time %j -> exit 2 with the range',
    async (value) => {
      const r = await cliInProcess(['train', 'missing.txt', '--time', value], empty);
      expectCleanError(r, 2, /'--time <duration>'.*from 1s to 8760h/);
    },
  );
  it.each(['1', '1s', '1000ms', '90s', '10m', '1h30m', '1.5h', '8760h'])('--time %j is accepted', async (value) => {
    const r = await cliInProcess(['train', 'missing.txt', '--time', value], empty);
    expectCleanError(r, 1, /no such file/);
  });
});

describe('sizes too big to train: a usage error before the corpus is read', () => {
  it.each([
    [
      ['--hidden', '4096', '--layers', '2'],
      /--cell lstm --hidden 4096 --layers 2 is a model of 201,392,128 parameters; at most 50,000,000/,
      /lower --hidden or --layers/,
    ],
    [
      ['--cell', 'bilstm', '--hidden', '2048', '--layers', '2'],
      /--cell bilstm --hidden 2048 --layers 2 is a model of [\d,]+ parameters/,
      /lower --hidden/,
    ],
    [['--cell', 'rnn', '--hidden', '4096', '--layers', '16'], /is a model of [\d,]+ parameters; at most 50,000,000/, /lower/],
    [
      ['--batch', '1000', '--seq', '1000'],
      /--batch 1000 x --seq 1000 x --layers 2 x --hidden 128 = 256,000,000 activations per step; at most 67,108,864/,
      /lower --batch or --seq/,
    ],
    [['--batch', '100000', '--seq', '100000', '--hidden', '1', '--layers', '1'], /activations per step/, /lower --batch or --seq/],
    [['--cell', 'bilstm', '--batch', '512', '--seq', '512', '--hidden', '128', '--layers', '1'], /x 2 directions = 67,108,864/, null],
  ])('train %j', async (flags, message, hint) => {
    const r = await cliInProcess(['train', 'missing.txt', ...flags], empty);
    if (hint === null) {
      // Exactly at the limit: accepted.
      expectCleanError(r, 1, /no such file/);
      return;
    }
    expectCleanError(r, 2, message);
    expect(r.err).toMatch(hint);
  });

  it('the biggest sizes within the limits are accepted', async () => {
    for (const flags of [
      ['--hidden', '2048', '--layers', '1'],
      ['--cell', 'rnn', '--hidden', '4096', '--layers', '1'],
      ['--batch', '512', '--seq', '512', '--hidden', '128', '--layers', '2'],
    ]) {
      expectCleanError(await cliInProcess(['train', 'missing.txt', ...flags], empty), 1, /no such file/);
    }
  });
});

describe('unknown names: cells, optimizers, directions, modes', () => {
  it.each([
    [['train', 'missing.txt', '--cell', 'transformer'], /'--cell <type>'.*Allowed choices are rnn, lstm, gru, bilstm/],
    [['train', 'missing.txt', '--cell', 'LSTM'], /--cell/],
    [['train', 'missing.txt', '--optimizer', 'lbfgs'], /'--optimizer <name>'.*Allowed choices are adam, rmsprop, sgd/],
    [['sample', '--direction', 'both'], /'--direction <dir>'.*Allowed choices are forward, backward/],
    [['score', 'x', '--direction', 'sideways'], /'--direction <dir>'.*forward, backward, both/],
    [['eval', 'x.txt', '--direction', 'up'], /--direction/],
    [['eval', 'x.txt', '--reset', 'sometimes'], /'--reset <mode>'.*Allowed choices are line, none/],
    [['score', 'x', '--base', '3'], /'--base <b>'.*Allowed choices are 10, e, 2/],
    [['inspect', '--engine', 'gpu'], /'--engine <name>'.*wasm, webgpu, js, auto/],
    [['train', 'missing.txt', '--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j -> exit 2', async (args, pattern) => {
    expectCleanError(await cliInProcess(args, empty), 2, pattern);
  });
});

describe('sampling controls at their edges work as documented', () => {
  beforeAll(() => {
    const lines = ['the cat sat on the mat.', 'the dog sat on the log.', 'a cat and a dog ate.'];
    writeFileSync(join(dir, 'tiny.txt'), Array.from({ length: 60 }, (_, i) => lines[i % 3]).join('\n') + '\n');
    const r = cliChild(
      [
        'train',
        'tiny.txt',
        '--hidden',
        '16',
        '--layers',
        '1',
        '--batch',
        '4',
        '--seq',
        '16',
        '--steps',
        '30',
        '--samples',
        '0',
        '-o',
        'm.safetensors',
      ],
      dir,
    );
    expect(r.code).toBe(0);
  });

  const sample = async (...flags: string[]) => {
    const r = await cliInProcess(['sample', '-m', join(dir, 'm.safetensors'), '--length', '60', '--prime', 'the ', ...flags], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    return r.out;
  };

  it('--temp 0, --top-k 1 and --top-p 0 are all greedy: the same text whatever the seed', async () => {
    const greedy = await sample('--temp', '0', '--seed', '1');
    expect(greedy.startsWith('the ')).toBe(true);
    expect(greedy.length).toBeGreaterThan(40);
    expect(await sample('--temp', '0', '--seed', '2')).toBe(greedy);
    expect(await sample('--top-k', '1', '--seed', '3')).toBe(greedy);
    expect(await sample('--top-p', '0', '--seed', '4')).toBe(greedy);
  });

  it('--top-p 1 is the plain distribution, and so is a --top-k as large as the vocabulary: the same text for the seed', async () => {
    const plain = await sample('--seed', '5');
    expect(plain.length).toBeGreaterThan(40);
    expect(await sample('--seed', '5', '--top-p', '1')).toBe(plain);
    expect(await sample('--seed', '5', '--top-k', '1000000')).toBe(plain);
    expect(await sample('--seed', '5', '--top-k', '2')).not.toBe(plain); // a real top-k still cuts
  });

  it('--length 0 prints the prime alone; --temp 100 still samples', async () => {
    expect(await sample('--length', '0', '--seed', '1')).toBe('the \n');
    expect((await sample('--temp', '100', '--seed', '1')).length).toBeGreaterThan(40);
  });

  it('--min-count above every character count is a usage error naming it (nothing would be left but <UNK>)', async () => {
    const r = await cliInProcess(
      ['train', join(dir, 'tiny.txt'), '--min-count', '1000000', '--steps', '1', '-o', join(dir, 'x.safetensors')],
      dir,
    );
    expectCleanError(
      r,
      2,
      /--min-count 1000000 leaves no characters in the vocabulary: the most frequent character of tiny occurs \d+ times/,
    );
    expect(r.err).toMatch(/^hint: lower --min-count/m);
  });

  it('--dropout with --layers 1 trains but says it has no effect (it applies between layers); with 2 layers, no note', async () => {
    const run = (layers: string) =>
      cliInProcess(
        [
          'train',
          join(dir, 'tiny.txt'),
          '--dropout',
          '0.3',
          '--layers',
          layers,
          '--hidden',
          '8',
          '--steps',
          '1',
          '--samples',
          '0',
          '-o',
          join(dir, `d${layers}.safetensors`),
        ],
        dir,
      );
    const one = await run('1');
    expect(one.code).toBe(0);
    expect(one.err).toMatch(/^note: --dropout 0\.3 has no effect with --layers 1: dropout applies between layers$/m);
    const two = await run('2');
    expect(two.code).toBe(0);
    expect(two.err).not.toMatch(/has no effect/);
  });
});
