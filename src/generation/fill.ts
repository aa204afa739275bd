/**
 * Filling gaps in a sentence ("The qu_ck brown fox") with a language model.
 *
 * 1. Proposals. A beam search reads the template left to right with the forward model: a
 *    literal character is read as it is (its ln P added); at a gap, every partial sentence is
 *    extended by every symbol but <EOS> and <UNK>, and the `beam` best go on (a wildcard gap
 *    repeats this up to maxGap times, keeping the best `beam` of each length). For a bilstm the
 *    backward model does the same right to left, so a gap near the start of the sentence is
 *    proposed from what follows it too. The exhaustive search would be V^k per k missing
 *    characters; the beam keeps it to beam x V per character.
 * 2. Ranking. Every complete sentence proposed (both searches, duplicates merged) is scored as
 *    a whole by `score`, with each direction, and ranked by the MEAN of the forward and backward
 *    ln P. Both directions are proper probabilities of the same sentence, so the mean is a
 *    log-probability on the same scale as either one (the log of their geometric mean) and is
 *    exactly `charnn score --direction both`; it ranks candidates as their sum would (the sum
 *    just counts the sentence twice). A model with one direction ranks by the forward ln P.
 *
 * Whole-sentence probability favours short fills when gap lengths vary: a wildcard's fill is
 * the most likely sentence, not the most likely per character.
 */
import { EOS_ID, UNK_ID, type Vocab } from '../tokenizer/vocab.js';
import type { CharLM } from '../model/charlm.js';
import { directionsOf, type Direction } from '../model/config.js';
import { SentenceScorer } from '../scoring/sentence-scorer.js';
import { withBrancher, type Brancher, type Branch } from './brancher.js';
import { applyFills, parseTemplate, type Template } from './fill-template.js';
import type { FillOptions } from './fill-options.js';

export { FILL_DEFAULTS, checkFillOptions, type FillOptions } from './fill-options.js';

export interface FillCandidate {
  /** The completed sentence. */
  text: string;
  /** What went into each gap, left to right. */
  fills: string[];
  /** The ranking score: mean of forward and backward ln P (forward only for one direction). */
  logprobLn: number;
  forwardLogprobLn: number;
  /** null for a model without a backward direction. */
  backwardLogprobLn: number | null;
}

export interface FillResult {
  template: string;
  /** The directions that proposed and scored the candidates. */
  directions: Direction[];
  candidates: FillCandidate[];
}

/** Fills the gaps of `text`; a text that is not a template (no gap, two lines) throws at the call. */
export function fillGaps(model: CharLM, vocab: Vocab, text: string, options: FillOptions): Promise<FillResult> {
  return fillTemplate(model, vocab, text, parseTemplate(text, options), options);
}

async function fillTemplate(model: CharLM, vocab: Vocab, text: string, template: Template, options: FillOptions): Promise<FillResult> {
  const directions = directionsOf(model.config.cell);
  // Proposals from each direction, merged by sentence (the first fills found are kept).
  const proposed = new Map<string, string[]>();
  for (const direction of directions) {
    const fillsFound = await withBrancher(model, direction, (brancher) => propose(brancher, vocab, template, direction, options.beam));
    for (const fills of fillsFound) {
      const sentence = applyFills(template, fills);
      if (!proposed.has(sentence)) proposed.set(sentence, fills);
    }
  }
  const scorer = new SentenceScorer(model, vocab);
  const both = directions.length === 2;
  const candidates: FillCandidate[] = [];
  for (const [sentence, fills] of proposed) {
    const forward = (await scorer.score(sentence, 'forward')).logprobLn;
    const backward = both ? (await scorer.score(sentence, 'backward')).logprobLn : null;
    candidates.push({
      text: sentence,
      fills,
      logprobLn: backward === null ? forward : (forward + backward) / 2,
      forwardLogprobLn: forward,
      backwardLogprobLn: backward,
    });
  }
  candidates.sort((a, b) => b.logprobLn - a.logprobLn || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return { template: text, directions, candidates: candidates.slice(0, options.top) };
}

interface Partial {
  branch: Branch;
  /** ln P of what has been read so far (for pruning only; the ranking rescores whole sentences). */
  score: number;
  fills: string[];
}

/** Complete fills proposed by one direction's beam search over the template. */
async function propose(brancher: Brancher, vocab: Vocab, template: Template, direction: Direction, beam: number): Promise<string[][]> {
  const items = direction === 'forward' ? template.items : [...template.items].reverse();
  let partials: Partial[] = [{ branch: await brancher.root([EOS_ID]), score: 0, fills: new Array<string>(template.gaps).fill('') }];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const last = i === items.length - 1;
    if (item.kind === 'char') {
      const id = vocab.idOf(item.ch);
      // The state after the last character is never needed: candidates are rescored whole.
      const read: Partial[] = [];
      for (const p of partials)
        read.push({
          branch: last ? p.branch : await brancher.extend(p.branch, id),
          score: p.score + p.branch.logprobs[id],
          fills: p.fills,
        });
      partials = read;
      continue;
    }
    let frontier = partials;
    const out: Partial[] = [];
    for (let k = 1; k <= item.max; k++) {
      frontier = await expand(brancher, vocab, frontier, item.index, direction, beam, last && k === item.max);
      if (k >= item.min) out.push(...frontier);
    }
    partials = out;
  }
  return partials.map((p) => p.fills);
}

/** The `beam` best one-character extensions of the partials at gap `index`. */
async function expand(
  brancher: Brancher,
  vocab: Vocab,
  partials: Partial[],
  index: number,
  direction: Direction,
  beam: number,
  last: boolean,
): Promise<Partial[]> {
  const V = vocab.size;
  const candidates: { from: number; id: number; score: number }[] = [];
  partials.forEach((p, from) => {
    for (let id = 0; id < V; id++)
      if (id !== EOS_ID && id !== UNK_ID) candidates.push({ from, id, score: p.score + p.branch.logprobs[id] });
  });
  candidates.sort((x, y) => y.score - x.score || x.from - y.from || x.id - y.id);
  const kept: Partial[] = [];
  for (const c of candidates.slice(0, beam)) {
    const p = partials[c.from];
    const ch = vocab.symbolOf(c.id);
    const fills = p.fills.slice();
    fills[index] = direction === 'forward' ? fills[index] + ch : ch + fills[index];
    kept.push({ branch: last ? p.branch : await brancher.extend(p.branch, c.id), score: c.score, fills });
  }
  return kept;
}
