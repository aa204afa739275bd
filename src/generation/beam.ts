/**
 * The most likely continuation of a prime, by beam search: `width` partial continuations are
 * kept; at each step every one is extended by every symbol but <UNK>, and the `width` best
 * by total ln P go on. Deterministic: the model's own distribution, no temperature.
 *
 * A continuation is complete when it reaches `length` symbols, generates its `lines`-th <EOS>,
 * or ends with a stop string (stop.ts). The result is the complete continuation with the
 * highest ln P found; the search ends when no partial one can beat it (log-probabilities only
 * go down as a continuation grows). Without lines and stop strings, every candidate has exactly
 * `length` symbols. With them, shorter continuations have fewer terms and tend to win: this is
 * the most likely continuation, not the most likely per symbol.
 *
 * Width 1 is greedy decoding (temperature 0): the same symbol at every step, ties going to the
 * lower id, and the same ends.
 *
 * Dimension legend: V vocabulary, K width.
 */
import { EOS_ID, UNK_ID, type Vocab } from '../tokenizer/vocab.js';
import type { CharLM } from '../model/charlm.js';
import type { Direction } from '../model/config.js';
import { withBrancher, type Brancher, type Branch } from './brancher.js';
import { primeContext, type StopReason } from './sample.js';
import { endingStopLength, stopSequences } from './stop.js';

export interface BeamOptions {
  /** K: continuations kept at each step (1 = greedy). */
  width: number;
  prime: string;
  /** At most this many symbols. */
  length: number;
  /** Complete at the lines-th generated <EOS>; 0 = no limit. */
  lines?: number;
  stop?: readonly string[];
  direction: Direction;
}

export interface BeamResult {
  /** The continuation's characters in generation order ('\n' for <EOS>), without the stop
   *  string or the final line end that completed it. */
  chars: string[];
  /** ln P of every symbol generated, given the prime (the stop string or final <EOS> included). */
  logprobLn: number;
  /** Symbols generated, the stop string or final <EOS> included. */
  symbols: number;
  stoppedBy: StopReason;
}

/** A partial continuation: its last symbol, linked to the ones before. */
interface Node {
  parent: Node | null;
  ch: string;
  depth: number;
  eos: number;
}

interface Alive {
  node: Node | null;
  score: number;
  branch: Branch;
}

interface Candidate {
  from: number; // index into alive
  id: number;
  score: number;
}

export function beamSearch(model: CharLM, vocab: Vocab, options: BeamOptions): Promise<BeamResult> {
  return withBrancher(model, options.direction, (brancher) => search(brancher, model, vocab, options));
}

async function search(brancher: Brancher, model: CharLM, vocab: Vocab, options: BeamOptions): Promise<BeamResult> {
  const V = model.config.vocabSize;
  const K = options.width;
  const maxLines = options.lines ?? 0;
  const stops = stopSequences(options.stop ?? [], options.direction === 'backward');
  const maxStop = stops.reduce((m, s) => Math.max(m, s.length), 0);
  if (options.length === 0) return { chars: [], logprobLn: 0, symbols: 0, stoppedBy: 'length' };

  let alive: Alive[] = [{ node: null, score: 0, branch: await brancher.root(primeContext(vocab, options.prime, options.direction)) }];
  let best: { node: Node; score: number; drop: number; stoppedBy: StopReason } | null = null;
  const candidates: Candidate[] = [];
  for (let depth = 1; depth <= options.length && alive.length > 0; depth++) {
    candidates.length = 0;
    alive.forEach((a, from) => {
      for (let id = 0; id < V; id++) if (id !== UNK_ID) candidates.push({ from, id, score: a.score + a.branch.logprobs[id] });
    });
    // Best first; ties to the earlier continuation, then the lower id (as greedy's argmax).
    candidates.sort((x, y) => y.score - x.score || x.from - y.from || x.id - y.id);
    const next: { node: Node; score: number; parent: Branch; id: number }[] = [];
    for (const c of candidates) {
      if (next.length === K) break;
      if (best !== null && c.score <= best.score) break; // neither it nor any after can win
      const parent = alive[c.from];
      const node: Node = {
        parent: parent.node,
        ch: c.id === EOS_ID ? '\n' : vocab.symbolOf(c.id),
        depth,
        eos: (parent.node?.eos ?? 0) + (c.id === EOS_ID ? 1 : 0),
      };
      let end: { drop: number; stoppedBy: StopReason } | null = null;
      const stopLength = maxStop > 0 ? endingStopLength(tail(node, maxStop), stops) : 0;
      if (stopLength > 0) end = { drop: stopLength, stoppedBy: 'stop' };
      else if (c.id === EOS_ID && maxLines > 0 && node.eos === maxLines) end = { drop: 1, stoppedBy: 'lines' };
      else if (depth === options.length) end = { drop: 0, stoppedBy: 'length' };
      if (end) {
        if (best === null || c.score > best.score) best = { node, score: c.score, ...end };
        continue;
      }
      next.push({ node, score: c.score, parent: parent.branch, id: c.id });
    }
    alive = [];
    for (const n of next) alive.push({ node: n.node, score: n.score, branch: await brancher.extend(n.parent, n.id) });
  }
  // Every path ends at `length` at the latest, so one was completed.
  const found = best!;
  const chars = tail(found.node, found.node.depth);
  return {
    chars: chars.slice(0, chars.length - found.drop),
    logprobLn: found.score,
    symbols: found.node.depth,
    stoppedBy: found.stoppedBy,
  };
}

/** The last n characters of a continuation, in generation order. */
function tail(node: Node, n: number): string[] {
  const out: string[] = [];
  for (let x: Node | null = node; x !== null && out.length < n; x = x.parent) out.push(x.ch);
  return out.reverse();
}
