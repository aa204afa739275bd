// The service's jobs in-process (what a server thread runs): answering every kind of request again
// and again leaves the engine's memory where it was (the server's memory stays flat), and a
// cancelled sample stops within a piece and leaves the model as it found it.
import { describe, expect, it } from 'vitest';
import type { WasmEngine } from '../../src/engine/wasm/wasm-engine.js';
import { Catalog } from '../../src/service/catalog.js';
import { completionJob } from '../../src/service/completion-request.js';
import { runJob, type Job, type ServedModel } from '../../src/service/jobs.js';
import { RequestError } from '../../src/service/request-error.js';
import { evalJob, fillJob, sampleJob, scoreJob } from '../../src/service/requests.js';
import { tinyLM } from '../helpers/tiny-lm.js';

async function setup(): Promise<{ models: Map<string, ServedModel>; catalog: Catalog }> {
  const m = await tinyLM('bilstm', 5);
  const catalog = new Catalog([{ name: 'm', config: m.model.config, vocabSize: m.vocab.size, created: 0 }]);
  return { models: new Map([['m', { model: m.model, vocab: m.vocab }]]), catalog };
}

const seed = () => 1;
const never = { cancelled: () => false };

describe('the service jobs', () => {
  it('every kind of request, 30 times over, does not grow the engine arena', async () => {
    const { models, catalog } = await setup();
    const jobs: Job[] = [
      scoreJob({ texts: ['the cat', ''], direction: 'both' }, catalog),
      scoreJob({ text: 'a dog', top: 3, direction: 'backward' }, catalog),
      evalJob({ text: 'the cat\nsat\n', reset: 'none', direction: 'both' }, catalog),
      evalJob({ text: 'the cat\nsat\n' }, catalog),
      sampleJob({ length: 50, n: 2, top_k: 3, repeat_penalty: 1.3 }, catalog, seed),
      sampleJob({ length: 30, direction: 'backward', prime: 'mat.' }, catalog, seed),
      sampleJob({ length: 20, beam: 3, prime: 'the ' }, catalog, seed),
      fillJob({ text: 'the c_t s*.', max_gap: 3, beam: 4 }, catalog),
      completionJob({ prompt: ['the ', 'a\nb'], max_tokens: 20, n: 2, logprobs: 2, echo: true }, catalog, seed, 'cmpl-1', 0),
    ];
    const engine = models.get('m')!.model.engine as WasmEngine;
    const once = async () => {
      for (const job of jobs) await runJob(models, job, never);
    };
    await once();
    const used = engine.kernels.arena.used;
    for (let i = 0; i < 30; i++) await once();
    expect(engine.kernels.arena.used).toBe(used);
  });

  it('a cancelled sample stops between pieces, and the next sample is as if it had never run', async () => {
    const { models, catalog } = await setup();
    const job = sampleJob({ length: 5000, seed: 2 }, catalog, seed);
    const alone = (await runJob(models, job, never)) as { samples: { text: string }[] };
    let pieces = 0;
    const cancelled = runJob(models, sampleJob({ length: 100_000_000, seed: 9 }, catalog, seed), {
      text: () => pieces++,
      cancelled: () => pieces >= 3,
    });
    await expect(cancelled).rejects.toBeInstanceOf(RequestError);
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    expect(pieces).toBe(3);
    expect(await runJob(models, job, never)).toEqual(alone);
  });
});
