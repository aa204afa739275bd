// Hostile and odd corpora, for `train` and `eval` (files and stdin): a missing path, a
// directory, an unreadable file, an empty file, only line ends, a text shorter than one batch,
// one 10 MB line, CRLF and CR line ends, a BOM, invalid UTF-8 and binary files. Each gets one
// decision (README, "Odd input"): an error (exit 1, one line naming the file and the problem,
// a hint, no stack trace) or a documented policy (line ends folded, BOM dropped).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliChild, cliInProcess, expectCleanError } from '../helpers/cli.js';
import { unprivileged, whyPermissionsDoNotApply } from '../helpers/unprivileged.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-corpus-'));
const at = (name: string) => join(dir, name);
const LINES = ['the cat sat on the mat.', 'the dog sat on the log.', 'a cat and a dog ate.'];
const TEXT = Array.from({ length: 30 }, (_, i) => LINES[i % 3]).join('\n') + '\n';
/** A tiny model and run: a step or two, no samples. */
const TRAIN = ['--hidden', '8', '--layers', '1', '--batch', '4', '--seq', '16', '--steps', '2', '--samples', '0', '--threads', '1'];
const MODEL = at('m.safetensors');

const train = (corpus: string, ...flags: string[]) => cliInProcess(['train', corpus, ...TRAIN, '-o', at('out.safetensors'), ...flags], dir);
const evalJson = async (file: string, stdin?: string | Buffer, ...flags: string[]) => {
  const r = await cliInProcess(['eval', '-m', MODEL, '--json', file, ...flags], dir, stdin);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const { file: _name, ...figures } = JSON.parse(r.out);
  return figures;
};

beforeAll(() => {
  writeFileSync(at('tiny.txt'), TEXT);
  writeFileSync(at('crlf.txt'), TEXT.replace(/\n/g, '\r\n'));
  writeFileSync(at('cr.txt'), TEXT.replace(/\n/g, '\r'));
  writeFileSync(
    at('mixed.txt'),
    TEXT.split('\n')
      .map((l, i) => l + ['\n', '\r\n', '\r'][i % 3])
      .join('')
      .slice(0, -1),
  );
  writeFileSync(at('bom.txt'), '\ufeff' + TEXT);
  writeFileSync(at('empty.txt'), '');
  writeFileSync(at('newlines.txt'), '\n\r\n\n');
  writeFileSync(at('short.txt'), 'ab\nab\n');
  writeFileSync(at('singletons.txt'), 'xyz\n');
  writeFileSync(at('latin1.txt'), Buffer.concat([Buffer.from('hello\nw'), Buffer.from([0xe9]), Buffer.from('rld\n')]));
  writeFileSync(at('truncated.txt'), Buffer.from([0x61, 0x62, 0x0a, 0xe2, 0x82])); // a 3-byte sequence cut short at the end
  writeFileSync(at('binary.dat'), Buffer.from([0x61, 0x62, 0x00, 0x63, 0x0a]));
  writeFileSync(
    at('bad-then-nul.dat'),
    Buffer.concat([Buffer.from([0x61, 0xff, 0x0a]), Buffer.from('text\n'.repeat(10)), Buffer.from([0])]),
  );
  mkdirSync(at('adir'));
  const r = cliChild(['train', 'tiny.txt', ...TRAIN, '--steps', '10', '--min-count', '1', '-o', MODEL], dir);
  expect(r.code).toBe(0);
});

describe('corpora that cannot be read: exit 1, one line naming the file', () => {
  it.each([
    ['a missing path', 'missing.txt', /^charnn: no such file: .*missing\.txt$/m],
    // A folder is a corpus of its text files (issue 15, item 1): one without any is the error.
    ['a folder without text files', 'adir', /^charnn: .*adir: no text files to read$/m],
    ['invalid UTF-8 (Latin-1)', 'latin1.txt', /latin1\.txt is not valid UTF-8 \(invalid byte at offset 7\)/],
    ['UTF-8 cut short at the end', 'truncated.txt', /truncated\.txt is not valid UTF-8 \(invalid byte at offset 3\)/],
    ['a NUL byte (binary)', 'binary.dat', /binary\.dat looks like a binary file \(NUL byte at offset 2\)/],
    ['invalid UTF-8, then a NUL: binary wins', 'bad-then-nul.dat', /bad-then-nul\.dat looks like a binary file \(NUL byte at offset 53\)/],
  ])('%s: train and eval', async (_what, file, pattern) => {
    expectCleanError(await train(at(file)), 1, pattern);
    expectCleanError(await cliInProcess(['eval', '-m', MODEL, at(file)], dir), 1, pattern);
  });

  it.each([
    ['invalid UTF-8', 'latin1.txt', /^charnn: stdin is not valid UTF-8 \(invalid byte at offset 7\)$/m, /^hint: convert it first/m],
    [
      'a NUL byte',
      'binary.dat',
      /^charnn: stdin looks like a binary file \(NUL byte at offset 2\)$/m,
      /^hint: charnn reads plain UTF-8 text/m,
    ],
    ['invalid UTF-8, then a NUL', 'bad-then-nul.dat', /stdin looks like a binary file \(NUL byte at offset 53\)/, /^hint: /m],
  ])('%s on stdin: train - and eval - say so for stdin', async (_what, file, pattern, hint) => {
    const bytes = readFileSync(at(file));
    for (const args of [
      ['train', '-', ...TRAIN, '-o', at('out.safetensors')],
      ['eval', '-m', MODEL, '-'],
    ]) {
      const r = await cliInProcess(args, dir, bytes);
      expectCleanError(r, 1, pattern);
      expect(r.err).toMatch(hint);
    }
  });

  it('an unreadable file (as nobody when run as root)', (ctx) => {
    const locked = mkdtempSync(join(tmpdir(), 'charnn-locked-'));
    chmodSync(locked, 0o755);
    // Root reads any file: the check needs a user the permissions apply to (the reason is
    // printed in the run's summary where there is none).
    const why = whyPermissionsDoNotApply(locked);
    if (why) ctx.skip(why);
    writeFileSync(join(locked, 'secret.txt'), TEXT);
    copyFileSync(MODEL, join(locked, 'm.safetensors'));
    chmodSync(join(locked, 'm.safetensors'), 0o644);
    chmodSync(join(locked, 'secret.txt'), 0o000);
    // The same user reads the model (eval gets as far as the corpus).
    expect(spawnSync('cat', ['m.safetensors'], { cwd: locked, ...unprivileged }).status).toBe(0);
    for (const command of ['train', 'eval']) {
      const r = cliChild(
        command === 'train' ? ['train', 'secret.txt'] : ['eval', '-m', 'm.safetensors', 'secret.txt'],
        locked,
        undefined,
        unprivileged,
      );
      expectCleanError(r, 1, /^charnn: cannot read secret\.txt: permission denied$/m);
    }
  });
});

describe('empty texts', () => {
  it('an empty file or only line ends: train says there is nothing to learn (exit 1)', async () => {
    for (const file of ['empty.txt', 'newlines.txt']) {
      const r = await train(at(file));
      expectCleanError(r, 1, /the corpus has no characters to learn from \(it is empty or only line ends\)/);
      expect(r.err).toMatch(/^hint: train on a text file with at least one non-empty line$/m);
    }
    expectCleanError(await cliInProcess(['train', '-', ...TRAIN], dir, ''), 1, /^charnn: stdin: the corpus has no characters/m);
  });

  it('an empty file or stdin: eval says there is no text (exit 1), not NaN', async () => {
    expectCleanError(
      await cliInProcess(['eval', '-m', MODEL, at('empty.txt')], dir),
      1,
      /^charnn: .*empty\.txt is empty: no text to evaluate$/m,
    );
    expectCleanError(await cliInProcess(['eval', '-m', MODEL, '-'], dir, ''), 1, /^charnn: stdin is empty: no text to evaluate$/m);
    expectCleanError(await cliInProcess(['eval', '-m', MODEL, '-'], dir, '\ufeff'), 1, /stdin is empty/);
  });

  it('only line ends: eval scores them as empty sentences (each an <EOS>)', async () => {
    for (const reset of ['line', 'none']) {
      const e = await evalJson(at('newlines.txt'), undefined, '--reset', reset);
      expect(e).toMatchObject({ lines: 3, tokens: 3, chars: 0, unk: 0 });
      expect(e.logprob_ln).toBeLessThan(0);
      expect(await evalJson('-', '\n\r\n\n', '--reset', reset)).toEqual(e);
    }
  });
});

describe('a pipe given as a path', () => {
  // Through a shell pipe: Node's own child stdin is a socket, which /dev/stdin cannot reopen.
  const piped = (file: string, args: string[]) => {
    const r = spawnSync('sh', ['-c', 'node=$1 bin=$2; shift 2; cat "$0" | "$node" "$bin" "$@"', file, process.execPath, BIN, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
  };

  it('/dev/stdin from a pipe (read once, as a corpus is read twice): train and eval work as they do on the file', () => {
    writeFileSync(at('piped.txt'), TEXT);
    const fromPipe = piped(at('piped.txt'), ['train', '/dev/stdin', ...TRAIN, '-o', at('piped.safetensors')]);
    expect(fromPipe.err).not.toMatch(/changed while it was being read|\n\s+at /);
    expect(fromPipe.code).toBe(0);
    expect(cliChild(['train', at('piped.txt'), ...TRAIN, '-o', at('filed.safetensors')], dir).code).toBe(0);
    const figures = (r: { out: string }) => {
      const { file: _name, ...rest } = JSON.parse(r.out);
      return rest;
    };
    // The same model: the same figures on the same text, read from the pipe or the file.
    const a = figures(piped(at('piped.txt'), ['eval', '-m', at('piped.safetensors'), '--json', '/dev/stdin']));
    const b = figures(cliChild(['eval', '-m', at('filed.safetensors'), '--json', at('piped.txt')], dir));
    expect(a).toEqual(b);
    expect(a.tokens).toBe(TEXT.length);
  });
});

describe('short texts', () => {
  it('shorter than one batch: trains with fewer streams and says so', async () => {
    const r = await train(at('short.txt'), '--min-count', '1', '--batch', '50', '--seq', '50');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /^note: the training text \([\d,]+ characters\) is shorter than --batch x --seq \(50 x 50\): training with 1 stream of \d+ steps$/m,
    );
    expect(r.err).toMatch(/^Trained 2 steps/m);
  });

  it('every character rarer than --min-count: a usage error naming it, not a model of <UNK>', async () => {
    const r = await train(at('singletons.txt'));
    expectCleanError(
      r,
      2,
      /^charnn: --min-count 2 leaves no characters in the vocabulary: the most frequent character of singletons occurs 1 time$/m,
    );
    expect(r.err).toMatch(/^hint: lower --min-count \(1 keeps every character\)$/m);
    const ok = await train(at('singletons.txt'), '--min-count', '1');
    expect(ok.code).toBe(0);
  });
});

describe('line ends and the BOM: one text whatever its conventions', () => {
  it('CRLF, CR, mixed line ends and a leading BOM train exactly as LF', async () => {
    // 'NAME: N training and M validation tokens, vocabulary V', without the name.
    const summary = (err: string) =>
      err
        .split('\n')
        .find((l) => /^\w+: [\d,]+ training/.test(l))!
        .replace(/^\w+:/, '');
    const base = await train(at('tiny.txt'));
    expect(base.code).toBe(0);
    for (const file of ['crlf.txt', 'cr.txt', 'mixed.txt', 'bom.txt']) {
      const r = await train(at(file));
      expect(r.code).toBe(0);
      expect(summary(r.err)).toBe(summary(base.err)); // tokens and vocabulary
      expect(r.err.match(/loss [\d.]+ nats/g)).toEqual(base.err.match(/loss [\d.]+ nats/g));
    }
  });

  it('eval gives the same figures for LF, CRLF, CR, mixed and BOM, from a file or stdin', async () => {
    const base = await evalJson(at('tiny.txt'));
    expect(base).toMatchObject({ lines: 30, unk: 0 });
    for (const file of ['crlf.txt', 'cr.txt', 'mixed.txt', 'bom.txt']) {
      expect(await evalJson(at(file))).toEqual(base);
      expect(await evalJson('-', readFileSync(at(file)))).toEqual(base);
    }
  });
});

describe('one 10 MB line', () => {
  it('train reads it in chunks and trains on it (one line: [<EOS>, 10M characters, <EOS>])', () => {
    const letters = 'abcdefgh ';
    let s = '';
    for (let i = 0; s.length < 10_000_000; i++) s += letters.repeat(1000).slice(i % 9) + letters.slice(0, i % 9);
    writeFileSync(at('one-line.txt'), s.slice(0, 10_000_000));
    const r = cliChild(
      [
        'train',
        'one-line.txt',
        '--hidden',
        '4',
        '--layers',
        '1',
        '--batch',
        '4',
        '--seq',
        '8',
        '--steps',
        '1',
        '--samples',
        '0',
        '--val-frac',
        '0',
        '-o',
        'long.safetensors',
      ],
      dir,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^one-line: 10,000,002 training and 0 validation tokens, vocabulary 11$/m);
  });
});
