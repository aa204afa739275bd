// The copy check (issue 15, item 4) against a brute-force reference on small texts: for each
// text, the longest stretch found verbatim in the corpus and the characters inside stretches of
// at least minSpan found there, the reference trying every substring with String.includes. Many
// texts at once (one automaton), corpora read in small chunks (matches across chunk boundaries),
// astral characters and line ends; and the suffix automaton's own invariants.
import { describe, expect, it } from 'vitest';
import { checkCopies, codePointsOf } from '../../src/copycheck/copy-check.js';
import { SampleAutomaton } from '../../src/copycheck/sample-automaton.js';
import { bytesSource, stringSource } from '../../src/data/source.js';
import { Rng } from '../../src/util/rng.js';

/** The obvious way: every substring of the text, looked for in the corpus. */
function reference(text: string, corpus: string, minSpan: number) {
  const cps = Array.from(text);
  const n = cps.length;
  const occurs = (i: number, j: number) => corpus.includes(cps.slice(i, j + 1).join(''));
  let longest = { text: '', chars: 0 };
  const covered = new Array<boolean>(n).fill(false);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      if (!occurs(i, j)) continue;
      const k = j - i + 1;
      if (k > longest.chars) longest = { text: cps.slice(i, j + 1).join(''), chars: k };
      if (k >= minSpan) for (let c = i; c <= j; c++) covered[c] = true;
      break; // the longest ending at j; shorter ones are inside it
    }
  }
  const copied = covered.filter(Boolean).length;
  return { longestCopied: longest, copiedChars: copied, chars: n, copiedShare: n > 0 ? copied / n : 0 };
}

function randomText(rng: Rng, n: number, alphabet: string[]): string {
  return Array.from({ length: n }, () => alphabet[rng.nextUint32() % alphabet.length]).join('');
}

describe('checkCopies against the brute-force reference', () => {
  it('random texts and corpora over small alphabets (many matches), several texts at once, chunked corpora', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 150; trial++) {
      const alphabet = trial % 3 === 0 ? ['a', 'b'] : trial % 3 === 1 ? ['a', 'b', 'c', '\n'] : ['x', 'y', '😀', ' ', '\n'];
      const corpus = randomText(rng, 1 + (rng.nextUint32() % 300), alphabet);
      // Texts: random, or pieces of the corpus with changes, so long stretches occur.
      const texts = Array.from({ length: 1 + (rng.nextUint32() % 4) }, () => {
        if (rng.nextUint32() % 2 === 0) return randomText(rng, rng.nextUint32() % 40, alphabet);
        const cps = Array.from(corpus);
        const from = rng.nextUint32() % cps.length;
        const piece = cps.slice(from, from + 5 + (rng.nextUint32() % 40));
        return randomText(rng, rng.nextUint32() % 5, alphabet) + piece.join('') + randomText(rng, rng.nextUint32() % 5, alphabet);
      });
      const minSpan = 1 + (rng.nextUint32() % 8);
      const got = checkCopies(texts, stringSource(corpus, 'corpus', 1 + (rng.nextUint32() % 17)), minSpan);
      texts.forEach((t, i) =>
        expect(got[i], `trial ${trial}, text ${i}: ${JSON.stringify(t)} in ${JSON.stringify(corpus)}`).toEqual(
          reference(t, corpus, minSpan),
        ),
      );
    }
  });

  it('a text that is all corpus is all copied; one that shares nothing, none; an empty text, 0', () => {
    const corpus = 'The old mill is by the river.\nThe baker sings in the morning.\n';
    const [all, none, empty] = checkCopies(
      ['mill is by the river.\nThe baker sings', 'zzzzzzzzzzzzzzzzzzzzzzzz', ''],
      stringSource(corpus),
    );
    expect(all).toEqual({
      longestCopied: { text: 'mill is by the river.\nThe baker sings', chars: 37 },
      copiedChars: 37,
      chars: 37,
      copiedShare: 1,
    });
    expect(none).toEqual({ longestCopied: { text: '', chars: 0 }, copiedChars: 0, chars: 24, copiedShare: 0 });
    expect(empty.copiedShare).toBe(0);
  });

  it('line ends folded as in any corpus: a text with \\r\\n matches one with \\n; UTF-8 bytes read in chunks as the string', () => {
    const corpus = 'first line of it\r\nsecond line of it\r\n';
    const bytes = new TextEncoder().encode(corpus);
    const text = 'line of it\nsecond line';
    const fromBytes = checkCopies([text], bytesSource([bytes.subarray(0, 7), bytes.subarray(7)], 'c', 3));
    expect(fromBytes[0].longestCopied.chars).toBe(22);
    expect(fromBytes).toEqual(checkCopies([text.replace('\n', '\r\n')], stringSource(corpus)));
  });
});

describe('the suffix automaton', () => {
  it('has at most 2n states; each state read from the root along its longest string; every substring accepted, others not', () => {
    const rng = new Rng(8);
    for (let trial = 0; trial < 30; trial++) {
      const text = randomText(rng, 1 + (rng.nextUint32() % 60), ['a', 'b', 'c']);
      const sam = new SampleAutomaton([codePointsOf(text)]);
      const n = text.length + 1; // the separator too
      expect(sam.states).toBeLessThanOrEqual(Math.max(2, 2 * n - 1));
      const walk = (s: string) => {
        let v = 0;
        for (const ch of s) {
          const sym = sam.symbolOf(ch.codePointAt(0)!);
          if (sym < 0) return -1;
          v = sam.step(v, sym);
          if (v < 0) return -1;
        }
        return v;
      };
      for (let i = 0; i < text.length; i++)
        for (let j = i + 1; j <= text.length; j++) {
          const v = walk(text.slice(i, j));
          expect(v).toBeGreaterThan(-1);
          expect(sam.len[v]).toBeGreaterThanOrEqual(j - i);
          expect(sam.len[sam.link[v]]).toBeLessThan(j - i);
        }
      for (let k = 0; k < 20; k++) {
        const s = randomText(rng, 1 + (rng.nextUint32() % 8), ['a', 'b', 'c']);
        expect(walk(s) >= 0).toBe(text.includes(s));
      }
    }
  });
});
