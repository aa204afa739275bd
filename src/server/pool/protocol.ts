/**
 * Messages between the server's main thread and its worker threads (worker-pool.ts,
 * serve-worker.ts). A worker runs one job at a time; the main thread asks it to stop through a
 * shared Int32 (`cancel[0]` = the id of the job to stop), which the job reads between pieces of
 * work, since a worker busy computing does not receive messages.
 */
import type { EngineName } from '../../engine/engine.js';
import type { RequestErrorCode } from '../../service/request-error.js';
import type { Job } from '../../service/jobs.js';

export interface WorkerSetup {
  engine: EngineName;
  /** Each model's checkpoint bytes (each thread decodes its own copy). */
  models: { name: string; bytes: Uint8Array }[];
  cancel: SharedArrayBuffer;
}

export type ToWorker = { type: 'job'; id: number; job: Job };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'text'; id: number; index: number; text: string }
  /** The answer as JSON text: a string crosses threads far more cheaply than the object would. */
  | { type: 'done'; id: number; json: string }
  | { type: 'error'; id: number; status: number; code: RequestErrorCode; message: string; param: string | null };
