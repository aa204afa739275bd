// Servers for the server's tests: tiny models trained in-process (about a second each) and
// saved as checkpoints, a real server on a free loopback port, and a plain fetch client.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveCheckpoint } from '../../src/io/checkpoint.js';
import type { CellType } from '../../src/model/config.js';
import { createServer, type CharnnServer, type ServerOptions } from '../../src/server/create-server.js';
import { tinyLM } from '../helpers/tiny-lm.js';

/** A tiny model of `cell` saved as DIR/NAME.safetensors. */
export async function tinyCheckpoint(cell: CellType, name: string, steps = 30): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'charnn-serve-'));
  const m = await tinyLM(cell, steps);
  const path = join(dir, `${name}.safetensors`);
  saveCheckpoint(path, await m.model.hostWeights(), m.meta);
  return path;
}

export interface Running {
  url: string;
  server: CharnnServer;
  access: { method: string; path: string; status: number }[];
}

export async function startServer(options: ServerOptions): Promise<Running> {
  const access: Running['access'] = [];
  const server = await createServer({ threads: 1, port: 0, ...options, onAccess: (e) => access.push(e) });
  const url = await server.listen();
  return { url, server, access };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(
  url: string,
  method: 'GET' | 'POST' | 'OPTIONS',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const r = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (an event stream, a page)
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

export const post = (url: string, body: unknown, headers?: Record<string, string>) => call(url, 'POST', body, headers);

/** The events of a text/event-stream body. */
export function parseEvents(text: string): { event: string; data: string }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      return { event, data: data.join('\n') };
    });
}
