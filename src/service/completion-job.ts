/**
 * Answering an OpenAI completions request (completion-request.ts): each prompt sampled n times,
 * as `charnn sample --prime PROMPT --length MAX_TOKENS --num n --seed SEED` would (one random
 * stream for the whole request), and with `logprobs` each character's log-probability under
 * the model's own distribution (temperature 1, nothing filtered), read as `sample` reads its
 * prime: from the start of a line, the state carried across line ends (textDistributions).
 * With `echo`, the prompt's characters come first, its first character included.
 */
import { sampleSettings } from '../generation/sample-options.js';
import { textDistributions, topSymbols } from '../scoring/distributions.js';
import { EOS_ID } from '../tokenizer/vocab.js';
import { Rng } from '../util/rng.js';
import type { CompletionJob } from './completion-request.js';
import { generatedText, type JobHooks } from './generated.js';
import type { ServedModel } from './served-model.js';

export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Record<string, number>[];
  text_offset: number[];
}

export interface CompletionChoice {
  text: string;
  index: number;
  logprobs: CompletionLogprobs | null;
  finish_reason: 'stop' | 'length';
}

export interface CompletionResponse {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** The tokens of a text: its code points, a line end ("\n", "\r\n" or "\r") one token. */
export function tokensOf(text: string): string[] {
  return text.match(/\r\n|[^]/gu) ?? [];
}

export async function completion(served: ServedModel, job: CompletionJob, hooks: JobHooks): Promise<CompletionResponse> {
  const rng = new Rng(job.seed);
  const choices: CompletionChoice[] = [];
  let promptTokens = 0;
  let completionTokens = 0;
  for (const [p, prompt] of job.prompts.entries()) {
    promptTokens += tokensOf(prompt).length;
    const options = sampleSettings(
      { ...job.ask, prime: prompt },
      () => rng,
      'json',
      (key) => key === 'prime' || job.given.includes(key),
    );
    for (let i = 0; i < job.n; i++) {
      const index = p * job.n + i;
      if (job.echo && prompt.length > 0) hooks.text?.(index, prompt);
      const { text, end } = await generatedText(served.model, served.vocab, options, hooks, (piece) => hooks.text?.(index, piece));
      completionTokens += end.symbols;
      const logprobs = job.logprobs === null ? null : await logprobsOf(served, prompt, text, job.echo, job.logprobs);
      choices.push({
        text: job.echo ? prompt + text : text,
        index,
        logprobs,
        finish_reason: end.stoppedBy === 'length' ? 'length' : 'stop',
      });
    }
  }
  return {
    id: job.id,
    object: 'text_completion',
    created: job.created,
    model: job.model,
    choices,
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/**
 * Per token of the completion (of prompt + completion with echo): its ln P, the k most likely
 * symbols there with theirs (and the token itself, as OpenAI lists the chosen token too), and
 * its offset in code points from the start of the prompt. A line end is "\n" among the
 * alternatives; a character outside the vocabulary is itself, with <UNK>'s probability.
 */
async function logprobsOf(served: ServedModel, prompt: string, completion: string, echo: boolean, k: number): Promise<CompletionLogprobs> {
  const { model, vocab } = served;
  const all = tokensOf(prompt + completion);
  const d = await textDistributions(model, vocab, prompt + completion);
  const first = echo ? 0 : tokensOf(prompt).length;
  const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = 0;
  for (let i = 0; i < all.length; i++) {
    if (i >= first) {
      const lp = d.logProbs[i * d.V + d.targets[i]];
      const top: Record<string, number> = {};
      for (const t of topSymbols(d, i, k)) top[t.id === EOS_ID ? '\n' : vocab.symbolOf(t.id)] = t.logprobLn;
      const token = d.targets[i] === EOS_ID ? '\n' : all[i];
      if (!Object.hasOwn(top, token)) top[token] = lp;
      out.tokens.push(all[i]);
      out.token_logprobs.push(lp);
      out.top_logprobs.push(top);
      out.text_offset.push(offset);
    }
    offset += Array.from(all[i]).length;
  }
  return out;
}
