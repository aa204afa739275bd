/**
 * "Is it just copying the training text?": for each generated text, the longest stretch of it
 * that occurs verbatim in a corpus, and the share of its characters that lie inside stretches of
 * at least `minSpan` (20) characters found there, so that a sample which strings quotes together
 * shows a high share even when no one quote is long.
 *
 * One pass over the corpus, however big (it is never held whole: a source is read in chunks),
 * through the suffix automaton of the texts (sample-automaton.ts): the work is one or two table
 * lookups per corpus character, and the memory that of the texts. Characters are code points,
 * line ends folded as everywhere (a '\n' in a text matches a line end of the corpus, so a
 * stretch may run over several lines; the end of one file and the start of the next count as
 * adjacent lines).
 */
import { stringSource, type CodePointSource } from '../data/source.js';
import { SampleAutomaton } from './sample-automaton.js';

/** Stretches shorter than this do not count as copied (common phrases do occur). */
export const COPY_SPAN = 20;

export interface CopyReport {
  /** The longest stretch of the text that occurs verbatim in the corpus ('' when none), and its length in characters. */
  longestCopied: { text: string; chars: number };
  /** Characters of the text inside stretches of at least minSpan characters that occur in the corpus. */
  copiedChars: number;
  /** Characters of the text (a line end counts as one). */
  chars: number;
  /** copiedChars / chars (0 for an empty text). */
  copiedShare: number;
}

/** A text's code points, line ends folded as a corpus's are. */
export function codePointsOf(text: string): Int32Array {
  const parts: Int32Array[] = [];
  stringSource(text).forEachChunk((cps, n) => parts.push(cps.slice(0, n)));
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function checkCopies(texts: readonly string[], corpus: CodePointSource, minSpan = COPY_SPAN): CopyReport[] {
  const points = texts.map(codePointsOf);
  const sam = new SampleAutomaton(points);
  const best = matchCorpus(sam, corpus);
  const ends = endMatches(sam, best);
  return points.map((cps, i) => report(cps, ends.subarray(sam.starts[i], sam.starts[i] + cps.length), minSpan));
}

/** For each state, the longest of its strings read in the corpus (0: none). */
function matchCorpus(sam: SampleAutomaton, corpus: CodePointSource): Int32Array {
  const best = new Int32Array(sam.states);
  const { len, link } = sam;
  let v = 0; // the state of the longest suffix of the corpus so far that occurs in the texts
  let l = 0; // its length
  corpus.forEachChunk((cps, n) => {
    let state = v;
    let length = l;
    for (let k = 0; k < n; k++) {
      const symbol = sam.symbolOf(cps[k]);
      if (symbol < 0) {
        state = 0;
        length = 0;
        continue;
      }
      for (;;) {
        const to = sam.step(state, symbol);
        if (to >= 0) {
          state = to;
          length++;
          break;
        }
        if (state === 0) {
          length = 0;
          break;
        }
        state = link[state];
        length = len[state];
      }
      if (length > best[state]) best[state] = length;
    }
    v = state;
    l = length;
  });
  return best;
}

/**
 * For each position p of the texts, the length of the longest substring ending at p that occurs
 * in the corpus: a string that occurs makes every suffix occur, so a state whose strings were
 * read makes its suffix link's all read; then the first state up the links from p's with any
 * read strings holds the answer.
 */
function endMatches(sam: SampleAutomaton, best: Int32Array): Int32Array {
  const { len, link, states } = sam;
  // States by length, shortest first (a link is always shorter): a counting sort.
  const order = new Int32Array(states);
  const count = new Int32Array(len.reduce((m, x) => Math.max(m, x), 0) + 2);
  for (let v = 0; v < states; v++) count[len[v] + 1]++;
  for (let i = 1; i < count.length; i++) count[i] += count[i - 1];
  for (let v = 0; v < states; v++) order[count[len[v]]++] = v;
  for (let i = states - 1; i > 0; i--) {
    const v = order[i];
    if (best[v] > 0 && best[link[v]] < len[link[v]]) best[link[v]] = len[link[v]];
  }
  const up = new Int32Array(states);
  for (let i = 1; i < states; i++) {
    const v = order[i];
    up[v] = best[v] > 0 ? best[v] : up[link[v]];
  }
  return sam.endState.map((s) => up[s]);
}

/** A text's report from the match length ending at each of its positions. */
function report(cps: Int32Array, ends: Int32Array, minSpan: number): CopyReport {
  let longest = 0;
  let longestEnd = -1;
  for (let p = 0; p < ends.length; p++) {
    if (ends[p] > longest) {
      longest = ends[p];
      longestEnd = p;
    }
  }
  // Covered: inside [p - ends[p] + 1, p] for some p with ends[p] >= minSpan; read from the end,
  // keeping the leftmost start of the stretches that end at or after i.
  let copied = 0;
  let reach = Infinity;
  for (let i = ends.length - 1; i >= 0; i--) {
    if (ends[i] >= minSpan) reach = Math.min(reach, i - ends[i] + 1);
    if (reach <= i) copied++;
  }
  const text = textOf(cps.subarray(longestEnd - longest + 1, longestEnd + 1));
  return {
    longestCopied: { text, chars: longest },
    copiedChars: copied,
    chars: cps.length,
    copiedShare: cps.length > 0 ? copied / cps.length : 0,
  };
}

/** Code points as a string (in pieces: a spread of a long array would overflow the stack). */
function textOf(cps: Int32Array): string {
  let s = '';
  for (let at = 0; at < cps.length; at += 4096) s += String.fromCodePoint(...cps.subarray(at, at + 4096));
  return s;
}
