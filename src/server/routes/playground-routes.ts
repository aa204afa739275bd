/**
 * The playground page (src/web/playground/, built by `npm run build` into dist/playground/):
 * GET / is its page, GET /playground/NAME its scripts and style. The files are read once at start
 * into memory and served by name from that fixed set, so no request reaches the file system.
 * They hold no data and need no key (the page asks for the key when the API wants one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../service/request-error.js';
import { sendError } from '../http/errors.js';

const PLAYGROUND_DIR = new URL('../../../dist/playground/', import.meta.url);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The playground's files by name, or null when it was not built. */
function playgroundFiles(): Map<string, { type: string; body: Buffer }> | null {
  let names: string[];
  try {
    names = readdirSync(fileURLToPath(PLAYGROUND_DIR));
  } catch {
    return null;
  }
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of names) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    if (type) files.set(name, { type, body: readFileSync(new URL(name, PLAYGROUND_DIR)) });
  }
  return files.has('index.html') ? files : null;
}

/** Paths that serve the page: no API key asked. */
export function isPlaygroundPath(path: string): boolean {
  return path === '/' || path === '/favicon.ico' || path.startsWith('/playground/');
}

export function playgroundRoutes(app: FastifyInstance): void {
  const files = playgroundFiles();
  const serve = (name: string) => (_request: unknown, reply: import('fastify').FastifyReply) => {
    const file = files?.get(name);
    if (!files) return sendError(reply, new RequestError(503, 'not_found', 'the playground was not built: run npm run build'));
    if (!file) return sendError(reply, new RequestError(404, 'not_found', `no such file: /playground/${name}`));
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  };
  app.get('/', serve('index.html'));
  // Browsers ask for it on their own; there is none.
  app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
  app.get<{ Params: { name: string } }>('/playground/:name', (request, reply) => serve(request.params.name)(request, reply));
}
