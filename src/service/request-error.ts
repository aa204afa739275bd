/**
 * A request that cannot be answered, with the HTTP status and the machine-readable code a server
 * gives it: `{"error": {"message", "type", "code", "param"}}`. Thrown by the core's request
 * parsing and jobs (src/service/), rendered by the server (src/server/); a message names the
 * field at fault.
 */
import { CharnnError, UsageError } from '../errors.js';

export type RequestErrorCode =
  | 'invalid_json'
  | 'invalid_value'
  | 'unknown_field'
  | 'missing_field'
  | 'model_not_found'
  | 'not_found'
  | 'body_too_large'
  | 'invalid_api_key'
  | 'queue_full'
  | 'timeout'
  | 'cancelled'
  | 'shutting_down'
  | 'internal_error';

export class RequestError extends CharnnError {
  constructor(
    readonly status: number,
    readonly code: RequestErrorCode,
    message: string,
    /** The request field at fault, if one is. */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** OpenAI's error `type` for a status. */
export function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 504 || status === 408) return 'timeout_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The error body a server sends. */
export function errorBody(e: RequestError): { error: { message: string; type: string; code: string; param: string | null } } {
  return { error: { message: e.message, type: errorType(e.status), code: e.code, param: e.param } };
}

/** Runs a core check; its UsageError (a rule between options, a direction the model lacks) as a 400. */
export function asRequestError<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof UsageError) throw new RequestError(400, 'invalid_value', e.message);
    throw e;
  }
}
