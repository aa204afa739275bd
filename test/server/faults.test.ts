// charnn serve under faults, over real sockets: a client that goes away mid-stream stops its
// generation (the thread is free again at once, not replaced), bodies too big or never finished,
// headers never finished, a full queue, the time limit, a job that cannot be stopped. None of it
// disturbs the other requests.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KILL_AFTER_MS } from '../../src/server/pool/worker-pool.js';
import { call, post, startServer, tinyCheckpoint, type Running } from './fixture.js';

let path: string;
beforeAll(async () => {
  path = await tinyCheckpoint('lstm', 'tiny');
});

/** Polls until check() holds; fails naming what it waited for. */
async function waitFor(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const health = async (s: Running) => (await call(`${s.url}/health`, 'GET')).body as { running: number; queued: number; restarts: number };

/** A sample that would run for minutes. */
const endless = { length: 100_000_000, seed: 1 };

describe('charnn serve: clients that go away, slow clients, big bodies', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer({ models: [path], threads: 1, bodyLimit: 4096, headersTimeoutMs: 300, bodyTimeoutMs: 600 });
  });
  afterAll(async () => {
    await s.server.close();
  });

  it('a client that disconnects mid-stream cancels its generation: the thread is free at once, not replaced', async () => {
    const controller = new AbortController();
    const r = await fetch(`${s.url}/v1/sample`, {
      method: 'POST',
      body: JSON.stringify({ ...endless, stream: true }),
      signal: controller.signal,
    });
    const reader = r.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^event: text\n/);
    expect((await health(s)).running).toBe(1);
    controller.abort();
    await waitFor('the cancelled sample to stop', async () => (await health(s)).running === 0, KILL_AFTER_MS / 2);
    expect((await health(s)).restarts).toBe(0);
    // Its access line: 499, the client closed the request.
    await waitFor('the access line', async () => s.access.some((e) => e.path === '/v1/sample' && e.status === 499));
    const after = await post(`${s.url}/v1/score`, { text: 'the cat' });
    expect(after.status).toBe(200);
  });

  it('a client that disconnects before a plain (not streamed) answer cancels it too', async () => {
    const controller = new AbortController();
    const pending = fetch(`${s.url}/v1/sample`, { method: 'POST', body: JSON.stringify(endless), signal: controller.signal }).catch(
      (e: Error) => e,
    );
    await waitFor('the sample to run', async () => (await health(s)).running === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor('the cancelled sample to stop', async () => (await health(s)).running === 0, KILL_AFTER_MS / 2);
    expect((await health(s)).restarts).toBe(0);
    await waitFor('both access lines', async () => s.access.filter((e) => e.path === '/v1/sample' && e.status === 499).length === 2);
  });

  it('a body over the limit is a 413; a body that is not JSON a 400', async () => {
    const big = await post(`${s.url}/v1/score`, { text: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('body_too_large');
    const bad = await post(`${s.url}/v1/score`, '{"text": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_json');
    expect((await post(`${s.url}/v1/score`, { text: 'still fine' })).status).toBe(200);
  });

  /** A raw connection; resolves with what the server sent when it closes. */
  function rawClient(send: string): { socket: Socket; closed: Promise<{ data: string; ms: number }> } {
    const { port } = new URL(s.url);
    const socket = connect(Number(port), '127.0.0.1');
    const t0 = Date.now();
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.write(send);
    const closed = new Promise<{ data: string; ms: number }>((resolve) => socket.on('close', () => resolve({ data, ms: Date.now() - t0 })));
    socket.on('error', () => {});
    return { socket, closed };
  }

  it('a client that never finishes its headers, or its body, is cut off by the time limits; others are served meanwhile', async () => {
    const headers = rawClient('POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n');
    const body = rawClient('POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"text":');
    expect((await post(`${s.url}/v1/score`, { text: 'served' })).status).toBe(200);
    const [h, b] = await Promise.all([headers.closed, body.closed]);
    // Checked every second (connectionsCheckingInterval): cut off within the limit plus that.
    expect(h.ms).toBeLessThan(300 + 2500);
    expect(b.ms).toBeLessThan(600 + 2500);
    expect(b.data).toMatch(/^HTTP\/1\.1 408/);
    expect((await post(`${s.url}/v1/score`, { text: 'served' })).status).toBe(200);
  });
});

describe('charnn serve: a full queue, the time limit, a job that does not stop', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer({ models: [path], threads: 1, maxQueue: 1, timeoutMs: 1500 });
  });
  afterAll(async () => {
    await s.server.close();
  });

  it('one running, one waiting, the next is refused: 429 with Retry-After; past the time limit 504', async () => {
    const t0 = Date.now();
    const running = post(`${s.url}/v1/sample`, endless);
    await waitFor('the first sample to run', async () => (await health(s)).running === 1);
    const waiting = post(`${s.url}/v1/sample`, endless);
    await waitFor('the second to wait', async () => (await health(s)).queued === 1);
    const refused = await post(`${s.url}/v1/score`, { text: 'a' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('queue_full');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const [a, b] = await Promise.all([running, waiting]);
    expect(a.status).toBe(504);
    expect(a.body.error.code).toBe('timeout');
    expect(b.status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(1500 + 2000);
    // Stopped by its flag, not by replacing the thread.
    await waitFor('the thread to be free', async () => (await health(s)).running === 0);
    expect((await health(s)).restarts).toBe(0);
    expect((await post(`${s.url}/v1/score`, { text: 'a' })).status).toBe(200);
  });

  it('a streamed sample past the time limit ends with an error event', async () => {
    const r = await post(`${s.url}/v1/sample`, { ...endless, stream: true });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(
      /event: error\ndata: \{"error":\{"message":"the request took longer than the time limit \(1\.5 s\)".*"code":"timeout"/,
    );
  });

  it('a job that looks at its flag too seldom (a long beam search) is stopped by replacing its thread', async () => {
    const r = await post(`${s.url}/v1/sample`, { beam: 256, length: 1_000_000, prime: 'the ' });
    expect(r.status).toBe(504);
    await waitFor('the thread to be replaced', async () => (await health(s)).restarts === 1, KILL_AFTER_MS + 3000);
    await waitFor('the new thread', async () => (await post(`${s.url}/v1/score`, { text: 'a' })).status === 200, 5000);
  });
});
