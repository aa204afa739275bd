/**
 * The requests a charnn service answers (/v1/score, /v1/eval, /v1/sample, /v1/fill; completions
 * are in completion-request.ts): their fields, named in snake_case after the options of the
 * command they match and checked with the CLI's ranges (fields.ts), turned into jobs that
 * jobs.ts runs. Parsing needs only the catalog, so a bad request is refused before it waits
 * for a thread.
 */
import { FILL_DEFAULTS, FILL_OPTIONS, checkFillOptions, type FillOptions } from '../generation/fill-options.js';
import { SAMPLE_OPTIONS, sampleSettings, type SampleAsk } from '../generation/sample-options.js';
import { checkDirection } from '../model/config.js';
import { snakeCase } from '../options/check-options.js';
import type { OptionTable } from '../options/option-spec.js';
import type { ResetMode } from '../scoring/evaluate.js';
import { EVAL_OPTIONS, SCORE_OPTIONS, checkScoreOptions } from '../scoring/score-options.js';
import type { ScoreDirection } from '../scoring/sentence-scorer.js';
import { Rng } from '../util/rng.js';
import type { Catalog } from './catalog.js';
import { booleanField, optionField, readFields, required, stringField, stringListField, type Field } from './fields.js';
import { asRequestError, RequestError } from './request-error.js';

export interface ScoreJob {
  kind: 'score';
  model: string;
  texts: string[];
  /** Asked as `text` (one result) rather than `texts` (a list). */
  single: boolean;
  detail: boolean;
  top: number | null;
  direction: ScoreDirection;
}

export interface EvalJob {
  kind: 'eval';
  model: string;
  text: string;
  reset: ResetMode;
  direction: ScoreDirection;
}

export interface SampleJob {
  kind: 'sample';
  model: string;
  ask: SampleAsk;
  /** The options given (a beam search refuses those that shape the distribution). */
  given: string[];
  /** The seed, chosen here when not given, so the answer can report it. */
  seed: number;
  n: number;
  stream: boolean;
}

export interface FillJob {
  kind: 'fill';
  model: string;
  texts: string[];
  single: boolean;
  options: FillOptions;
}

/** The fields of a command's option table (the library's options), named in snake_case. */
function tableFields(command: string, table: OptionTable, keys: readonly string[]): Record<string, Field> {
  const out: Record<string, Field> = {};
  for (const key of keys) out[snakeCase(key)] = optionField(command, table[key]);
  return out;
}

/** The library option of a snake_case field: top_k -> topK. */
function camel(field: string): string {
  return field.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

const model = { model: stringField };

export const SCORE_FIELDS = {
  ...model,
  text: stringField,
  texts: stringListField,
  detail: booleanField,
  ...tableFields('score', SCORE_OPTIONS, ['top', 'direction']),
};

export const EVAL_FIELDS = { ...model, text: stringField, ...tableFields('eval', EVAL_OPTIONS, ['reset', 'direction']) };

const SAMPLE_KEYS = [
  'prime',
  'length',
  'temperature',
  'topK',
  'topP',
  'minP',
  'repeatPenalty',
  'repeatLast',
  'stop',
  'lines',
  'seed',
  'beam',
  'direction',
] as const;

export const SAMPLE_FIELDS = {
  ...model,
  ...tableFields('sample', SAMPLE_OPTIONS, SAMPLE_KEYS),
  n: optionField('sample', SAMPLE_OPTIONS.num),
  stream: booleanField,
};

export const FILL_FIELDS = {
  ...model,
  text: stringField,
  texts: stringListField,
  ...tableFields('fill', FILL_OPTIONS, ['gap', 'wildcard', 'maxGap', 'beam', 'top']),
};

/** `text` or `texts`, exactly one of them; sentences hold no line end. */
function sentencesOf(f: { text?: unknown; texts?: unknown }): { texts: string[]; single: boolean } {
  if (f.text !== undefined && f.texts !== undefined) throw new RequestError(400, 'invalid_value', 'give text or texts, not both', 'texts');
  if (f.text === undefined && f.texts === undefined) throw new RequestError(400, 'missing_field', 'text (or texts) is missing', 'text');
  const single = f.text !== undefined;
  const texts = single ? [f.text as string] : (f.texts as string[]);
  const i = texts.findIndex((t) => /[\r\n]/.test(t));
  if (i >= 0) {
    const where = single ? 'text' : `texts[${i}]`;
    throw new RequestError(
      400,
      'invalid_value',
      `${where} holds a line end: one sentence per text (give several as texts)`,
      single ? 'text' : 'texts',
    );
  }
  return { texts, single };
}

export function scoreJob(body: unknown, catalog: Catalog): ScoreJob {
  const f = readFields(body, SCORE_FIELDS);
  const entry = catalog.resolve(f.model);
  const direction = (f.direction as ScoreDirection | undefined) ?? 'forward';
  const top = (f.top as number | undefined) ?? null;
  asRequestError(() => {
    checkScoreOptions({ direction, top }, 'json');
    checkDirection(direction, entry.config, 'json');
  });
  return { kind: 'score', model: entry.name, ...sentencesOf(f), detail: f.detail === true, top, direction };
}

export function evalJob(body: unknown, catalog: Catalog): EvalJob {
  const f = readFields(body, EVAL_FIELDS);
  const entry = catalog.resolve(f.model);
  const direction = (f.direction as ScoreDirection | undefined) ?? 'forward';
  asRequestError(() => checkDirection(direction, entry.config, 'json'));
  const text = required(f.text as string | undefined, 'text');
  if (text.length === 0) throw new RequestError(400, 'invalid_value', 'text is empty: no text to evaluate', 'text');
  return { kind: 'eval', model: entry.name, text, reset: (f.reset as ResetMode | undefined) ?? 'line', direction };
}

export function sampleJob(body: unknown, catalog: Catalog, randomSeed: () => number): SampleJob {
  const f = readFields(body, SAMPLE_FIELDS);
  const entry = catalog.resolve(f.model);
  const ask: Record<string, unknown> = {};
  for (const key of Object.keys(f)) if (key !== 'model' && key !== 'n' && key !== 'stream') ask[camel(key)] = f[key];
  const given = Object.keys(ask);
  const n = (f.n as number | undefined) ?? 1;
  const settings = asRequestError(() =>
    sampleSettings(
      ask as SampleAsk,
      () => new Rng(0),
      'json',
      (key) => given.includes(key),
    ),
  );
  if (settings.beam && n > 1)
    throw new RequestError(400, 'invalid_value', 'beam is deterministic: n above 1 would give the same text again', 'n');
  asRequestError(() => checkDirection(settings.direction, entry.config, 'json'));
  const seed = (f.seed as number | undefined) ?? randomSeed();
  return { kind: 'sample', model: entry.name, ask, given, seed, n, stream: f.stream === true };
}

export function fillJob(body: unknown, catalog: Catalog): FillJob {
  const f = readFields(body, FILL_FIELDS);
  const entry = catalog.resolve(f.model);
  const options: FillOptions = { ...FILL_DEFAULTS };
  for (const key of ['gap', 'wildcard', 'max_gap', 'beam', 'top'] as const)
    if (f[key] !== undefined) (options as Record<string, unknown>)[camel(key)] = f[key];
  asRequestError(() => checkFillOptions(options, 'json'));
  return { kind: 'fill', model: entry.name, ...sentencesOf(f), options };
}
