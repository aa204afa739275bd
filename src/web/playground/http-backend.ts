/** The playground's backend over charnn serve's HTTP API (backend.ts). */
import {
  BackendError,
  type FillCandidate,
  type ModelInfo,
  type PlaygroundBackend,
  type SampleResult,
  type SentenceScore,
} from './backend.js';
import { readEvents } from './event-stream.js';

interface ErrorBody {
  error?: { message?: string };
}

export function httpBackend(base: string, apiKey: () => string): PlaygroundBackend {
  const headers = (): Record<string, string> => {
    const key = apiKey();
    return { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
  };

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(base + path, {
        method,
        headers: headers(),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new BackendError(`cannot reach the server: ${(e as Error).message}`);
    }
    if (!response.ok) {
      const parsed = (await response.json().catch(() => ({}))) as ErrorBody;
      throw new BackendError(parsed.error?.message ?? `${response.status} ${response.statusText}`, response.status);
    }
    return response;
  }

  return {
    async models(): Promise<ModelInfo[]> {
      const r = (await (await call('GET', '/v1/models')).json()) as {
        data: { id: string; cell: string; layers: number; hidden: number; vocab_size: number }[];
      };
      return r.data.map((m) => ({ id: m.id, cell: m.cell, layers: m.layers, hidden: m.hidden, vocabSize: m.vocab_size }));
    },

    async score(model, text, top, signal): Promise<SentenceScore> {
      const r = (await (await call('POST', '/v1/score', { model, text, top }, signal)).json()) as {
        text: string;
        bits: number;
        bpc: number;
        ppl: number;
        detail: { symbol: string; bits: number; top: { symbol: string; prob: number }[] }[];
      };
      return {
        text: r.text,
        bits: r.bits,
        bpc: r.bpc,
        ppl: r.ppl,
        symbols: r.detail.map((d) => ({ symbol: d.symbol, bits: d.bits, top: d.top })),
      };
    },

    async sample(model, s, onText, signal): Promise<SampleResult> {
      const request = { model, prime: s.prime, length: s.length, temperature: s.temperature, top_p: s.topP, seed: s.seed, stream: true };
      const response = await call('POST', '/v1/sample', request, signal);
      if (!response.body) throw new BackendError('the server sent no stream');
      for await (const e of readEvents(response.body)) {
        const data = JSON.parse(e.data) as Record<string, unknown>;
        if (e.event === 'text') onText(data.text as string);
        else if (e.event === 'error') throw new BackendError((data as ErrorBody).error?.message ?? 'the sample failed');
        else if (e.event === 'done') {
          const sample = (data.samples as { text: string; seed: number; stopped_by: string }[])[0];
          return { text: sample.text, seed: sample.seed, stoppedBy: sample.stopped_by };
        }
      }
      throw new BackendError('the stream ended before the sample did');
    },

    async fill(model, text, top, signal): Promise<FillCandidate[]> {
      const r = (await (await call('POST', '/v1/fill', { model, text, top }, signal)).json()) as {
        candidates: { text: string; logprob_log10: number }[];
      };
      return r.candidates.map((c) => ({ text: c.text, logprobLog10: c.logprob_log10 }));
    },
  };
}
