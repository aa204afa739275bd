// Every endpoint of charnn serve over a real socket, against the CLI: /v1/score, /v1/eval,
// /v1/sample and /v1/fill answer with the JSON `charnn score|eval|sample|fill --json` prints for
// the same model and options, bit for bit; errors are {"error": {...}} with the right status.
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli.js';
import { call, parseEvents, post, startServer, tinyCheckpoint, type Running } from './fixture.js';

let lstm: string;
let bi: string;
let s: Running;
const cli = async (args: string[]) => {
  const r = await cliInProcess(args, dirname(lstm));
  expect(r.err.replace(/^seed: \d+\n/, '').replace(/^note: a lstm model has no backward direction.*\n/, '')).toBe('');
  return r.out;
};
const jsonLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

beforeAll(async () => {
  lstm = await tinyCheckpoint('lstm', 'tiny');
  bi = await tinyCheckpoint('bilstm', 'tinybi');
  s = await startServer({ models: [lstm, bi], threads: 2 });
});
afterAll(async () => {
  await s.server.close();
});

describe('charnn serve: the endpoints against the CLI', () => {
  it('GET /health and /v1/models: the models by name, the first the default, with their shapes', async () => {
    const health = await call(`${s.url}/health`, 'GET');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', models: ['tiny', 'tinybi'] });
    const models = await call(`${s.url}/v1/models`, 'GET');
    expect(models.status).toBe(200);
    expect(models.body.object).toBe('list');
    expect(models.body.data.map((m: { id: string }) => m.id)).toEqual(['tiny', 'tinybi']);
    expect(models.body.data[0]).toMatchObject({ object: 'model', owned_by: 'charnn', cell: 'lstm', layers: 1, hidden: 32 });
    expect(models.body.data[1].cell).toBe('bilstm');
    expect(models.body.data[0].vocab_size).toBeGreaterThan(10);
  });

  it("POST /v1/score: charnn score --json's objects, detail and top included; texts gives a list", async () => {
    const one = await post(`${s.url}/v1/score`, { text: 'the cat sat.' });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(jsonLines(await cli(['score', '--json', '-m', lstm, 'the cat sat.']))[0]);
    const top = await post(`${s.url}/v1/score`, { text: 'a dog é', top: 3, detail: true });
    expect(top.body).toEqual(jsonLines(await cli(['score', '--json', '--top', '3', '--detail', '-m', lstm, 'a dog é']))[0]);
    const many = await post(`${s.url}/v1/score`, { texts: ['the dog.', '', 'my hat'], model: 'tinybi', direction: 'both' });
    expect(many.body).toEqual({
      results: jsonLines(await cli(['score', '--json', '--direction', 'both', '-m', bi, 'the dog.', '', 'my hat'])),
    });
  });

  it('POST /v1/eval: charnn eval --json of the same text (without its file name)', async () => {
    const text = 'the cat sat on the mat.\na dog ate my hat.\n';
    for (const reset of ['line', 'none'] as const) {
      const r = await post(`${s.url}/v1/eval`, { text, reset });
      expect(r.status).toBe(200);
      const { file: _file, ...expected } = jsonLines(
        (await cliInProcess(['eval', '--json', '--reset', reset, '-m', lstm, '-'], dirname(lstm), text)).out,
      )[0];
      expect(r.body).toEqual(expected);
    }
  });

  it('POST /v1/sample: the text of charnn sample with the same seed and options; n samples share one random stream as --num', async () => {
    const r = await post(`${s.url}/v1/sample`, {
      prime: 'the ',
      seed: 11,
      length: 60,
      temperature: 0.9,
      top_k: 5,
      n: 2,
      repeat_penalty: 1.2,
    });
    expect(r.status).toBe(200);
    const expected = jsonLines(
      await cli([
        'sample',
        '--json',
        '-m',
        lstm,
        '--prime',
        'the ',
        '--seed',
        '11',
        '--length',
        '60',
        '--temp',
        '0.9',
        '--top-k',
        '5',
        '--num',
        '2',
        '--repeat-penalty',
        '1.2',
      ]),
    );
    expect(r.body).toEqual({ samples: expected });
    const lines = await post(`${s.url}/v1/sample`, {
      seed: 5,
      lines: 2,
      stop: ['.'],
      model: 'tinybi',
      direction: 'backward',
      prime: 'mat.',
    });
    expect(lines.body.samples).toEqual(
      jsonLines(
        await cli([
          'sample',
          '--json',
          '-m',
          bi,
          '--seed',
          '5',
          '--lines',
          '2',
          '--stop',
          '.',
          '--direction',
          'backward',
          '--prime',
          'mat.',
        ]),
      ),
    );
    const beam = await post(`${s.url}/v1/sample`, { prime: 'the ', beam: 3, length: 20 });
    expect(beam.body.samples[0]).toEqual(
      jsonLines(
        await cli([
          'sample',
          '--json',
          '-m',
          lstm,
          '--prime',
          'the ',
          '--beam',
          '3',
          '--length',
          '20',
          '--seed',
          String(beam.body.samples[0].seed),
        ]),
      )[0],
    );
  });

  it('POST /v1/sample with a seed not given: the seed chosen is reported, and gives the same text again', async () => {
    const first = await post(`${s.url}/v1/sample`, { length: 40 });
    const seed = first.body.samples[0].seed;
    expect(Number.isInteger(seed)).toBe(true);
    const again = await post(`${s.url}/v1/sample`, { length: 40, seed });
    expect(again.body).toEqual(first.body);
  });

  it('POST /v1/sample with stream: server-sent events whose text, put together, is the sample; then the whole answer', async () => {
    const r = await post(`${s.url}/v1/sample`, { prime: 'the ', seed: 4, length: 300, stream: true, n: 2 });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseEvents(r.text);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    const answer = JSON.parse(done.data);
    expect(answer).toEqual((await post(`${s.url}/v1/sample`, { prime: 'the ', seed: 4, length: 300, n: 2 })).body);
    const texts = events.filter((e) => e.event === 'text').map((e) => JSON.parse(e.data) as { index: number; text: string });
    expect(texts.length).toBeGreaterThan(4); // streamed in pieces, not at the end
    for (const i of [0, 1])
      expect(
        texts
          .filter((t) => t.index === i)
          .map((t) => t.text)
          .join(''),
      ).toBe(answer.samples[i].text);
  });

  it('POST /v1/fill: charnn fill --json of the same sentence', async () => {
    const r = await post(`${s.url}/v1/fill`, { text: 'the c_t sat.', model: 'tinybi', top: 3 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(jsonLines(await cli(['fill', '--json', '--top', '3', '-m', bi, 'the c_t sat.']))[0]);
    const many = await post(`${s.url}/v1/fill`, { texts: ['a d*g', 'm_ hat'], max_gap: 3, beam: 4 });
    expect(many.body).toEqual({
      results: jsonLines(await cli(['fill', '--json', '--max-gap', '3', '--beam', '4', '-m', lstm, 'a d*g', 'm_ hat'])),
    });
  });
});

describe('charnn serve: bad requests', () => {
  const error = (status: number, code: string, message: RegExp) => (r: { status: number; body: any }) => {
    expect(r.status).toBe(status);
    expect(Object.keys(r.body)).toEqual(['error']);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toMatch(message);
    expect(typeof r.body.error.type).toBe('string');
  };

  it('a value out of range is a 400 naming the field with the range of the CLI flag', async () => {
    const flag = await cliInProcess(['sample', '--temp', '500'], dirname(lstm));
    expect(flag.err).toContain('expected a number from 0 to 100.');
    const r = await post(`${s.url}/v1/sample`, { temperature: 500 });
    error(400, 'invalid_value', /^temperature is 500: expected a number from 0 to 100 \(as charnn sample --temp\)$/)(r);
    expect(r.body.error.param).toBe('temperature');
    error(
      400,
      'invalid_value',
      /^top_k is 1\.5: expected an integer from 0 to 1,000,000/,
    )(await post(`${s.url}/v1/sample`, { top_k: 1.5 }));
    error(400, 'invalid_value', /^length is "10": expected an integer/)(await post(`${s.url}/v1/sample`, { length: '10' }));
    error(
      400,
      'invalid_value',
      /^top is 0: expected an integer from 1 to 100,000 \(as charnn score --top\)/,
    )(await post(`${s.url}/v1/score`, { text: 'a', top: 0 }));
    error(
      400,
      'invalid_value',
      /^reset is "all": expected one of "line", "none"/,
    )(await post(`${s.url}/v1/eval`, { text: 'a', reset: 'all' }));
    error(400, 'invalid_value', /^gap is "__": expected exactly one character/)(await post(`${s.url}/v1/fill`, { text: 'a', gap: '__' }));
  });

  it('rules between fields, unknown and missing fields, and what the model cannot do are 400s naming the field', async () => {
    error(
      400,
      'invalid_value',
      /beam follows the model's own distribution: it cannot be combined with temperature/,
    )(await post(`${s.url}/v1/sample`, { beam: 2, temperature: 0.5 }));
    error(400, 'unknown_field', /unknown field "temp"/)(await post(`${s.url}/v1/sample`, { temp: 0.5 }));
    error(400, 'missing_field', /text \(or texts\) is missing/)(await post(`${s.url}/v1/score`, {}));
    error(
      400,
      'invalid_value',
      /direction backward needs a bilstm model/,
    )(await post(`${s.url}/v1/score`, { text: 'a', direction: 'backward' }));
    error(400, 'invalid_value', /holds a line end/)(await post(`${s.url}/v1/score`, { text: 'a\nb' }));
    error(400, 'invalid_value', /gap/)(await post(`${s.url}/v1/fill`, { text: 'no gaps here' }));
    error(400, 'invalid_json', /must be a JSON object/)(await post(`${s.url}/v1/score`, '[1, 2]'));
  });

  it('malformed JSON is a 400; an unknown model a 404; an unknown path a 404', async () => {
    error(400, 'invalid_json', /not valid JSON/)(await post(`${s.url}/v1/score`, '{"text": "a"'));
    error(
      404,
      'model_not_found',
      /model "nope" is not served here: the models are tiny, tinybi/,
    )(await post(`${s.url}/v1/score`, { text: 'a', model: 'nope' }));
    error(404, 'not_found', /no such endpoint: GET \/v1\/nothing/)(await call(`${s.url}/v1/nothing`, 'GET'));
  });

  it('every request gets an access entry with its status', async () => {
    await post(`${s.url}/v1/score`, { text: 'the' });
    expect(s.access.at(-1)).toMatchObject({ method: 'POST', path: '/v1/score', status: 200 });
  });
});

describe('charnn serve: API key and CORS', () => {
  let keyed: Running;
  beforeAll(async () => {
    keyed = await startServer({ models: [lstm], apiKey: 'sesame', cors: 'https://example.org' });
  });
  afterAll(async () => {
    await keyed.server.close();
  });

  it('with --api-key every endpoint but /health and the page wants the bearer key: 401 otherwise', async () => {
    const none = await post(`${keyed.url}/v1/score`, { text: 'a' });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('invalid_api_key');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(`${keyed.url}/v1/score`, { text: 'a' }, { authorization: 'Bearer sesamE' })).status).toBe(401);
    expect((await call(`${keyed.url}/v1/models`, 'GET')).status).toBe(401);
    expect((await post(`${keyed.url}/v1/score`, { text: 'a' }, { authorization: 'Bearer sesame' })).status).toBe(200);
    expect((await call(`${keyed.url}/health`, 'GET')).status).toBe(200);
    expect((await call(`${keyed.url}/`, 'GET')).status).toBe(200);
  });

  it('CORS headers only with --cors; a preflight is answered without the key', async () => {
    const pre = await call(`${keyed.url}/v1/score`, 'OPTIONS', undefined, {
      origin: 'https://example.org',
      'access-control-request-method': 'POST',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://example.org');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const plain = await call(`${s.url}/v1/models`, 'GET', undefined, { origin: 'https://example.org' });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });
});
