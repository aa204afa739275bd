/**
 * The playground's backend in a page: what `charnn serve` answers over HTTP (a sentence's
 * surprisal per character with the top alternatives, a streamed sample, gap filling), computed
 * here by the library on the models the page holds.
 *
 * It implements the playground's backend interface (src/web/playground/backend.ts), the one the
 * server's HTTP backend implements too, so the playground's UI can mount over either.
 */
import * as charnn from '../../browser.js';
import { exp } from '../../numerics/fdlibm.js';
import type { FillCandidate, ModelInfo, PlaygroundBackend, SampleResult, SampleSettings, SentenceScore } from '../playground/backend.js';

export type { CharacterScore, FillCandidate, ModelInfo, SampleResult, SampleSettings, SentenceScore } from '../playground/backend.js';

export class InPageBackend implements PlaygroundBackend {
  private readonly byId = new Map<string, charnn.LoadedModel>();

  /** Adds (or replaces) a model under `id`. */
  add(id: string, model: charnn.LoadedModel): void {
    this.byId.set(id, model);
  }

  async models(): Promise<ModelInfo[]> {
    return [...this.byId].map(([id, m]) => ({ id, ...m.meta.model }));
  }

  async score(model: string, text: string, top: number, signal?: AbortSignal): Promise<SentenceScore> {
    const m = this.model(model);
    const [scored] = await charnn.score(m, [text]);
    const positions = await charnn.alternatives(m, text, top);
    signal?.throwIfAborted();
    const bits = -scored.logprobLn / Math.LN2;
    return {
      text,
      bits,
      bpc: bits / scored.tokens,
      ppl: exp(-scored.logprobLn / scored.tokens),
      symbols: positions.map((p) => ({
        symbol: p.symbol,
        bits: -p.logprobLn / Math.LN2,
        top: p.top.map((t) => ({ symbol: t.symbol, prob: exp(t.logprobLn) })),
      })),
    };
  }

  async sample(model: string, s: SampleSettings, onText: (text: string) => void, signal?: AbortSignal): Promise<SampleResult> {
    const seed = s.seed ?? Math.floor(Math.random() * 2 ** 32);
    let text = s.prime;
    onText(s.prime);
    const request = { prime: s.prime, length: s.length, temperature: s.temperature, topP: s.topP, seed, signal };
    for await (const ch of charnn.sample(this.model(model), request)) {
      text += ch;
      onText(ch);
    }
    return { text, seed, stoppedBy: 'length' }; // the settings have no other limit
  }

  async fill(model: string, text: string, top: number, signal?: AbortSignal): Promise<FillCandidate[]> {
    const result = await charnn.fill(this.model(model), text, { top });
    signal?.throwIfAborted();
    return result.candidates.map((c) => ({ text: c.text, logprobLog10: c.logprobLn / Math.LN10 }));
  }

  private model(id: string): charnn.LoadedModel {
    const m = this.byId.get(id);
    if (!m) throw new Error(`no model ${id} in this page`);
    return m;
  }
}
