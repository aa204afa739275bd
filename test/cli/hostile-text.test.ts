// Odd text for `score` and `eval`, through the real binary: unseen characters, empty and very
// long sentences, bad bytes on stdin, many lines on stdin in bounded memory (eval - equal to
// eval FILE bit for bit), and pipes closed early (`| head -1`) ending quietly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliChild, expectCleanError } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LINES = ['the cat sat on the mat.', 'the dog sat on the log.', 'a cat and a dog ate.'];
const charnn = (args: string[], input?: string | Buffer) => cliChild(args, dir, input);
const json = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

beforeAll(() => {
  writeFileSync(join(dir, 'tiny.txt'), Array.from({ length: 60 }, (_, i) => LINES[i % 3]).join('\n') + '\n');
  const small = ['--hidden', '4', '--layers', '1', '--batch', '4', '--seq', '16', '--steps', '5', '--samples', '0'];
  for (const [cell, out] of [
    ['lstm', 'm.safetensors'],
    ['bilstm', 'bi.safetensors'],
  ]) {
    const r = charnn(['train', 'tiny.txt', '--cell', cell, ...small, '-o', out]);
    expect(r.code).toBe(0);
  }
});

describe('score: odd sentences', () => {
  it('unseen characters are <UNK>, counted per code point (an emoji is one)', () => {
    const [s] = json(charnn(['score', '-m', 'm.safetensors', '--json', 'zq☃😀 cat']).out);
    expect(s).toMatchObject({ text: 'zq☃😀 cat', chars: 8, tokens: 9, unk: 4 });
    expect(Number.isFinite(s.logprob_ln)).toBe(true);
  });

  it('an empty sentence is scored (its <EOS> alone), as an argument and as a blank stdin line', () => {
    const arg = charnn(['score', '-m', 'm.safetensors', '--json', '']);
    expect(arg.code).toBe(0);
    const [a] = json(arg.out);
    expect(a).toMatchObject({ text: '', chars: 0, tokens: 1, unk: 0 });
    expect(a.logprob_ln).toBeLessThan(0);
    const lines = json(charnn(['score', '-m', 'm.safetensors', '--json', '-'], '\n\r\n\r').out);
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l.logprob_ln).toBe(a.logprob_ln);
  });

  it('a 1 MB sentence on stdin is one result line; over 16 MiB is an error after the lines before it', () => {
    const long = 'the cat sat. '.repeat(80_000); // 1,040,000 characters
    const r = charnn(['score', '-m', 'm.safetensors', '-'], `${long}\nthe dog\n`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = r.out.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0].split('\t')[3]).toBe(long);
    const huge = charnn(
      ['score', '-m', 'm.safetensors', '-'],
      Buffer.concat([Buffer.from('the cat\n'), Buffer.alloc((1 << 24) + 1, 0x61), Buffer.from('\nthe dog\n')]),
    );
    expectCleanError(huge, 1, /^charnn: stdin: line 2 is longer than 16,777,216 bytes$/m, true);
    expect(huge.err).toMatch(/^hint: a sentence is held in memory whole/m);
    expect(huge.out.trimEnd().split('\n')).toHaveLength(1); // the first line was scored
  });

  it('stdin is read as a corpus is: BOM dropped, CRLF and CR folded, the same scores as arguments', () => {
    const r = charnn(['score', '-m', 'm.safetensors', '--json', '-'], '\ufeffthe cat\r\nthe dog\ra cat');
    const fromArgs = json(charnn(['score', '-m', 'm.safetensors', '--json', 'the cat', 'the dog', 'a cat']).out);
    expect(json(r.out)).toEqual(fromArgs);
  });

  it.each([
    [
      'a NUL byte',
      Buffer.from('the cat\nthe d\x00og\nthe end\n', 'latin1'),
      /^charnn: stdin looks like a binary file \(NUL byte at offset 13\)$/m,
    ],
    [
      'invalid UTF-8',
      Buffer.from('the cat\nthe d\xe9og\nthe end\n', 'latin1'),
      /^charnn: stdin is not valid UTF-8 \(invalid byte at offset 13\)$/m,
    ],
    [
      'UTF-8 cut short at the end',
      Buffer.concat([Buffer.from('the cat\nthe '), Buffer.from([0xe2, 0x82])]),
      /^charnn: stdin is not valid UTF-8 \(invalid byte at offset 12\)$/m,
    ],
  ])('%s on stdin: the lines before it are scored, then one error line (exit 1)', (_what, input, pattern) => {
    const r = charnn(['score', '-m', 'm.safetensors', '-'], input);
    expectCleanError(r, 1, pattern, true);
    expect(
      r.out
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t')[3]),
    ).toEqual(['the cat']);
  });
});

describe('eval: stdin streamed, the same figures as the file', () => {
  it.each([
    ['m.safetensors', 'forward', 'line'],
    ['m.safetensors', 'forward', 'none'],
    ['bi.safetensors', 'backward', 'line'],
    ['bi.safetensors', 'both', 'line'],
    ['bi.safetensors', 'both', 'none'], // the backward stream reads stdin whole
  ])('%s --direction %s --reset %s', (model, direction, reset) => {
    const text = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? '' : LINES[i % 3] + ' ☃'.repeat(i % 2))).join('\r\n');
    writeFileSync(join(dir, 'held.txt'), text);
    const args = ['eval', '-m', model, '--json', '--direction', direction, '--reset', reset];
    const file = charnn([...args, 'held.txt']);
    const stdin = charnn([...args, '-'], text);
    expect(file.code).toBe(0);
    expect(stdin.code).toBe(0);
    expect({ ...JSON.parse(stdin.out), file: 'held.txt' }).toEqual(JSON.parse(file.out));
    expect(JSON.parse(file.out)).toMatchObject({ lines: 3000, unk: (text.match(/☃/g) ?? []).length });
  });
});

/** A charnn child's peak resident set size in MB (worker threads included), and its result. */
function peakMB(args: string[], input: string | Buffer) {
  const peakFile = join(dir, `peak-${process.pid}-${Date.now()}.txt`);
  const r = spawnSync(process.execPath, ['--require', resolve(__dirname, '../helpers/peak-rss.cjs'), BIN, ...args], {
    cwd: dir,
    input,
    env: { ...process.env, NO_COLOR: '1', CHARNN_TEST_PEAK_FILE: peakFile },
    maxBuffer: 1 << 28,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr, mb: Number(readFileSync(peakFile, 'utf8')) / 1024 };
}

describe('many lines on stdin, in bounded memory', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => LINES[i % 3].slice(0, 8 + (i % 13))).join('\n') + '\n';

  it('score - takes 100,000 lines and eval - 200,000, each under 200 MB', () => {
    const s = peakMB(['score', '-m', 'm.safetensors', '-'], lines(100_000));
    expect(s.err).toBe('');
    expect(s.code).toBe(0);
    expect(s.out.split('\n')).toHaveLength(100_001);
    expect(s.mb).toBeLessThan(200);
    const e = peakMB(['eval', '-m', 'm.safetensors', '--json', '-'], lines(200_000));
    expect(e.err).toBe('');
    expect(e.code).toBe(0);
    expect(JSON.parse(e.out).lines).toBe(200_000);
    expect(e.mb).toBeLessThan(200);
  });

  it('eval - does not hold stdin: 128 MB read through in about the memory of 10 bytes', () => {
    // Invalid UTF-8 at once (nothing to score), a NUL at the very end: eval must read it all,
    // and the NUL is what it reports, as for a file.
    const big = Buffer.concat([Buffer.from('a\xff\n', 'latin1'), Buffer.alloc(128 << 20, 'the cat sat.\n'), Buffer.from([0])]);
    const small = peakMB(['eval', '-m', 'm.safetensors', '-'], Buffer.from('a\xff\n\x00', 'latin1'));
    const r = peakMB(['eval', '-m', 'm.safetensors', '-'], big);
    expectCleanError(r, 1, new RegExp(`^charnn: stdin looks like a binary file \\(NUL byte at offset ${big.length - 1}\\)$`, 'm'));
    expect(small.code).toBe(1);
    // Holding the input would add its 128 MB; streaming adds chunks awaiting collection.
    expect(r.mb - small.mb).toBeLessThan(64);
  });
});

describe('pipes closed early end quietly (exit 0, nothing on stderr)', () => {
  // pipefail: the pipeline fails if charnn does.
  const pipeline = (command: string) =>
    spawnSync('bash', ['-c', `set -o pipefail; ${command}`], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  beforeAll(() => writeFileSync(join(dir, 'many.txt'), 'the cat sat\n'.repeat(500_000)));
  const node = `"${process.execPath}" "${BIN}"`;

  it.each([
    ['sample | head -1', `${node} sample -m m.safetensors --seed 1 --length 1000000 | head -1`],
    ['sample --json --num 100000 | head -1', `${node} sample -m m.safetensors --seed 1 --length 50 --num 100000 --json | head -1`],
    ['score - | head -1', `${node} score -m m.safetensors - < many.txt | head -1`],
    ['score --detail - | head -1', `${node} score --detail -m m.safetensors - < many.txt | head -1`],
    // cat may die of SIGPIPE when charnn stops reading: charnn's own status is the one checked.
    ['cat | score - | head -1', `set +o pipefail; cat many.txt | ${node} score -m m.safetensors - | head -1; exit \${PIPESTATUS[1]}`],
    [
      'train 2>&1 | head -1 (the checkpoint still saved)',
      `${node} train tiny.txt --hidden 4 --layers 1 --steps 3 --samples 3 -o piped.safetensors 2>&1 | head -1 && test -s piped.safetensors`,
    ],
  ])('%s', (_what, command) => {
    const r = pipeline(command);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
