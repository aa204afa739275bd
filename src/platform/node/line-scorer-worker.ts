/** The line-scoring worker thread's script on Node (src/scoring/line-worker.ts does the work). */
import { parentPort, workerData } from 'node:worker_threads';
import { runLineWorker } from '../../scoring/line-worker.js';
import { installPlatform } from '../platform.js';
import { nodePlatform } from './node-platform.js';
import '../../engine/js/provide-js-engine.js'; // the js reference engine, for --engine js and where wasm does not load

installPlatform(nodePlatform);
void runLineWorker({ data: workerData, ready: () => parentPort?.postMessage({ ready: true }) });
