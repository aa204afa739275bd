/**
 * The suffix automaton of a few texts (generated samples), for finding which of their substrings
 * occur in a corpus with one pass over the corpus (copy-check.ts).
 *
 * The automaton is built over T = sample 0, SEP, sample 1, SEP, ... (code points mapped to small
 * symbol ids; SEP is a symbol no corpus character maps to, so no match crosses from one sample
 * into the next). Its states are the classes of substrings of T with the same end positions;
 * state v holds the strings of lengths (len[link[v]], len[v]], each a suffix of the next, and
 * link[v] is the state of the longest suffix not in v (Blumer et al. 1985; the textbook online
 * construction, with clones).
 *
 * Reading the corpus through it (matchCorpus), the current state and length always name the
 * longest suffix of the corpus read so far that is a substring of T; the longest such length seen
 * in each state, spread down the suffix links (a string that occurs makes its suffixes occur),
 * tells for every end position p of T the longest substring of T ending at p that occurs in the
 * corpus (endMatches). Time: linear in |T| to build, one or two table lookups per corpus
 * character on average to match.
 */

/** Symbol of the separator between samples. */
const SEP = 0;

export class SampleAutomaton {
  /** Code point -> symbol (1..), for the characters of the samples; 0 (SEP) for any other. */
  private readonly bmp = new Int32Array(0x10000);
  private readonly astral = new Map<number, number>();
  /** The texts one after another, separated by SEP, as symbols; and where each text starts in it. */
  readonly symbols: Int32Array;
  readonly starts: number[];
  /** Per state. */
  readonly len: Int32Array;
  readonly link: Int32Array;
  /** The state of each prefix T[0..p]: the state reached after adding T[p]. */
  readonly endState: Int32Array;
  readonly states: number;
  private readonly edges: EdgeTable;

  constructor(texts: readonly Int32Array[]) {
    let next = 1;
    const symbolOf = (cp: number) => {
      const known = cp < 0x10000 ? this.bmp[cp] : (this.astral.get(cp) ?? 0);
      if (known > 0) return known;
      if (cp < 0x10000) this.bmp[cp] = next;
      else this.astral.set(cp, next);
      return next++;
    };
    const total = texts.reduce((n, t) => n + t.length + 1, 0);
    this.symbols = new Int32Array(total);
    this.starts = [];
    let at = 0;
    for (const t of texts) {
      this.starts.push(at);
      for (let i = 0; i < t.length; i++) this.symbols[at++] = symbolOf(t[i]);
      this.symbols[at++] = SEP;
    }
    // Online construction; transitions in a Map per state while building (clones copy them).
    const cap = Math.max(2, 2 * total);
    const len = new Int32Array(cap);
    const link = new Int32Array(cap).fill(-1);
    const trans: Map<number, number>[] = [new Map()];
    const endState = new Int32Array(total);
    let size = 1;
    let last = 0;
    for (let p = 0; p < total; p++) {
      const c = this.symbols[p];
      const cur = size++;
      len[cur] = len[last] + 1;
      trans[cur] = new Map();
      let v = last;
      while (v !== -1 && !trans[v].has(c)) {
        trans[v].set(c, cur);
        v = link[v];
      }
      if (v === -1) link[cur] = 0;
      else {
        const q = trans[v].get(c)!;
        if (len[v] + 1 === len[q]) link[cur] = q;
        else {
          const clone = size++;
          len[clone] = len[v] + 1;
          trans[clone] = new Map(trans[q]);
          link[clone] = link[q];
          while (v !== -1 && trans[v].get(c) === q) {
            trans[v].set(c, clone);
            v = link[v];
          }
          link[q] = clone;
          link[cur] = clone;
        }
      }
      last = cur;
      endState[p] = cur;
    }
    this.states = size;
    this.len = len.subarray(0, size);
    this.link = link.subarray(0, size);
    this.endState = endState;
    this.edges = new EdgeTable(trans);
  }

  /** The symbol of a corpus code point: -1 for one no sample has (it matches nothing). */
  symbolOf(cp: number): number {
    const s = cp < 0x10000 ? this.bmp[cp] : (this.astral.get(cp) ?? 0);
    return s > 0 ? s : -1;
  }

  /** The state after `state` reads `symbol`, or -1. */
  step(state: number, symbol: number): number {
    return this.edges.get(state, symbol);
  }
}

/** Largest dense transition table (states x symbols), in entries: 16 MB. */
const DENSE_MAX = 1 << 22;

/**
 * The transitions in typed arrays: the corpus pass looks one up per character, and a JS Map per
 * state would cost several times as much. A dense states x symbols table where it is small (a
 * few samples of a few hundred characters: the usual case), else one open-addressing hash table
 * over (state, symbol).
 */
class EdgeTable {
  private readonly dense: Int32Array | null = null;
  private readonly width: number = 0;
  private readonly states: Int32Array = new Int32Array(0);
  private readonly symbols: Int32Array = new Int32Array(0);
  private readonly targets: Int32Array = new Int32Array(0);
  private readonly mask: number = 0;

  constructor(next: readonly Map<number, number>[]) {
    let count = 0;
    let width = 0;
    for (const m of next) {
      count += m.size;
      for (const symbol of m.keys()) width = Math.max(width, symbol + 1);
    }
    if (next.length * width <= DENSE_MAX) {
      this.width = width;
      this.dense = new Int32Array(next.length * width).fill(-1);
      next.forEach((m, state) => m.forEach((target, symbol) => (this.dense![state * width + symbol] = target)));
      return;
    }
    let cap = 16;
    while (cap < 2 * count) cap *= 2;
    this.mask = cap - 1;
    this.states = new Int32Array(cap).fill(-1);
    this.symbols = new Int32Array(cap);
    this.targets = new Int32Array(cap);
    next.forEach((m, state) => {
      for (const [symbol, target] of m) {
        let h = hash(state, symbol) & this.mask;
        while (this.states[h] !== -1) h = (h + 1) & this.mask;
        this.states[h] = state;
        this.symbols[h] = symbol;
        this.targets[h] = target;
      }
    });
  }

  get(state: number, symbol: number): number {
    if (this.dense !== null) return symbol < this.width ? this.dense[state * this.width + symbol] : -1;
    let h = hash(state, symbol) & this.mask;
    for (;;) {
      const s = this.states[h];
      if (s === -1) return -1;
      if (s === state && this.symbols[h] === symbol) return this.targets[h];
      h = (h + 1) & this.mask;
    }
  }
}

function hash(state: number, symbol: number): number {
  const h = Math.imul(state, 0x9e3779b1) ^ Math.imul(symbol + 0x632be5ab, 0x85ebca77);
  return (h ^ (h >>> 15)) >>> 0;
}
