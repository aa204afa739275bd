/**
 * charnn's HTTP server (`charnn serve`, and createServer for a Node program): fastify for the
 * routing, the body limit (413), the time limits on slow clients (Node's headersTimeout and
 * requestTimeout: 408) and graceful closing; the requests run on a pool of worker threads
 * (pool/worker-pool.ts). Nothing here prints: access lines and warnings go to callbacks.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { getEngine } from '../engine/default-engine.js';
import { UsageError } from '../errors.js';
import { expectFunction, expectOptions, expectStrings } from '../util/arguments.js';
import { checkOptions } from '../options/check-options.js';
import { platform } from '../platform/platform.js';
import type { Catalog } from '../service/catalog.js';
import { RequestError } from '../service/request-error.js';
import { randomSeed } from '../util/rng.js';
import { bearerCheck } from './http/auth.js';
import { asRequestError, installErrorHandlers, sendError } from './http/errors.js';
import { loadModels } from './load-models.js';
import { WorkerPool } from './pool/worker-pool.js';
import { apiRoutes } from './routes/api-routes.js';
import { isPlaygroundPath, playgroundRoutes } from './routes/playground-routes.js';
import { SERVE_DEFAULTS, SERVE_OPTIONS, type ServeValues } from './serve-options.js';

/** One request, as the access line shows it. */
export interface AccessEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
}

export interface ServerOptions extends Partial<ServeValues> {
  /** Checkpoint paths; each model is addressed by its file's base name, the first is the default. */
  models: string[];
  /** Called after each request (the CLI prints the access line). */
  onAccess?(entry: AccessEntry): void;
  /** Called with an unexpected error (a bug): the client got a 500. */
  onError?(error: unknown): void;
}

export interface CharnnServer {
  readonly catalog: Catalog;
  /** The fastify instance (add routes or hooks before listen). */
  readonly app: FastifyInstance;
  /** Listens on options.host and options.port; resolves with the URL. */
  listen(): Promise<string>;
  /** For mounting in another Node server: handles one request (after ready()). */
  handle(request: IncomingMessage, response: ServerResponse): void;
  ready(): Promise<void>;
  /** Stops accepting, lets the requests in flight finish (up to graceMs), stops the threads. */
  close(graceMs?: number): Promise<{ unfinished: number }>;
}

/** True for an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export async function createServer(options: ServerOptions): Promise<CharnnServer> {
  // A library call: a wrong argument is a UsageError naming it, never a TypeError from inside.
  expectOptions('createServer', 'options', options);
  if (options === undefined) throw new UsageError('createServer: options must be an object of options, got undefined');
  const { models, onAccess, onError, ...rest } = options;
  expectStrings('createServer', 'options.models', models);
  expectFunction('createServer', 'options.onAccess', onAccess);
  expectFunction('createServer', 'options.onError', onError);
  checkOptions('serve', SERVE_OPTIONS, rest);
  const o: ServeValues = { ...SERVE_DEFAULTS, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
  if (o.apiKey !== null && o.apiKey.length === 0) throw new UsageError('serve option apiKey is empty: give a key, or none');
  const { catalog, files } = loadModels(models);
  const pool = await WorkerPool.start({
    threads: o.threads ?? platform().cores(),
    setup: { engine: getEngine(), models: files },
    maxQueue: o.maxQueue,
    timeoutMs: o.timeoutMs,
  });

  const app = Fastify({
    bodyLimit: o.bodyLimit,
    requestTimeout: o.bodyTimeoutMs,
    http: { headersTimeout: o.headersTimeoutMs, requestTimeout: o.bodyTimeoutMs, connectionsCheckingInterval: 1000 },
    // The access line is ours (onAccess); fastify's own logger stays off.
    logger: false,
    return503OnClosing: true,
  });
  installErrorHandlers(app, (e) => onError?.(e));
  // Any content type is read as JSON (curl -d sends application/x-www-form-urlencoded).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, (body as string).length === 0 ? undefined : JSON.parse(body as string));
    } catch (e) {
      done(new RequestError(400, 'invalid_json', `the request body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });
  const check = o.apiKey !== null ? bearerCheck(o.apiKey) : null;
  const started = new WeakMap<object, number>();
  app.addHook('onRequest', async (request, reply) => {
    const t0 = performance.now();
    started.set(request, t0);
    // A client gone before the end of its answer gets its access line too, as 499 (nginx's
    // "client closed request"): fastify's onResponse runs only for answers sent whole.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) onAccess?.({ method: request.method, path: request.url, status: 499, ms: performance.now() - t0 });
    });
    if (o.cors !== null) {
      reply.header('access-control-allow-origin', o.cors).header('vary', 'origin');
      if (request.method === 'OPTIONS') {
        reply
          .header('access-control-allow-methods', 'GET, POST, OPTIONS')
          .header('access-control-allow-headers', 'authorization, content-type')
          .header('access-control-max-age', '600');
        return reply.code(204).send();
      }
    }
    const path = request.url.split('?')[0];
    if (check && path !== '/health' && !isPlaygroundPath(path)) {
      try {
        check(request.headers.authorization);
      } catch (e) {
        return sendError(reply, asRequestError(e));
      }
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const t0 = started.get(request) ?? performance.now();
    onAccess?.({ method: request.method, path: request.url, status: reply.statusCode, ms: performance.now() - t0 });
  });
  playgroundRoutes(app);
  apiRoutes(app, { catalog, pool, randomSeed, completionId: () => `cmpl-${randomBytes(12).toString('hex')}` });

  return {
    catalog,
    app,
    async listen() {
      return await app.listen({ host: o.host, port: o.port });
    },
    handle: (request, response) => app.routing(request, response),
    ready: async () => {
      await app.ready();
    },
    async close(graceMs = o.timeoutMs) {
      // fastify's close stops accepting and waits for the requests in flight; past the grace
      // time, whatever is still running is cut off.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      const closing = app.close().then(() => 'closed' as const);
      // A keep-alive connection whose request ends after close() began would be kept open until
      // its client lets go: close each as soon as it is idle.
      const idle = setInterval(() => app.server.closeIdleConnections(), 50);
      const how = await Promise.race([closing, grace]);
      clearInterval(idle);
      clearTimeout(timer);
      const unfinished = how === 'late' ? pool.load.queued + pool.load.running : 0;
      await pool.close();
      if (how === 'late') app.server.closeAllConnections();
      return { unfinished };
    },
  };
}
