/**
 * Every error the server sends is `{"error": {"message", "type", "code", "param"}}` with its
 * status (src/service/request-error.ts): ours, fastify's (a body too large, a body that is not
 * JSON) and anything unexpected (500, its message only: no stack goes to a client).
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { errorBody, RequestError } from '../../service/request-error.js';

export function sendError(reply: FastifyReply, e: RequestError): FastifyReply {
  if (e.status === 429) reply.header('retry-after', '1');
  if (e.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply
    .code(e.status)
    .type('application/json')
    .send(JSON.stringify(errorBody(e)));
}

/** A thrown error as a RequestError. */
export function asRequestError(e: unknown): RequestError {
  if (e instanceof RequestError) return e;
  const f = e as FastifyError;
  if (f.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new RequestError(413, 'body_too_large', f.message);
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500)
    return new RequestError(f.statusCode, f.statusCode === 400 ? 'invalid_json' : 'invalid_value', f.message);
  return new RequestError(500, 'internal_error', `internal error: ${e instanceof Error ? e.message : String(e)}`);
}

export function installErrorHandlers(app: FastifyInstance, onUnexpected: (e: unknown) => void): void {
  app.setErrorHandler((e, _request, reply) => {
    const error = asRequestError(e);
    if (error.status === 500) onUnexpected(e);
    return sendError(reply, error);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new RequestError(404, 'not_found', `no such endpoint: ${request.method} ${request.url.split('?')[0]}`)),
  );
}
