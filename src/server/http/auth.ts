/**
 * --api-key: every API endpoint wants `Authorization: Bearer KEY` (401 otherwise). The key is
 * compared in constant time: both sides hashed to SHA-256 first, so neither the comparison nor
 * the length check tells a guesser how much of the key was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { RequestError } from '../../service/request-error.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function bearerCheck(apiKey: string): (authorization: string | undefined) => void {
  const expected = digest(apiKey);
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match) throw new RequestError(401, 'invalid_api_key', 'this server needs an API key: send Authorization: Bearer KEY');
    if (!timingSafeEqual(digest(match[1].trim()), expected)) throw new RequestError(401, 'invalid_api_key', 'wrong API key');
  };
}
