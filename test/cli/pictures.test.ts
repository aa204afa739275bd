// train's pictures (the closing loss chart on a terminal, a sample at each evaluation) and
// score's (--heatmap, --top), in-process on a tiny corpus.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliIn, stripAnsi, type CliResult } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-pictures-'));
const LINES = ['the cat sat on the mat.', 'the dog sat on the log.', 'a cat and a dog ate.'];
// Absolute paths: train resolves its corpus, -o and --log against the process's directory, not io.cwd.
const at = (f: string) => join(dir, f);
const TRAIN = [
  'train',
  at('tiny.txt'),
  '--steps',
  '12',
  '--hidden',
  '16',
  '--batch',
  '4',
  '--seq',
  '16',
  '--eval-every',
  '4',
  '--samples',
  '1',
  '--seed',
  '3',
  '--threads',
  '1',
];
let plain: CliResult;

beforeAll(async () => {
  writeFileSync(join(dir, 'tiny.txt'), Array.from({ length: 60 }, (_, i) => LINES[i % 3]).join('\n') + '\n');
  plain = await cliIn(dir, [...TRAIN, '--log', at('with.jsonl'), '-o', at('m.safetensors')]);
  expect(plain.code).toBe(0);
});

const losses = (file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const e = JSON.parse(l);
      return [e.step, e.loss_nats, e.val_nats];
    });

describe('train: a sample at each evaluation', () => {
  it('one line per evaluation on stderr, never on stdout', () => {
    const samples = plain.err.split('\n').filter((l) => l.startsWith('sample at step '));
    expect(samples.map((l) => l.match(/step (\d+):/)![1])).toEqual(['4', '8', '12']);
    for (const l of samples) expect(l.length - 'sample at step 12: '.length).toBeLessThanOrEqual(100);
    expect(plain.out).not.toContain('sample at step');
    expect(plain.out.trim().split('\n')).toHaveLength(1); // --samples 1
  });

  it('--no-eval-samples turns them off and the run is the same: same losses, same final sample', async () => {
    const off = await cliIn(dir, [...TRAIN, '--no-eval-samples', '--log', at('without.jsonl'), '-o', at('m2.safetensors')]);
    expect(off.code).toBe(0);
    expect(off.err).not.toContain('sample at step');
    expect(losses('without.jsonl')).toEqual(losses('with.jsonl'));
    expect(off.out).toBe(plain.out);
    // And the samples themselves are the same for the same seed and step.
    const again = await cliIn(dir, [...TRAIN, '-o', at('m3.safetensors')]);
    expect(again.err.split('\n').filter((l) => l.startsWith('sample at'))).toEqual(
      plain.err.split('\n').filter((l) => l.startsWith('sample at')),
    );
  });
});

describe('train: the loss chart', () => {
  it('is drawn on a terminal: unit, y labels, both series and the legend', async () => {
    const r = await cliIn(dir, [...TRAIN, '-o', at('m4.safetensors')], { stderrTTY: true });
    expect(r.err.slice(-300) + r.code).toMatch(/0$/);
    const err = stripAnsi(r.err);
    expect(err).toMatch(/^\s*nats$/m);
    expect(err).toMatch(/^\s*\d+\.\d+ ┤/m);
    expect(err).toMatch(/└┬─+┬─+┬\n\s+1\s+.*12 steps\n/);
    expect(err).toContain('⠤⠤ training loss   ● validation loss');
    expect(err.indexOf('validation loss')).toBeLessThan(err.indexOf('Trained 12 steps'));
    expect(err).toMatch(/sample at step 8: /);
    expect(r.out).not.toMatch(/[┤●\u2801-\u28ff]/);
  });

  it('is not drawn when stderr is not a terminal', () => {
    expect(plain.err).not.toMatch(/[┤└]/);
    expect(plain.err).not.toContain('training loss');
  });
});

describe('score --heatmap and --top', () => {
  it('--heatmap without a terminal: the characters, a digit per character, a legend', async () => {
    const r = await cliIn(dir, ['score', '-m', at('m.safetensors'), '--heatmap', 'the cat', 'a ☃']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('the cat⏎');
    expect(lines[1]).toMatch(/^\d{8} {2}\d+\.\d bits, \d\.\d{3} bpc$/);
    expect(lines[2]).toBe('a ☃⏎');
    expect(lines[3]).toMatch(/^\d{4} /);
    expect(lines[4]).toMatch(/^digits: surprisal/);
    // The digits are the whole bits of --detail's per-character values.
    const j = JSON.parse((await cliIn(dir, ['score', '-m', at('m.safetensors'), '--json', '--detail', 'the cat'])).out);
    expect(lines[1].slice(0, 8)).toBe(j.detail.map((d: { bits: number }) => Math.min(9, Math.floor(d.bits))).join(''));
  });

  it('--top N --json: the N most likely symbols at each position; the scored one among them has its probability', async () => {
    const r = await cliIn(dir, ['score', '-m', at('m.safetensors'), '--json', '--top', '3', 'the ☃']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.detail).toHaveLength(j.tokens);
    for (const d of j.detail) {
      expect(d.top).toHaveLength(3);
      expect(Object.keys(d.top[0])).toEqual(['symbol', 'prob', 'logprob_ln']);
      expect(d.top[0].prob).toBeGreaterThanOrEqual(d.top[1].prob);
      expect(d.top[0].prob).toBeCloseTo(Math.exp(d.top[0].logprob_ln), 12);
    }
    // The whole vocabulary: every distribution sums to 1, names for the specials, and the
    // scored symbol (<UNK> for the snowman, <EOS> at the end) has exactly its per-token value.
    const all = JSON.parse((await cliIn(dir, ['score', '-m', at('m.safetensors'), '--json', '--top', '1000', 'the ☃'])).out);
    for (const d of all.detail) expect(d.top.reduce((s: number, t: { prob: number }) => s + t.prob, 0)).toBeCloseTo(1, 9);
    const symbols = all.detail[0].top.map((t: { symbol: string }) => t.symbol);
    expect(symbols).toContain('<EOS>');
    expect(symbols).toContain('<UNK>');
    const prob = (i: number, symbol: string) => all.detail[i].top.find((t: { symbol: string }) => t.symbol === symbol).logprob_ln;
    expect(prob(0, 't')).toBe(all.detail[0].logprob_ln);
    expect(prob(4, '<UNK>')).toBe(all.detail[4].logprob_ln);
    expect(prob(5, '<EOS>')).toBe(all.detail[5].logprob_ln);
  });

  it('--top in text: alternatives after each character, quoted', async () => {
    const r = await cliIn(dir, ['score', '-m', at('m.safetensors'), '--top', '2', 'ta']);
    const rows = r.out.trimEnd().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatch(/^ {2}t\t-\d+\.\d{4}\t(".{1,2}"|<EOS>|<UNK>) \d\.\d{3} {2}(".{1,2}"|<EOS>|<UNK>) \d\.\d{3}$/);
  });

  it.each([
    [['--heatmap', '--json', 'x'], /--heatmap.*--json|--json.*--heatmap/],
    [['--heatmap', '--top', '2', 'x'], /--top|--heatmap/],
    [['--top', '0', 'x'], /--top/],
    [['--top', '2', '--direction', 'both', 'x'], /--top needs one direction/],
  ])('usage errors: %j -> exit 2', async (args, message) => {
    const r = await cliIn(dir, ['score', '-m', at('m.safetensors'), ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});
