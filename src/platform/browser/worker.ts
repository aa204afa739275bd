/**
 * The script of every worker charnn starts in a browser (web-worker.ts): its first message says
 * what to run (the core's gradient or line-scoring loop, or a page's training run) and brings the
 * page's compiled kernels and settings, from which it installs the browser platform as the page
 * did. The same script for every role: one file to serve, and its code shared with the page's.
 */
import { runGradientWorker } from '../../train/threads/gradient-worker.js';
import { runLineWorker } from '../../scoring/line-worker.js';
import { installPlatform } from '../platform.js';
import { browserPlatform } from './browser-platform.js';
import { MemoryFiles } from './memory-files.js';
import { runTrainWorker } from './train-worker.js';
import type { TrainJob } from './train-messages.js';
import type { WorkerScope } from './web-api.js';
import type { WorkerStart, WorkerStatus } from './web-worker.js';
import '../../engine/js/provide-js-engine.js'; // the js reference engine, where wasm does not load

const scope = globalThis as unknown as WorkerScope;
let started = false;

scope.addEventListener('message', (event) => {
  if (started) return; // later messages are the role's own (a training run's abort)
  started = true;
  const start = event.data as WorkerStart;
  const files = new MemoryFiles();
  installPlatform(browserPlatform({ kernels: start.kernels, settings: start.settings, files }));
  const status = (s: WorkerStatus) => scope.postMessage(s);
  const context = { data: start.data, ready: () => status({ ready: true }) };
  const run =
    start.role === 'gradients'
      ? runGradientWorker(context)
      : start.role === 'line-scorer'
        ? runLineWorker(context)
        : runTrainWorker(scope, start.data as TrainJob, files);
  run.catch((e: unknown) => status({ failed: e instanceof Error ? e.message : String(e) }));
});
