/**
 * OpenAI's legacy completions request (POST /v1/completions) as a charnn job. One token is one
 * character (a code point); a line end is <EOS>. The fields map onto `charnn sample`'s options
 * (max_tokens is --length, n is --num, ...) and are checked with the CLI's ranges; `logprobs` N
 * is `score --top N` (0 to 100,000), `echo` puts the prompt in front of the completion (with its
 * log-probabilities: the first character's too, predicted from the start of a line). llama.cpp's
 * extensions top_k, min_p, repeat_penalty and repeat_last are taken too. OpenAI fields that
 * change nothing here are accepted at their neutral values only (NEUTRAL), and `user` and
 * `stream_options` are accepted and ignored (IGNORED).
 */
import { SAMPLE_OPTIONS, sampleSettings, type SampleAsk } from '../generation/sample-options.js';
import { SCORE_OPTIONS } from '../scoring/score-options.js';
import { Rng } from '../util/rng.js';
import type { Catalog } from './catalog.js';
import { booleanField, integerField, optionField, readFields, required, stringField, stringsField, type Field } from './fields.js';
import { asRequestError, RequestError } from './request-error.js';

/** max_tokens when not given, as OpenAI's. */
export const DEFAULT_MAX_TOKENS = 16;

export interface CompletionJob {
  kind: 'completion';
  model: string;
  prompts: string[];
  ask: SampleAsk;
  given: string[];
  seed: number;
  n: number;
  stream: boolean;
  /** Alternatives per position (0: the chosen character's only), or null: no logprobs. */
  logprobs: number | null;
  echo: boolean;
  /** The response's id and creation time (seconds), made when the request came. */
  id: string;
  created: number;
}

/** A field OpenAI has that charnn takes only at the value that changes nothing. */
function neutral(description: string, isNeutral: (v: unknown) => boolean): Field {
  return { check: (v) => (isNeutral(v) ? null : `${description} (charnn does not implement it)`) };
}

/** Fields accepted and ignored: they do not change the answer. */
export const COMPLETION_IGNORED = ['user', 'stream_options'] as const;

const sample = (key: keyof typeof SAMPLE_OPTIONS) => optionField('sample', SAMPLE_OPTIONS[key]);

export const COMPLETION_FIELDS = {
  model: stringField,
  prompt: stringsField,
  max_tokens: sample('length'),
  temperature: sample('temperature'),
  top_p: sample('topP'),
  stop: sample('stop'),
  seed: sample('seed'),
  n: sample('num'),
  stream: booleanField,
  logprobs: { ...integerField(0, SCORE_OPTIONS.top.max), flag: 'charnn score --top' },
  echo: booleanField,
  top_k: sample('topK'),
  min_p: sample('minP'),
  repeat_penalty: sample('repeatPenalty'),
  repeat_last: sample('repeatLast'),
  frequency_penalty: neutral('0', (v) => v === 0),
  presence_penalty: neutral('0', (v) => v === 0),
  best_of: neutral('1', (v) => v === 1),
  logit_bias: neutral('{}', (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0),
  suffix: neutral('""', (v) => v === ''),
};

/** The sample option of each field that is one. */
const SAMPLE_KEY: Record<string, keyof SampleAsk> = {
  max_tokens: 'length',
  temperature: 'temperature',
  top_p: 'topP',
  stop: 'stop',
  seed: 'seed',
  top_k: 'topK',
  min_p: 'minP',
  repeat_penalty: 'repeatPenalty',
  repeat_last: 'repeatLast',
};

export function completionJob(body: unknown, catalog: Catalog, randomSeed: () => number, id: string, now: number): CompletionJob {
  const f = readFields(body, COMPLETION_FIELDS, COMPLETION_IGNORED);
  const entry = catalog.resolve(f.model);
  const prompt = required(f.prompt as string | string[] | undefined, 'prompt');
  const ask: Record<string, unknown> = { length: DEFAULT_MAX_TOKENS };
  for (const [field, key] of Object.entries(SAMPLE_KEY)) if (f[field] !== undefined) ask[key] = f[field];
  const given = Object.keys(ask).filter((key) => key !== 'length' || f.max_tokens !== undefined);
  asRequestError(() =>
    sampleSettings(
      ask as SampleAsk,
      () => new Rng(0),
      'json',
      (key) => given.includes(key),
    ),
  );
  const logprobs = (f.logprobs as number | undefined) ?? null;
  const stream = f.stream === true;
  if (stream && logprobs !== null)
    throw new RequestError(400, 'invalid_value', 'logprobs is not available with stream: ask without stream for them', 'logprobs');
  return {
    kind: 'completion',
    model: entry.name,
    prompts: typeof prompt === 'string' ? [prompt] : prompt,
    ask,
    given,
    seed: (f.seed as number | undefined) ?? randomSeed(),
    n: (f.n as number | undefined) ?? 1,
    stream,
    logprobs,
    echo: f.echo === true,
    id,
    created: now,
  };
}
