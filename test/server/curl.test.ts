// The shell-level test: test/server/curl.sh drives a real `charnn serve` with curl.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tinyCheckpoint } from './fixture.js';

const hasCurl = spawnSync('curl', ['--version']).status === 0;

describe('charnn serve with curl', () => {
  it('health, score, a streamed sample, a 400 naming the field, completions; SIGTERM exits 0', async (ctx) => {
    if (!hasCurl) ctx.skip('curl is not installed (apt-get install curl to run it)');
    const model = await tinyCheckpoint('lstm', 'tiny');
    const r = spawnSync('bash', [new URL('./curl.sh', import.meta.url).pathname, model], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('curl: every check passed\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
