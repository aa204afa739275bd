/**
 * Stop strings: generation ends when the generated text ends with one of them, and the stop
 * string itself is never emitted. Characters that might be the start of a stop string are held
 * back until they cannot be (so a streamed sample never shows half a stop string).
 *
 * Texts here are arrays of characters (code points, '\n' for <EOS>) in GENERATION order: for the
 * backward model, which generates right to left, the stop strings are reversed, so "the
 * generated text ends with s" reads "the text, as printed, begins with s".
 */

/** Stop strings as code-point arrays in generation order. */
export function stopSequences(stops: readonly string[], reversed: boolean): string[][] {
  return stops.map((s) => {
    const cps = Array.from(s);
    return reversed ? cps.reverse() : cps;
  });
}

/** Length of the longest stop sequence that `text` (generation order) ends with; 0 if none. */
export function endingStopLength(text: readonly string[], stops: readonly string[][]): number {
  let longest = 0;
  for (const s of stops) if (s.length > longest && endsWith(text, s, text.length)) longest = s.length;
  return longest;
}

function endsWith(text: readonly string[], s: readonly string[], end: number): boolean {
  if (s.length > end) return false;
  const o = end - s.length;
  for (let i = 0; i < s.length; i++) if (text[o + i] !== s[i]) return false;
  return true;
}

function startsWith(s: readonly string[], part: readonly string[], from: number): boolean {
  const n = part.length - from;
  if (n > s.length) return false;
  for (let i = 0; i < n; i++) if (s[i] !== part[from + i]) return false;
  return true;
}

/** Watches a stream of generated characters for the stop sequences. */
export class StopMatcher {
  private held: string[] = [];
  private readonly maxLen: number;
  /** The stop sequence found (generation order), once one is. */
  matched: string[] | null = null;

  constructor(private readonly stops: readonly string[][]) {
    this.maxLen = stops.reduce((m, s) => Math.max(m, s.length), 0);
  }

  /**
   * One more generated character. Returns the characters now safe to emit, in order; when the
   * text now ends with a stop sequence (the longest, if several), `matched` is set and what
   * is returned is everything before it.
   */
  push(ch: string): string[] {
    if (this.maxLen === 0) return [ch];
    const held = this.held;
    held.push(ch);
    const n = endingStopLength(held, this.stops);
    if (n > 0) {
      this.matched = held.slice(held.length - n);
      this.held = [];
      return held.slice(0, held.length - n);
    }
    // Keep the longest tail that is still the start of some stop sequence; release the rest.
    let keep = Math.min(held.length, this.maxLen - 1);
    while (keep > 0 && !this.stops.some((s) => startsWith(s, held, held.length - keep))) keep--;
    this.held = held.slice(held.length - keep);
    return held.slice(0, held.length - keep);
  }

  /** The characters still held back (generation ended without a match). */
  flush(): string[] {
    const out = this.held;
    this.held = [];
    return out;
  }
}
