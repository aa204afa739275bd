// charnn sample --corpus (issue 15, item 4): for each sample, the longest span found verbatim in
// the corpus and its share of copied characters, on stderr, or in --json (longest_copied,
// copied_share); the same figures as the library's checkCopies on the generated text; the
// corpus's paths checked before anything is generated.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCopies, fileSource } from '../../src/node.js';
import { cliIn, expectCleanError } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-copy-'));
const at = (...p: string[]) => join(dir, ...p);
const LINES = ['the cat sat on the mat by the door.', 'a dog ate my hat in the old mill.', 'my cat is on a mat in the sun.'];

beforeAll(async () => {
  mkdirSync(at('texts'));
  writeFileSync(at('texts', 'pets.txt'), Array.from({ length: 90 }, (_, i) => LINES[i % 3]).join('\n') + '\n');
  // A small model that has learnt the three lines by heart: its samples copy them.
  const r = await cliIn(dir, [
    'train',
    at('texts', 'pets.txt'),
    ...['--schedule', 'char-rnn', '--hidden', '48', '--layers', '1', '--batch', '8', '--seq', '32', '--lr', '0.01', '--steps', '150'],
    '--threads',
    '1',
    ...['--samples', '0', '--no-eval-samples', '-o', at('pets.safetensors')],
  ]);
  expect(r.code).toBe(0);
});

const SAMPLE = () => ['sample', '-m', at('pets.safetensors'), '--temp', '0.5', '--lines', '3', '--seed', '4', '--num', '2'];

describe('sample --corpus', () => {
  it('one line per sample on stderr, with the figures of checkCopies on the generated text (the prime left out)', async () => {
    const r = await cliIn(dir, [...SAMPLE(), '--prime', 'the ', '--corpus', at('texts')]);
    expect(r.code).toBe(0);
    // The same samples as JSON, for their exact text.
    const json = await cliIn(dir, [...SAMPLE(), '--prime', 'the ', '--json']);
    const generated = json.out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text.slice('the '.length));
    const reports = checkCopies(generated, fileSource(at('texts')));
    const lines = r.err.split('\n').filter((l) => l.startsWith('sample '));
    expect(lines).toHaveLength(2);
    reports.forEach((rep, i) => {
      expect(lines[i]).toBe(
        `sample ${i + 1}: longest copied span ${rep.longestCopied.chars} characters, ${JSON.stringify(rep.longestCopied.text)}; ${(100 * rep.copiedShare).toFixed(1)}% of its ${rep.chars} characters in spans of 20+ found in the corpus`,
      );
      expect(rep.longestCopied.chars).toBeGreaterThanOrEqual(20); // the model copies
    });
    // Without --corpus: the same samples, and no report.
    const plain = await cliIn(dir, [...SAMPLE(), '--prime', 'the ']);
    expect(plain.out).toBe(r.out);
    expect(plain.err).not.toContain('copied');
  });

  it('--json: longest_copied and copied_share in each sample', async () => {
    const r = await cliIn(dir, [...SAMPLE(), '--json', '--corpus', at('texts', 'pets.txt')]);
    expect(r.code).toBe(0);
    const objects = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objects).toHaveLength(2);
    const reports = checkCopies(
      objects.map((o) => o.text),
      fileSource(at('texts', 'pets.txt')),
    );
    objects.forEach((o, i) => {
      expect(o.longest_copied).toEqual({ chars: reports[i].longestCopied.chars, text: reports[i].longestCopied.text });
      expect(o.copied_share).toBe(reports[i].copiedShare);
      expect(o.copied_share).toBeGreaterThan(0.5);
    });
    expect(r.err).not.toMatch(/^sample \d/m);
  });

  it('a text the corpus does not hold: nothing copied', async () => {
    writeFileSync(at('other.txt'), 'zzzz qqqq xxxx\n'.repeat(10));
    const r = await cliIn(dir, [...SAMPLE(), '--num', '1', '--corpus', at('other.txt')]);
    expect(r.err).toMatch(
      /^sample 1: longest copied span \d characters, .*; 0\.0% of its \d+ characters in spans of 20\+ found in the corpus$/m,
    );
  });

  it('a missing corpus path: an error before anything is generated', async () => {
    expectCleanError(await cliIn(dir, [...SAMPLE(), '--corpus', at('nope.txt')]), 1, /no such file: .*nope\.txt/);
  });
});
