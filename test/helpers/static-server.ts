/**
 * A static file server for the browser tests: serves a folder over HTTP on 127.0.0.1, with or
 * without the headers that make a page cross-origin isolated, and can cut a file's download
 * short (the headers promise the whole file, half of it comes, then the connection closes).
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.safetensors': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServerOptions {
  /** Send COOP and COEP, so the page is cross-origin isolated (SharedArrayBuffer, threads). */
  isolated: boolean;
  /** Paths (as requested, e.g. '/model.safetensors') whose download is cut off halfway. */
  truncate?: string[];
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveFolder(root: string, options: StaticServerOptions): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(normalize(root))) {
      res.writeHead(403).end();
      return;
    }
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    };
    if (options.isolated) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
    }
    readFile(file).then(
      (body) => {
        if (options.truncate?.includes(path)) {
          res.writeHead(200, { ...headers, 'content-length': String(body.length) });
          res.write(body.subarray(0, body.length >> 1), () => res.destroy());
          return;
        }
        res.writeHead(200, { ...headers, 'content-length': String(body.length) }).end(body);
      },
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
