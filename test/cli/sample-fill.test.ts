// End to end, the real binary: the new sample flags (--stop, --lines, --min-p,
// --repeat-penalty/--repeat-last, --beam) and `charnn fill`: output, exit codes, --json shapes,
// the seed on stderr in every mode, byte-identical output for a seed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliChild } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-sample-fill-'));
const LINES = ['the cat sat on the mat.', 'a dog ate my hat.', 'my cat is on a mat.', 'the dog sat.'];

function charnn(args: string[], input?: string) {
  const r = cliChild(args, dir, input);
  return { code: r.code, stdout: r.out, stderr: r.err };
}

const BI = ['-m', 'bi.safetensors'];

beforeAll(() => {
  writeFileSync(join(dir, 'tiny.txt'), Array.from({ length: 20 }, () => LINES.join('\n')).join('\n') + '\n');
  const common = [
    'tiny.txt',
    '--hidden',
    '32',
    '--layers',
    '1',
    '--batch',
    '8',
    '--seq',
    '24',
    '--lr',
    '1e-2',
    '--min-count',
    '1',
    '--val-frac',
    '0.05',
    '--samples',
    '0',
    '--threads',
    '1',
  ];
  expect(charnn(['train', ...common, '--cell', 'bilstm', '--steps', '250', '-o', 'bi.safetensors']).code).toBe(0);
  expect(charnn(['train', ...common, '--steps', '5', '-o', 'uni.safetensors']).code).toBe(0);
});

describe('charnn sample: new flags', () => {
  it('--stop: generation ends before the stop string, which is not printed; \\n is a line end', () => {
    const full = charnn(['sample', ...BI, '--seed', '5', '--prime', 'the ', '--length', '300']);
    expect(full.code).toBe(0);
    const generated = full.stdout.slice('the '.length, -1);
    const at = generated.indexOf('at');
    expect(at).toBeGreaterThanOrEqual(0);
    const r = charnn(['sample', ...BI, '--seed', '5', '--prime', 'the ', '--stop', 'at']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('the ' + generated.slice(0, at) + '\n');
    const nl = generated.indexOf('.\n');
    expect(nl).toBeGreaterThan(0);
    expect(charnn(['sample', ...BI, '--seed', '5', '--prime', 'the ', '--stop', '.\\n', '--stop', 'zzz']).stdout).toBe(
      'the ' + generated.slice(0, nl) + '\n',
    );
  });

  it('--lines N prints N lines (the prime starts the first), and may run past the default 500 characters', () => {
    const r = charnn(['sample', ...BI, '--seed', '2', '--prime', 'my ', '--lines', '3']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(4); // three lines and the final newline
    expect(lines[0].startsWith('my ')).toBe(true);
    expect(lines[3]).toBe('');
    const many = charnn(['sample', ...BI, '--seed', '2', '--lines', '50']);
    expect(many.stdout.split('\n')).toHaveLength(51);
    expect(many.stdout.length).toBeGreaterThan(500);
  });

  it('--min-p and --repeat-penalty change the text; the same seed gives the same bytes; the seed is printed when not given', () => {
    const args = ['sample', ...BI, '--length', '200', '--prime', 'the '];
    const plain = charnn([...args, '--seed', '8']).stdout;
    const minP = charnn([...args, '--seed', '8', '--min-p', '0.2']);
    const penalty = charnn([...args, '--seed', '8', '--repeat-penalty', '1.5', '--repeat-last', '8']);
    expect(minP.code).toBe(0);
    expect(penalty.code).toBe(0);
    expect(minP.stdout).not.toBe(plain);
    expect(penalty.stdout).not.toBe(plain);
    expect(charnn([...args, '--seed', '8', '--repeat-penalty', '1.5', '--repeat-last', '8']).stdout).toBe(penalty.stdout);
    const unseeded = charnn([...args, '--min-p', '0.1', '--stop', '.', '--json']);
    const seed = Number(/^seed: (\d+)$/m.exec(unseeded.stderr)![1]);
    expect(JSON.parse(unseeded.stdout).seed).toBe(seed);
    expect(charnn([...args, '--min-p', '0.1', '--stop', '.', '--json', '--seed', String(seed)]).stdout).toBe(unseeded.stdout);
  });

  it('--json: text, how it stopped and the symbols generated', () => {
    const j = JSON.parse(charnn(['sample', ...BI, '--seed', '3', '--lines', '1', '--json']).stdout);
    expect(Object.keys(j)).toEqual(['index', 'seed', 'temperature', 'text', 'stopped_by', 'symbols']);
    expect(j.stopped_by).toBe('lines');
    expect(j.symbols).toBe([...j.text].length + 1);
  });

  it('--beam 1 prints what --temp 0 does; --beam K --json reports the log-probability; the seed is still printed', () => {
    const greedy = charnn(['sample', ...BI, '--temp', '0', '--prime', 'a ', '--length', '60', '--seed', '1']).stdout;
    const one = charnn(['sample', ...BI, '--beam', '1', '--prime', 'a ', '--length', '60', '--seed', '1']);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(greedy);
    const r = charnn(['sample', ...BI, '--beam', '4', '--prime', 'a ', '--lines', '1', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^seed: \d+$/m);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['index', 'seed', 'beam', 'text', 'stopped_by', 'symbols', 'logprob_ln', 'logprob_log10']);
    expect(j.beam).toBe(4);
    expect(j.text.startsWith('a ')).toBe(true);
    expect(j.stopped_by).toBe('lines');
    expect(j.logprob_ln).toBeLessThan(0);
    expect(j.logprob_log10).toBeCloseTo(j.logprob_ln / Math.LN10, 12);
    const g = JSON.parse(charnn(['sample', ...BI, '--beam', '1', '--prime', 'a ', '--lines', '1', '--json', '--seed', '1']).stdout);
    expect(j.logprob_ln).toBeGreaterThanOrEqual(g.logprob_ln);
  });

  it('bad values and combinations are usage errors (exit 2) naming the flag', () => {
    for (const [args, pattern] of [
      [['--min-p', '2'], /--min-p/],
      [['--repeat-penalty', '0'], /--repeat-penalty/],
      [['--beam', '2', '--top-p', '0.5'], /--top-p/],
    ] as const) {
      const r = charnn(['sample', ...BI, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stdout).toBe('');
    }
  });
});

describe('charnn fill', () => {
  it('prints --top candidates: log10 P (mean), forward, backward, the sentence; best first', () => {
    const r = charnn(['fill', ...BI, '--top', '3', 'the cat sat on the m_t.']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(3);
    expect(rows[0][3]).toBe('the cat sat on the mat.');
    for (const row of rows) {
      expect(row).toHaveLength(4);
      expect(Number(row[0])).toBeCloseTo((Number(row[1]) + Number(row[2])) / 2, 3);
    }
    expect(Number(rows[0][0])).toBeGreaterThanOrEqual(Number(rows[1][0]));
  });

  it('--json: one object per sentence with the candidates, scores in log10 and ln per direction; stdin lines', () => {
    const r = charnn(['fill', ...BI, '--json', '--top', '2', '-'], 'a dog ate my *.\nthe c_t s_t.\n');
    expect(r.code).toBe(0);
    const [a, b] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(a.text).toBe('a dog ate my *.');
    expect(a.ranking).toBe('mean of forward and backward');
    expect(a.candidates).toHaveLength(2);
    expect(a.candidates[0].text).toBe('a dog ate my hat.');
    expect(Object.keys(a.candidates[0])).toEqual([
      'text',
      'fills',
      'logprob_log10',
      'logprob_ln',
      'forward_logprob_log10',
      'forward_logprob_ln',
      'backward_logprob_log10',
      'backward_logprob_ln',
    ]);
    expect(a.candidates[0].fills).toEqual(['hat']);
    expect(b.candidates[0].fills).toEqual(['a', 'a']);
    const c = a.candidates[0];
    expect(c.logprob_ln).toBeCloseTo((c.forward_logprob_ln + c.backward_logprob_ln) / 2, 10);
    const both = JSON.parse(charnn(['score', ...BI, '--json', '--direction', 'both', c.text]).stdout);
    expect(both.logprob_ln).toBeCloseTo(c.logprob_ln, 10);
  });

  it('a one-direction model: a note on stderr, ranked by the forward model, no backward score', () => {
    const r = charnn(['fill', '-m', 'uni.safetensors', '--json', 'the c_t']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: a lstm model has no backward direction/m);
    const j = JSON.parse(r.stdout);
    expect(j.ranking).toBe('forward');
    expect(j.candidates[0].backward_logprob_ln).toBeNull();
    expect(j.candidates[0].logprob_ln).toBe(j.candidates[0].forward_logprob_ln);
  });

  it('no gap is a usage error with a hint; --gap changes the placeholder', () => {
    const r = charnn(['fill', ...BI, 'the cat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no gap/);
    expect(r.stderr).toMatch(/^hint: mark each missing character with _/m);
    expect(charnn(['fill', ...BI, '--gap', '#', '--top', '1', 'the cat s#t.']).stdout).toMatch(/\tthe cat sat\.\n$/);
  });

  it('a rule between options names the flags on the command line (the library names its options)', () => {
    const r = charnn(['fill', ...BI, '--gap', '*', 'a_']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^charnn: --gap and --wildcard must differ, both are "\*"$/m);
    const s = charnn(['sample', ...BI, '--beam', '2', '--temp', '0.5', '--top-k', '3']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^charnn: --beam follows the model's own distribution: it cannot be combined with --temp, --top-k$/m);
  });
});
