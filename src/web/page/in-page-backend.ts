/**
 * The playground's backend in a page: what `charnn serve` answers over HTTP (a sentence's
 * surprisal per character with the top alternatives, a streamed sample, gap filling), computed
 * here by the library on the model in use.
 */
import * as charnn from '../../browser.js';

export interface ScoredPosition {
  /** The character ('<EOS>' for the sentence's end, '<UNK>' for one not in the vocabulary). */
  symbol: string;
  /** Surprisal in bits. */
  bits: number;
  /** The most likely symbols there, most likely first. */
  top: { symbol: string; prob: number }[];
}

export interface ScoredText {
  text: string;
  logprobLn: number;
  positions: ScoredPosition[];
}

export class InPageBackend {
  constructor(readonly loaded: charnn.LoadedModel) {}

  async score(text: string, top = 5): Promise<ScoredText> {
    const [scored] = await charnn.score(this.loaded, [text]);
    const positions = (await charnn.alternatives(this.loaded, text, top)).map((p) => ({
      symbol: p.symbol,
      bits: -p.logprobLn / Math.LN2,
      top: p.top.map((t) => ({ symbol: t.symbol, prob: Math.exp(t.logprobLn) })),
    }));
    return { text, logprobLn: scored.logprobLn, positions };
  }

  /** The sample's text as it is generated, in pieces. */
  sample(request: charnn.SampleRequest): AsyncGenerator<string, void, void> {
    return charnn.sample(this.loaded, request);
  }

  fill(text: string, options: Partial<charnn.FillOptions> = {}): Promise<charnn.FillResult> {
    return charnn.fill(this.loaded, text, options);
  }
}
