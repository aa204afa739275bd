// `charnn train --resume` end to end: stopped and resumed runs log the same losses as the run
// that never stopped; the corpus is found from the checkpoint when not given; changed flags are
// reported; other flags are a usage error naming them; a best checkpoint cannot be resumed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { CHAR_RNN_FLAGS } from '../helpers/char-rnn.js';

const BIN = resolve(__dirname, '../../bin/charnn.js');
const dir = mkdtempSync(join(tmpdir(), 'charnn-resume-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function charnn(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MODEL = [
  ...CHAR_RNN_FLAGS,
  '--hidden',
  '16',
  '--batch',
  '4',
  '--seq',
  '16',
  '--samples',
  '0',
  '--seed',
  '7',
  '--dropout',
  '0.1',
  '--layers',
  '2',
];
/** step -> training loss, from a --log file (a step logged twice, as a report and an evaluation, once). */
const losses = (file: string) =>
  new Map(
    readFileSync(join(dir, file), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((e) => [e.step, e.loss_nats]),
  );

beforeAll(() => {
  const lines = ['the cat sat on the mat.', 'the dog sat on the log.', 'a cat and a dog ate.'];
  writeFileSync(join(dir, 'tiny.txt'), Array.from({ length: 90 }, (_, i) => lines[i % 3]).join('\n') + '\n');
});

describe('charnn train --resume', () => {
  it('continues exactly: 20 steps in one go = 10, then --resume to 20 (corpus found from the checkpoint)', () => {
    const straight = charnn(['train', 'tiny.txt', ...MODEL, '--steps', '20', '--log', 'a.jsonl', '-o', 'a.safetensors']);
    expect(straight.code).toBe(0);
    const first = charnn(['train', 'tiny.txt', ...MODEL, '--steps', '10', '--log', 'b.jsonl', '-o', 'b.safetensors']);
    expect(first.code).toBe(0);
    const resumed = charnn(['train', '--resume', 'b.safetensors', '--steps', '20', '--log', 'b.jsonl']);
    expect(resumed.stderr).toMatch(/resuming .*b\.safetensors at step 10/);
    expect(resumed.code).toBe(0);
    expect(losses('b.jsonl')).toEqual(losses('a.jsonl'));
    const weights = (f: string) => Array.from(loadCheckpoint(join(dir, f)).params.data);
    expect(weights('b.safetensors')).toEqual(weights('a.safetensors'));
  });

  it('--log goes on after --resume without it (issue 15, item 9): the log is the whole run, as the run that never stopped', () => {
    if (!existsSync(join(dir, 'a.jsonl')))
      charnn(['train', 'tiny.txt', ...MODEL, '--steps', '20', '--log', 'a.jsonl', '-o', 'a.safetensors']);
    expect(charnn(['train', 'tiny.txt', ...MODEL, '--steps', '10', '--log', 'e.jsonl', '-o', 'e.safetensors']).code).toBe(0);
    const resumed = charnn(['train', '--resume', 'e.safetensors', '--steps', '20']);
    expect(resumed.code).toBe(0);
    expect(losses('e.jsonl')).toEqual(losses('a.jsonl'));
    expect(Math.max(...losses('e.jsonl').keys())).toBe(20);
    // Another --log on resume is taken instead.
    expect(charnn(['train', '--resume', 'e.safetensors', '--steps', '24', '--log', 'f.jsonl']).code).toBe(0);
    expect([...losses('f.jsonl').keys()]).toEqual([24]);
    expect(Math.max(...losses('e.jsonl').keys())).toBe(20);
  });

  it('reports changed flags and refuses others with a usage error naming them', () => {
    charnn(['train', 'tiny.txt', ...MODEL, '--steps', '4', '-o', 'c.safetensors']);
    const changed = charnn(['train', '--resume', 'c.safetensors', '--steps', '6', '--lr', '0.001']);
    expect(changed.code).toBe(0);
    expect(changed.stderr).toMatch(/changed: --lr 0\.001 \(was 0\.002\)/);
    const refused = charnn(['train', '--resume', 'c.safetensors', '--steps', '8', '--hidden', '32']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot resume with --hidden 32 \(the checkpoint has 16\)/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it('a best-model checkpoint has no training state: a clear error', () => {
    charnn(['train', 'tiny.txt', ...MODEL, '--steps', '3', '-o', 'd.safetensors']);
    const r = charnn(['train', '--resume', 'd.best.safetensors', '--steps', '6']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no training state to resume from/);
  });
});
