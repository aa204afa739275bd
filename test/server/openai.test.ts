// The official `openai` npm client against /v1/completions: sampling gives charnn sample's text for
// the same seed, streaming gives it in pieces, and echo + max_tokens 0 + logprobs scores a text
// through the unchanged client: each character's log-probability is `charnn score`'s, the first
// one's included, and a final line end's is the <EOS> of the score.
import { dirname } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli.js';
import { startServer, tinyCheckpoint, type Running } from './fixture.js';

let path: string;
let s: Running;
let client: OpenAI;

beforeAll(async () => {
  path = await tinyCheckpoint('lstm', 'tiny');
  s = await startServer({ models: [path], apiKey: 'k3y' });
  client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'k3y', maxRetries: 0 });
});
afterAll(async () => {
  await s.server.close();
});

const cliJson = async (args: string[]) => JSON.parse((await cliInProcess(args, dirname(path))).out.trim().split('\n')[0]);

describe('the openai client against /v1/completions', () => {
  it('a completion is charnn sample --prime PROMPT --length MAX_TOKENS with the same seed and temperature', async () => {
    const r = await client.completions.create({ model: 'tiny', prompt: 'the c', max_tokens: 50, temperature: 0.7, top_p: 0.9, seed: 21 });
    const expected = await cliJson([
      'sample',
      '--json',
      '-m',
      path,
      '--prime',
      'the c',
      '--length',
      '50',
      '--temp',
      '0.7',
      '--top-p',
      '0.9',
      '--seed',
      '21',
    ]);
    expect(r.object).toBe('text_completion');
    expect(r.model).toBe('tiny');
    expect(r.choices).toHaveLength(1);
    expect('the c' + r.choices[0].text).toBe(expected.text);
    expect(r.choices[0].finish_reason).toBe('length');
    expect(r.usage).toEqual({ prompt_tokens: 5, completion_tokens: 50, total_tokens: 55 });
  });

  it('a stop string ends the completion (finish_reason stop); prompts and n give prompts x n choices', async () => {
    const r = await client.completions.create({ model: 'tiny', prompt: ['the ', 'a '], n: 2, max_tokens: 200, stop: '.', seed: 3 });
    expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    for (const c of r.choices) {
      expect(c.text).not.toContain('.');
      if (c.finish_reason === 'stop') expect(c.text.length).toBeLessThan(200);
    }
    expect(r.choices.some((c) => c.finish_reason === 'stop')).toBe(true);
  });

  it('streamed: the pieces put together are the completion', async () => {
    const whole = await client.completions.create({ model: 'tiny', prompt: 'my ', max_tokens: 150, seed: 8, echo: true });
    const stream = await client.completions.create({ model: 'tiny', prompt: 'my ', max_tokens: 150, seed: 8, echo: true, stream: true });
    let text = '';
    let pieces = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0].text;
      pieces++;
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    expect(pieces).toBeGreaterThan(2);
    expect(text).toBe(whole.choices[0].text);
    expect(text.startsWith('my ')).toBe(true);
    expect(finish).toBe('length');
  });

  it("echo + max_tokens 0 + logprobs: the prompt's per-character log-probabilities are charnn score's, the first one's included", async () => {
    const sentence = 'the cat sat on é mat.';
    const r = await client.completions.create({ model: 'tiny', prompt: sentence + '\n', max_tokens: 0, echo: true, logprobs: 3 });
    const lp = r.choices[0].logprobs!;
    const score = await cliJson(['score', '--json', '--top', '3', '-m', path, sentence]);
    expect(r.choices[0].text).toBe(sentence + '\n');
    expect(lp.tokens).toEqual([...sentence, '\n']);
    expect(lp.text_offset).toEqual([...sentence, '\n'].map((_, i) => i));
    // Bit for bit, each character's and the closing line end's (<EOS>).
    expect(lp.token_logprobs).toEqual(score.detail.map((d: { logprob_ln: number }) => d.logprob_ln));
    const total = lp.token_logprobs!.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - score.logprob_ln)).toBeLessThan(1e-9);
    // The alternatives are score --top's (a line end as "\n"), plus the character there when not among them.
    for (const [i, d] of score.detail.entries()) {
      const top = lp.top_logprobs![i] as Record<string, number>;
      for (const t of d.top as { symbol: string; logprob_ln: number }[])
        expect(top[t.symbol === '<EOS>' ? '\n' : t.symbol]).toBe(t.logprob_ln);
      expect(top[lp.tokens![i]]).toBe(lp.token_logprobs![i]);
    }
  });

  it("bad requests come back as the client's errors with the status: 400 naming the field, 404, 401", async () => {
    await expect(client.completions.create({ model: 'tiny', prompt: 'a', temperature: 101 })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/temperature is 101: expected a number from 0 to 100/),
    });
    await expect(client.completions.create({ model: 'tiny', prompt: 'a', presence_penalty: 1 })).rejects.toMatchObject({ status: 400 });
    await expect(client.completions.create({ model: 'gpt-4', prompt: 'a' })).rejects.toMatchObject({ status: 404 });
    const wrong = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'nope', maxRetries: 0 });
    await expect(wrong.completions.create({ model: 'tiny', prompt: 'a' })).rejects.toMatchObject({ status: 401 });
  });

  it('the client lists the models', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['tiny']);
  });
});
