// `charnn serve` as a real process: it prints its URL, serves, and on SIGTERM under load stops
// accepting, lets every request in flight finish (each gets its whole answer) and exits 0.
// Also: a checkpoint that cannot be read fails at start (exit 1, one line), and --host on a
// non-loopback address without --api-key warns.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliChild } from '../helpers/cli.js';
import { call, post, tinyCheckpoint } from './fixture.js';

let path: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  path = await tinyCheckpoint('lstm', 'tiny');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '-m', path, '--port', '0', ...args], { env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^charnn serve: (http:\/\/\S+) \(models: tiny;/.exec(out);
      if (m) resolve({ child, url: m[1], stderr: () => err, exit });
    });
    void exit.then((code) => reject(new Error(`charnn serve exited (${code}) before printing its URL: ${err}`)));
  });
}

describe('charnn serve as a process', () => {
  it('SIGTERM under load: the requests in flight all complete, new connections are refused, exit 0', async () => {
    const s = await serve(['--threads', '2', '--max-queue', '16']);
    // Samples long enough to be in flight when the signal comes (each a few hundred ms).
    const requests = Array.from({ length: 6 }, (_, i) => post(`${s.url}/v1/sample`, { length: 60_000, seed: i }));
    const deadline = Date.now() + 10_000;
    while ((await call(`${s.url}/health`, 'GET')).body.running < 2) {
      if (Date.now() > deadline) throw new Error('the samples never ran');
      await new Promise((r) => setTimeout(r, 10));
    }
    s.child.kill('SIGTERM');
    const replies = await Promise.all(requests);
    for (const [i, r] of replies.entries()) {
      expect(r.status).toBe(200);
      expect(r.body.samples[0]).toMatchObject({ index: 0, seed: i, stopped_by: 'length', symbols: 60_000 });
      expect(Array.from(r.body.samples[0].text as string)).toHaveLength(60_000);
    }
    expect(await s.exit).toBe(0);
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
    expect(s.stderr()).toMatch(/SIGTERM: finishing the requests in flight\n[^]*charnn serve: stopped\n$/);
    // The access lines: method, path, status, milliseconds.
    expect(s.stderr().match(/^POST \/v1\/sample 200 \d+\.\dms$/gm)).toHaveLength(6);
  });

  it('--quiet: no access lines; a non-loopback --host without --api-key warns', async () => {
    const s = await serve(['--quiet', '--host', '0.0.0.0', '--threads', '1']);
    const url = s.url.replace('0.0.0.0', '127.0.0.1');
    expect((await post(`${url}/v1/score`, { text: 'a' })).status).toBe(200);
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(0);
    expect(s.stderr()).toMatch(/^warning: listening on 0\.0\.0\.0 without --api-key/);
    expect(s.stderr()).not.toMatch(/POST/);
  });

  it('a missing checkpoint, or a port out of range, fails at once with one line', () => {
    const missing = cliChild(['serve', '-m', '/nonexistent/x.safetensors', '--port', '0'], process.cwd());
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^charnn: \/nonexistent\/x\.safetensors: checkpoint not found\n$/);
    const port = cliChild(['serve', '-m', path, '--port', '70000'], process.cwd());
    expect(port.code).toBe(2);
    expect(port.err).toMatch(/--port <n>' argument '70000' is invalid\. expected an integer from 0 to 65,535/);
  });
});
