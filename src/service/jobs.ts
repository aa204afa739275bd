/**
 * Running a service's jobs (requests.ts, completion-request.ts) against the models held: the
 * same core calls as the commands, and the same JSON (score-json.ts, eval-json.ts,
 * sample-json.ts, fill-json.ts), so an answer has the CLI's figures bit for bit. A job looks at
 * its cancel flag between sentences, samples and pieces of text.
 */
import { encodeSource } from '../data/corpus.js';
import { stringSource } from '../data/source.js';
import { fillJson } from '../generation/fill-json.js';
import { fillGaps } from '../generation/fill.js';
import { sampleJson } from '../generation/sample-json.js';
import { sampleSettings } from '../generation/sample-options.js';
import { positionAlternatives } from '../scoring/distributions.js';
import { evalJson } from '../scoring/eval-json.js';
import { CorpusEvaluator } from '../scoring/evaluate.js';
import { scoreJson } from '../scoring/score-json.js';
import { SentenceScorer } from '../scoring/sentence-scorer.js';
import { Rng } from '../util/rng.js';
import { completion } from './completion-job.js';
import type { CompletionJob } from './completion-request.js';
import { cancelledError, generatedText, type JobHooks } from './generated.js';
import type { EvalJob, FillJob, SampleJob, ScoreJob } from './requests.js';
import type { ServedModel } from './served-model.js';

export type { ServedModel } from './served-model.js';

export type { JobHooks } from './generated.js';

export type Job = ScoreJob | EvalJob | SampleJob | FillJob | CompletionJob;

export function runJob(models: ReadonlyMap<string, ServedModel>, job: Job, hooks: JobHooks): Promise<unknown> {
  const served = models.get(job.model);
  if (!served) throw new Error(`internal error: model ${job.model} is not loaded in this thread`);
  switch (job.kind) {
    case 'score':
      return score(served, job, hooks);
    case 'eval':
      return evaluate(served, job);
    case 'sample':
      return sample(served, job, hooks);
    case 'fill':
      return fill(served, job, hooks);
    case 'completion':
      return completion(served, job, hooks);
  }
}

async function score({ model, vocab }: ServedModel, job: ScoreJob, hooks: JobHooks): Promise<unknown> {
  const scorer = new SentenceScorer(model, vocab);
  const results: unknown[] = [];
  for (const text of job.texts) {
    if (hooks.cancelled()) throw cancelledError();
    const s = await scorer.score(text, job.direction);
    const top = job.top !== null ? await positionAlternatives(model, vocab, text, job.direction as 'forward' | 'backward', job.top) : null;
    results.push(scoreJson(s, job, top));
  }
  return job.single ? results[0] : { results };
}

async function evaluate({ model, vocab }: ServedModel, job: EvalJob): Promise<unknown> {
  // One thread: the service runs a job per thread already.
  const evaluator = new CorpusEvaluator(model, job.direction, job.reset, { threads: 1 });
  await evaluator.add(encodeSource(stringSource(job.text), vocab));
  return evalJson(await evaluator.result(), job);
}

async function sample({ model, vocab }: ServedModel, job: SampleJob, hooks: JobHooks): Promise<unknown> {
  // One random stream for all n samples, as `charnn sample --num n --seed s` draws them.
  const rng = new Rng(job.seed);
  const options = sampleSettings(
    job.ask,
    () => rng,
    'json',
    (key) => job.given.includes(key),
  );
  const samples: unknown[] = [];
  for (let i = 0; i < job.n; i++) {
    const backward = options.direction === 'backward';
    if (!backward && options.prime.length > 0) hooks.text?.(i, options.prime);
    const { text, end } = await generatedText(model, vocab, options, hooks, (piece) => hooks.text?.(i, piece));
    const whole = backward ? text + options.prime : options.prime + text;
    if (backward) hooks.text?.(i, whole);
    samples.push(sampleJson(i, job.seed, whole, end, { beam: job.ask.beam ?? null, temperature: options.temperature }));
  }
  return { samples };
}

async function fill({ model, vocab }: ServedModel, job: FillJob, hooks: JobHooks): Promise<unknown> {
  const results: unknown[] = [];
  for (const text of job.texts) {
    if (hooks.cancelled()) throw cancelledError();
    results.push(fillJson(await fillGaps(model, vocab, text, job.options)));
  }
  return job.single ? results[0] : { results };
}
