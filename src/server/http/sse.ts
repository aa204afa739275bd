/**
 * A server-sent events stream (text/event-stream) as a fastify reply: events written as they
 * come, through a stream fastify sends (so its hooks and the access line see the response end).
 * `closed` tells whether the client went away before the end.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { jsonText } from '../../util/json-text.js';

export class EventStream {
  private readonly stream = new PassThrough();
  private ended = false;

  constructor(reply: FastifyReply, onClientGone: () => void) {
    reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) onClientGone();
    });
    void reply.send(this.stream);
  }

  /** One event: `event: NAME` (omitted for the default, message) and its data as JSON, or raw text. */
  send(data: unknown, event?: string): void {
    if (this.ended) return;
    const text = typeof data === 'string' ? data : jsonText(data);
    this.stream.write(`${event ? `event: ${event}\n` : ''}data: ${text}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.end();
  }
}
