// The commander program in-process, built fresh per test (exitOverride): usage errors map to
// exit 2 with one line naming the flag, runtime errors to exit 1, help and --version to 0, and
// nothing is printed to stdout on failure.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli.js';

const cli = (args: string[], stdinText?: string) => cliInProcess(args, mkdtempSync(join(tmpdir(), 'charnn-cli-')), stdinText);

describe('charnn program (in-process)', () => {
  it('--version and --help exit 0 on stdout', async () => {
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^\d+\.\d+\.\d+\n$/);
    const h = await cli(['train', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/--cell <type>/);
  });

  it.each([
    [['train', 'x.txt', '--hidden', '-3'], /--hidden/],
    [['train', 'x.txt', '--layers', '2.5'], /--layers/],
    [['train', 'x.txt', '--dropout', 'NaN'], /--dropout/],
    [['train', 'x.txt', '--batch', '1e400'], /--batch/],
    [['train', 'x.txt', '--optimizer', 'lbfgs'], /--optimizer/],
    [['train', 'x.txt', '--time', '0s'], /--time/],
    [['sample', '--length', 'ten'], /--length/],
    [['sample', '--top-k', '-1'], /--top-k/],
    [['sample', '--min-p', '1.5'], /--min-p.*0 to 1/],
    [['sample', '--repeat-penalty', '0.5'], /--repeat-penalty.*1 to 100/],
    [['sample', '--repeat-last', '0'], /--repeat-last/],
    [['sample', '--lines', '0'], /--lines/],
    [['sample', '--beam', '0'], /--beam/],
    [['sample', '--stop', ''], /--stop/],
    [['sample', '--beam', '3', '--temp', '0.5'], /--beam .*--temp/],
    [['sample', '--beam', '3', '--num', '2'], /--num/],
    [['fill', '--max-gap', '0', 'a_'], /--max-gap/],
    [['fill', '--top', 'x', 'a_'], /--top/],
    [['fill', '--gap', 'ab', 'a_'], /--gap/],
    [['fill', '--gap', '*', 'a_'], /--gap and --wildcard/],
    [['score', '--direction', 'sideways', 'x'], /--direction/],
    [['eval', '--engine', 'gpu', 'x'], /--engine/],
  ])('usage error %j -> exit 2 naming the flag', async (args, pattern) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.out).toBe('');
  });

  it('no model anywhere -> exit 1 with a hint', async () => {
    const r = await cli(['score', 'hello']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no checkpoint found/);
    expect(r.err).toMatch(/^hint: /m);
  });

  it('argument mistakes are usage errors, reported before the model is looked for', async () => {
    const r = await cli(['score', '-m', 'missing.safetensors']); // no text, stdin is a terminal
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/give the text as arguments/);
    const s = await cli(['eval', '-', 'other.txt']);
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/cannot be combined/);
    const t = await cli(['eval', '-m', 'missing.safetensors']);
    expect(t.code).toBe(2);
  });
});
