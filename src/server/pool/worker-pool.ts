/**
 * The server's worker threads: each holds its own copy of the models and runs one job at a time
 * (serve-worker.ts); the main thread only routes. Jobs wait in a bounded queue (full: 429) and
 * are handed to the next free thread in arrival order. A job has a time limit (504) and can be
 * dropped by its caller (a client that went away): a running one is told through the shared
 * cancel flag and stops at its next piece of work; a thread that does not stop within
 * KILL_AFTER_MS (a beam search or a fill, which look at the flag only between sentences) is
 * terminated and replaced, as is one that crashes.
 */
import { Worker } from 'node:worker_threads';
import type { Job } from '../../service/jobs.js';
import { RequestError } from '../../service/request-error.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';

/** The worker script, built to dist/ (run from there under vitest and tsx too, as the core's workers are). */
const WORKER_URL = new URL('../../../dist/server/pool/serve-worker.js', import.meta.url);

/** How long a cancelled job may take to stop before its thread is replaced. */
export const KILL_AFTER_MS = 2000;

export interface PoolOptions {
  threads: number;
  setup: Omit<WorkerSetup, 'cancel'>;
  /** Jobs that may wait for a thread; one more is refused (429). */
  maxQueue: number;
  /** Time limit of a job, from when it is submitted, in milliseconds. */
  timeoutMs: number;
}

export interface RunHooks {
  /** Text as the job makes it (streaming). */
  onText?(index: number, text: string): void;
  /** Aborted: the caller no longer wants the answer (its client went away). */
  signal?: AbortSignal;
}

interface Task {
  id: number;
  job: Job;
  hooks: RunHooks;
  resolve(json: string): void;
  reject(error: RequestError): void;
  timer: NodeJS.Timeout;
  /** Settled (answered, failed, timed out or dropped): later messages of it are ignored. */
  settled: boolean;
  onAbort: () => void;
}

interface Slot {
  worker: Worker;
  cancel: Int32Array;
  ready: boolean;
  task: Task | null;
  killTimer: NodeJS.Timeout | null;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  private constructor(private readonly options: PoolOptions) {}

  /** Starts the threads and resolves once every one has built its models. */
  static async start(options: PoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    const ready: Promise<void>[] = [];
    for (let i = 0; i < options.threads; i++) ready.push(pool.spawn(i));
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Jobs waiting for a thread, jobs running, and threads replaced so far (failed, or would not stop). */
  get load(): { queued: number; running: number; restarts: number } {
    return { queued: this.queue.length, running: this.slots.filter((s) => s.task !== null).length, restarts: this.restarts };
  }

  private restarts = 0;

  /**
   * Runs a job on the next free thread; resolves with its answer as JSON text. Throws a
   * RequestError at once when the queue is full (429); rejects with one on timeout (504), when
   * dropped (499), or if its thread fails (500).
   */
  run(job: Job, hooks: RunHooks = {}): Promise<string> {
    if (this.closed) throw new RequestError(503, 'shutting_down', 'the server is shutting down');
    if (hooks.signal?.aborted) throw new RequestError(499, 'cancelled', 'the request was cancelled');
    const free = this.slots.some((s) => s.ready && s.task === null);
    if (!free && this.queue.length >= this.options.maxQueue)
      throw new RequestError(429, 'queue_full', `the server is busy: ${this.queue.length} requests are waiting already; try again shortly`);
    return new Promise((resolve, reject) => {
      const task: Task = {
        id: this.nextId++,
        job,
        hooks,
        resolve,
        reject,
        settled: false,
        timer: setTimeout(
          () =>
            this.drop(
              task,
              new RequestError(504, 'timeout', `the request took longer than the time limit (${this.options.timeoutMs / 1000} s)`),
            ),
          this.options.timeoutMs,
        ),
        onAbort: () => this.drop(task, new RequestError(499, 'cancelled', 'the request was cancelled')),
      };
      hooks.signal?.addEventListener('abort', task.onAbort, { once: true });
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Resolves when no job is queued or running. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.slots.every((s) => s.task === null)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Terminates the threads; jobs still queued or running fail (503). */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) this.settle(task, new RequestError(503, 'shutting_down', 'the server is shutting down'));
    await Promise.all(
      this.slots.map((s) => {
        if (s.task) this.settle(s.task, new RequestError(503, 'shutting_down', 'the server is shutting down'));
        if (s.killTimer) clearTimeout(s.killTimer);
        return s.worker.terminate();
      }),
    );
  }

  private spawn(index: number): Promise<void> {
    const cancel = new SharedArrayBuffer(4);
    const setup: WorkerSetup = { ...this.options.setup, cancel };
    const worker = new Worker(WORKER_URL, { workerData: setup });
    const slot: Slot = { worker, cancel: new Int32Array(cancel), ready: false, task: null, killTimer: null };
    this.slots[index] = slot;
    return new Promise((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          slot.ready = true;
          resolve();
          this.dispatch();
        } else this.onMessage(slot, m);
      });
      worker.on('error', (e) => {
        if (!slot.ready) reject(new Error(`a server thread failed to start: ${e.message}`));
        else this.replace(slot, index, `a server thread failed: ${e.message}`);
      });
      worker.on('exit', (code) => {
        if (!slot.ready) reject(new Error(`a server thread exited with code ${code} before it was ready`));
        else if (this.slots[index] === slot && !this.closed) this.replace(slot, index, `a server thread exited (code ${code})`);
      });
    });
  }

  /** A thread that failed or would not stop: its job fails, a new thread takes its place. */
  private replace(slot: Slot, index: number, why: string): void {
    if (this.slots[index] !== slot || this.closed) return;
    if (slot.killTimer) clearTimeout(slot.killTimer);
    if (slot.task) this.settle(slot.task, new RequestError(500, 'internal_error', why));
    slot.task = null;
    this.restarts++;
    slot.ready = false;
    void slot.worker.terminate();
    // One that cannot start again (it did before: out of memory?) stays not ready: the pool
    // goes on with one thread fewer.
    this.spawn(index).catch(() => {});
  }

  private onMessage(slot: Slot, m: Exclude<FromWorker, { type: 'ready' }>): void {
    const task = slot.task;
    if (!task || task.id !== m.id) return;
    if (m.type === 'text') {
      if (!task.settled) task.hooks.onText?.(m.index, m.text);
      return;
    }
    // The job is over (answered, failed or stopped): the thread is free again.
    slot.task = null;
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.killTimer = null;
    if (m.type === 'done') this.settle(task, null, m.json);
    else this.settle(task, new RequestError(m.status, m.code, m.message, m.param));
    this.dispatch();
  }

  /** The caller no longer waits for the task (time limit, client gone): answer it, and stop its work. */
  private drop(task: Task, error: RequestError): void {
    if (task.settled) return;
    this.settle(task, error);
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.notifyIdle();
      return;
    }
    const index = this.slots.findIndex((s) => s.task === task);
    if (index < 0) return;
    const slot = this.slots[index];
    Atomics.store(slot.cancel, 0, task.id);
    slot.killTimer = setTimeout(() => this.replace(slot, index, 'the job did not stop'), KILL_AFTER_MS);
  }

  private settle(task: Task, error: RequestError | null, json?: string): void {
    if (task.settled) return;
    task.settled = true;
    clearTimeout(task.timer);
    task.hooks.signal?.removeEventListener('abort', task.onAbort);
    if (error) task.reject(error);
    else task.resolve(json!);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.ready || slot.task !== null) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      const message: ToWorker = { type: 'job', id: task.id, job: task.job };
      slot.worker.postMessage(message);
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.slots.some((s) => s.task !== null)) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
