// A request field out of range is refused with the range of the CLI flag it matches, in the
// same words: for every numeric option a field is made of, the message of a value just past
// each bound is the flag's usage error (parse.ts), with the field's name in front.
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { flagOf } from '../../src/cli/flags.js';
import type { NumberSpec } from '../../src/options/option-spec.js';
import { COMPLETION_FIELDS } from '../../src/service/completion-request.js';
import { readFields, type Field } from '../../src/service/fields.js';
import { RequestError } from '../../src/service/request-error.js';
import { EVAL_FIELDS, FILL_FIELDS, SAMPLE_FIELDS, SCORE_FIELDS } from '../../src/service/requests.js';
import { SAMPLE_OPTIONS } from '../../src/generation/sample-options.js';
import { FILL_OPTIONS } from '../../src/generation/fill-options.js';
import { SCORE_OPTIONS } from '../../src/scoring/score-options.js';

/** The CLI's message for a flag value, or null when the flag takes it. */
function flagMessage(spec: NumberSpec, value: number): string | null {
  try {
    flagOf(spec).parseArg!(String(value), undefined);
    return null;
  } catch (e) {
    if (!(e instanceof InvalidArgumentError)) throw e;
    return e.message;
  }
}

function fieldMessage(fields: Record<string, Field>, name: string, value: unknown): string | null {
  try {
    readFields({ [name]: value }, fields);
    return null;
  } catch (e) {
    if (!(e instanceof RequestError)) throw e;
    expect(e.status).toBe(400);
    expect(e.param).toBe(name);
    return e.message;
  }
}

const cases: [Record<string, Field>, string, NumberSpec][] = [
  [SAMPLE_FIELDS, 'temperature', SAMPLE_OPTIONS.temperature],
  [SAMPLE_FIELDS, 'top_k', SAMPLE_OPTIONS.topK],
  [SAMPLE_FIELDS, 'top_p', SAMPLE_OPTIONS.topP],
  [SAMPLE_FIELDS, 'min_p', SAMPLE_OPTIONS.minP],
  [SAMPLE_FIELDS, 'repeat_penalty', SAMPLE_OPTIONS.repeatPenalty],
  [SAMPLE_FIELDS, 'repeat_last', SAMPLE_OPTIONS.repeatLast],
  [SAMPLE_FIELDS, 'length', SAMPLE_OPTIONS.length],
  [SAMPLE_FIELDS, 'lines', SAMPLE_OPTIONS.lines],
  [SAMPLE_FIELDS, 'seed', SAMPLE_OPTIONS.seed],
  [SAMPLE_FIELDS, 'beam', SAMPLE_OPTIONS.beam],
  [SAMPLE_FIELDS, 'n', SAMPLE_OPTIONS.num],
  [SCORE_FIELDS, 'top', SCORE_OPTIONS.top],
  [FILL_FIELDS, 'max_gap', FILL_OPTIONS.maxGap],
  [FILL_FIELDS, 'beam', FILL_OPTIONS.beam],
  [FILL_FIELDS, 'top', FILL_OPTIONS.top],
  [COMPLETION_FIELDS, 'max_tokens', SAMPLE_OPTIONS.length],
  [COMPLETION_FIELDS, 'temperature', SAMPLE_OPTIONS.temperature],
  [COMPLETION_FIELDS, 'top_p', SAMPLE_OPTIONS.topP],
  [COMPLETION_FIELDS, 'n', SAMPLE_OPTIONS.num],
];

describe('request fields and the CLI flags they match', () => {
  it.each(cases)('%#: %s takes what the flag takes and refuses the rest with its range', (fields, name, spec) => {
    const step = spec.integer ? 1 : 0.001;
    for (const value of [spec.min - step, spec.min, spec.max, spec.max + step, spec.integer ? spec.min + 0.5 : NaN]) {
      const cli = flagMessage(spec, value);
      const field = fieldMessage(fields, name, value);
      if (cli === null) expect(field).toBeNull();
      else
        expect(field).toBe(
          `${name} is ${JSON.stringify(value)}: expected ${cli.replace(/^expected /, '').replace(/\.$/, '')} (as charnn ${fields === FILL_FIELDS ? 'fill' : fields === SCORE_FIELDS ? 'score' : 'sample'} ${spec.flag.split(' ')[0]})`,
        );
    }
  });

  it('null is a field not given; an unknown field is refused, unless ignored; the body must be an object', () => {
    expect(readFields({ temperature: null }, SAMPLE_FIELDS)).toEqual({});
    expect(() => readFields({ temprature: 1 }, SAMPLE_FIELDS)).toThrow(
      /unknown field "temprature": this endpoint takes model, prime, length/,
    );
    expect(readFields({ user: 'x', prompt: 'a' }, COMPLETION_FIELDS, ['user'])).toEqual({ prompt: 'a' });
    expect(() => readFields([1], EVAL_FIELDS)).toThrow(/must be a JSON object/);
    expect(() => readFields({ text: 3 }, EVAL_FIELDS)).toThrow(/^text is 3: expected a string$/);
  });
});
