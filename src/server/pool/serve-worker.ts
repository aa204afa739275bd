/**
 * A server thread (worker-pool.ts): builds its own copy of every model (engine memory is per
 * thread), then runs the jobs it is sent, one at a time, with the core's runJob. Text made along
 * the way is posted as it comes (streaming); the answer (as JSON text) or the error ends each job.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setEngine } from '../../engine/default-engine.js';
import { CharnnError, UsageError } from '../../errors.js';
import { decodeCheckpoint } from '../../io/checkpoint.js';
import { CharLM } from '../../model/charlm.js';
import { installPlatform } from '../../platform/platform.js';
import { nodePlatform } from '../../platform/node/node-platform.js';
import '../../engine/js/provide-js-engine.js'; // for --engine js and where wasm does not load
import { runJob, type ServedModel } from '../../service/jobs.js';
import { RequestError } from '../../service/request-error.js';
import { Vocab } from '../../tokenizer/vocab.js';
import { jsonText } from '../../util/json-text.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';

installPlatform(nodePlatform);
const setup = workerData as WorkerSetup;
setEngine(setup.engine);
const cancel = new Int32Array(setup.cancel);
const models = new Map<string, ServedModel>();
for (const { name, bytes } of setup.models) {
  const { meta, params } = decodeCheckpoint(bytes, name);
  models.set(name, { model: new CharLM(meta.model, params), vocab: Vocab.fromSymbols(meta.vocab) });
}
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  const { id, job } = m;
  const hooks = {
    text: (index: number, text: string) => post({ type: 'text', id, index, text }),
    cancelled: () => Atomics.load(cancel, 0) === id,
  };
  Promise.resolve()
    .then(() => runJob(models, job, hooks))
    .then(
      (result) => post({ type: 'done', id, json: jsonText(result) }),
      (e: unknown) => post({ type: 'error', id, ...errorFields(e) }),
    );
});
post({ type: 'ready' });

function errorFields(e: unknown): Omit<Extract<FromWorker, { type: 'error' }>, 'type' | 'id'> {
  if (e instanceof RequestError) return { status: e.status, code: e.code, message: e.message, param: e.param };
  // The core's own refusals of what was asked (a sentence with no gap to fill, ...) are the request's fault.
  if (e instanceof UsageError || e instanceof CharnnError) return { status: 400, code: 'invalid_value', message: e.message, param: null };
  return { status: 500, code: 'internal_error', message: `internal error: ${e instanceof Error ? e.message : String(e)}`, param: null };
}
