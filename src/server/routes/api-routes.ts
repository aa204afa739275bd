/**
 * The API: health, the model list, charnn's own endpoints (score, eval, sample, fill: the CLI's
 * JSON) and OpenAI's completions. A request is parsed and checked here (400, 404 before it
 * waits for a thread), then run on the pool (worker-pool.ts); a client that goes away drops it.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Catalog } from '../../service/catalog.js';
import { completionJob } from '../../service/completion-request.js';
import type { CompletionResponse } from '../../service/completion-job.js';
import type { Job } from '../../service/jobs.js';
import { errorBody } from '../../service/request-error.js';
import { evalJob, fillJob, sampleJob, scoreJob } from '../../service/requests.js';
import { asRequestError } from '../http/errors.js';
import { EventStream } from '../http/sse.js';
import type { WorkerPool } from '../pool/worker-pool.js';

export interface ApiContext {
  catalog: Catalog;
  pool: WorkerPool;
  randomSeed(): number;
  /** A new completion id: cmpl-... */
  completionId(): string;
}

/** Aborted when the client closes its connection before the whole answer was sent. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

export function apiRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { catalog, pool } = ctx;
  const run = async (job: Job, reply: FastifyReply) => {
    const json = await pool.run(job, { signal: clientGone(reply) });
    return reply.type('application/json; charset=utf-8').send(json);
  };

  app.get('/health', async () => ({ status: 'ok', models: catalog.entries.map((e) => e.name), ...pool.load }));

  app.get('/v1/models', async () => ({
    object: 'list',
    data: catalog.entries.map((e) => ({
      id: e.name,
      object: 'model',
      created: e.created,
      owned_by: 'charnn',
      cell: e.config.cell,
      layers: e.config.layers,
      hidden: e.config.hidden,
      vocab_size: e.vocabSize,
    })),
  }));

  app.post('/v1/score', (request, reply) => run(scoreJob(request.body, catalog), reply));
  app.post('/v1/eval', (request, reply) => run(evalJob(request.body, catalog), reply));
  app.post('/v1/fill', (request, reply) => run(fillJob(request.body, catalog), reply));

  app.post('/v1/sample', (request, reply) => {
    const job = sampleJob(request.body, catalog, ctx.randomSeed);
    if (!job.stream) return run(job, reply);
    return streamed(reply, pool, job, {
      text: (events, index, text) => events.send({ index, text }, 'text'),
      done: (events, json) => events.send(json, 'done'),
      error: (events, body) => events.send(body, 'error'),
    });
  });

  app.post('/v1/completions', (request, reply) => {
    const job = completionJob(request.body, catalog, ctx.randomSeed, ctx.completionId(), Math.floor(Date.now() / 1000));
    if (!job.stream) return run(job, reply);
    const chunk = (index: number, text: string, finish: string | null) => ({
      id: job.id,
      object: 'text_completion',
      created: job.created,
      model: job.model,
      choices: [{ text, index, logprobs: null, finish_reason: finish }],
    });
    return streamed(reply, pool, job, {
      text: (events, index, text) => events.send(chunk(index, text, null)),
      done: (events, json) => {
        for (const c of (JSON.parse(json) as CompletionResponse).choices) events.send(chunk(c.index, '', c.finish_reason));
        events.send('[DONE]');
      },
      error: (events, body) => events.send(body),
    });
  });
}

interface StreamShape {
  text(events: EventStream, index: number, text: string): void;
  /** The answer, as JSON text. */
  done(events: EventStream, json: string): void;
  error(events: EventStream, body: unknown): void;
}

/**
 * A job answered as server-sent events: its text as it is made, then its result (or its
 * error, once the stream has begun). A full queue is still a plain 429: run() refuses at once,
 * before the stream starts.
 */
function streamed(reply: FastifyReply, pool: WorkerPool, job: Job, shape: StreamShape): FastifyReply {
  const controller = new AbortController();
  let events: EventStream | null = null;
  const result = pool.run(job, {
    signal: controller.signal,
    onText: (index, text) => events && shape.text(events, index, text),
  });
  events = new EventStream(reply, () => controller.abort());
  const open = events;
  result.then(
    (r) => {
      shape.done(open, r);
      open.end();
    },
    (e: unknown) => {
      shape.error(open, errorBody(asRequestError(e)));
      open.end();
    },
  );
  return reply;
}
