// Which model (issue 15, item 8): without -m every command takes the newest checkpoint under
// checkpoints/, and says so on stderr in one line; with -m it says nothing.
import { copyFileSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliIn } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/golden/old-lstm.safetensors', import.meta.url));

describe('the checkpoint picked without -m is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'charnn-pick-'));
  mkdirSync(join(dir, 'checkpoints'));
  copyFileSync(FIXTURE, join(dir, 'checkpoints', 'first.safetensors'));
  copyFileSync(FIXTURE, join(dir, 'checkpoints', 'second.safetensors'));
  utimesSync(join(dir, 'checkpoints', 'first.safetensors'), new Date(2026, 0, 1), new Date(2026, 0, 1));
  utimesSync(join(dir, 'checkpoints', 'second.safetensors'), new Date(2026, 0, 2), new Date(2026, 0, 2));
  const line = 'model: checkpoints/second.safetensors (the newest in checkpoints/; -m MODEL to choose)\n';

  it.each([['score', 'The mill.'], ['eval', '-'], ['sample', '--length', '5', '--seed', '1'], ['fill', 'The m_ll.'], ['inspect']])(
    '%s: one line on stderr naming the newest',
    async (...args) => {
      const r = await cliIn(dir, args, { stdinText: args[1] === '-' ? 'The mill.\n' : undefined });
      expect(r.code).toBe(0);
      expect(r.err.startsWith(line)).toBe(true);
      expect(r.err.split('\n').filter((l) => l.startsWith('model: '))).toHaveLength(1);
      expect(r.out).not.toContain('model: checkpoints/');
    },
  );

  it('with -m: nothing said, and the model asked for is used', async () => {
    const picked = await cliIn(dir, ['score', 'The mill.']);
    const named = await cliIn(dir, ['score', '-m', join(dir, 'checkpoints', 'first.safetensors'), 'The mill.']);
    expect(named.code).toBe(0);
    expect(named.err).toBe('');
    expect(named.out).toBe(picked.out); // the same weights under two names
  });
});
