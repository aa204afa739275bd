/**
 * Platform.startWorker in a browser: a module Web Worker running worker.ts, told by its first
 * message which role to play (the core's 'gradients' or 'line-scorer' loop, or a page's training
 * run) and handed the compiled kernels and the settings, so it installs the same platform as
 * the page. It answers { ready: true } once built, or { failed: message }.
 */
import type { KernelVariant, PlatformWorker } from '../platform.js';
import { startWorkerScript } from './asset-urls.js';
import type { KernelModules } from './kernel-modules.js';
import type { WebWorker } from './web-api.js';

/** The roles of worker.ts: the core's worker scripts, and a page's training run. */
export type WorkerRole = 'gradients' | 'line-scorer' | 'train';

/** The first message a worker gets. */
export interface WorkerStart {
  role: WorkerRole;
  data: unknown;
  kernels: KernelModules;
  settings: Record<string, string>;
}

/** Messages a worker posts about itself (a training run posts its own as well). */
export type WorkerStatus = { ready: true } | { failed: string };

export function startWebWorker(start: WorkerStart, transfer: unknown[] = []): WebWorker {
  const worker = startWorkerScript(`charnn ${start.role}`);
  worker.postMessage(start, transfer);
  return worker;
}

/** The core's view of a worker (Platform.startWorker). */
export function platformWorker(worker: WebWorker): PlatformWorker {
  const errorHandlers: ((e: Error) => void)[] = [];
  let settle: { resolve: () => void; reject: (e: Error) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => {}); // a caller that never asks is not told of it as an unhandled rejection
  const fail = (e: Error) => {
    settle?.reject(e);
    settle = null;
    for (const h of errorHandlers) h(e);
  };
  worker.addEventListener('message', (event) => {
    const status = event.data as Partial<{ ready: boolean; failed: string }>;
    if (status.ready) {
      settle?.resolve();
      settle = null;
    } else if (typeof status.failed === 'string') fail(new Error(status.failed));
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault?.();
    fail(new Error(event.message || 'the worker script could not run'));
  });
  return {
    ready: () => ready,
    unref: () => {}, // nothing keeps a page alive
    onError: (handler) => void errorHandlers.push(handler),
    terminate: async () => worker.terminate(),
  };
}

export type { KernelVariant };
