/**
 * The character vocabulary: Unicode code points <-> integer ids.
 *
 * Layout: id 0 is `<EOS>` (end of sentence = end of line; the newline itself is never a
 * symbol), id 1 is `<UNK>` (any character not in the vocabulary, including characters too
 * rare in the training corpus), then every kept character sorted by code point, so the same
 * corpus and min-count always give the same ids on every machine.
 */
import { CharnnError, UsageError } from '../errors.js';
import { describe } from '../util/arguments.js';

export const EOS = '<EOS>';
export const UNK = '<UNK>';
export const EOS_ID = 0;
export const UNK_ID = 1;

/** What `decode` renders `<UNK>` as: the Unicode replacement character. */
const UNK_RENDER = '\uFFFD';

export class Vocab {
  /** id -> symbol; [0] = '<EOS>', [1] = '<UNK>', then characters sorted by code point. */
  readonly symbols: readonly string[];

  // Lookup code point -> id. A dense table covers the BMP (one array read per character when
  // encoding a big corpus); astral characters (emoji, rare CJK) go through a Map.
  private readonly bmp: Int32Array; // (65536) id, or -1 when absent
  private readonly astral: Map<number, number>;

  private constructor(symbols: readonly string[]) {
    this.symbols = Object.freeze(symbols.slice());
    this.bmp = new Int32Array(0x10000).fill(-1);
    this.astral = new Map();
    for (let id = 2; id < symbols.length; id++) {
      const cp = symbols[id].codePointAt(0)!;
      if (cp < 0x10000) this.bmp[cp] = id;
      else this.astral.set(cp, id);
    }
  }

  get size(): number {
    return this.symbols.length;
  }

  /**
   * Vocabulary from character counts: characters seen at least `minCount` times get ids;
   * rarer ones are left out so they map to `<UNK>` and `<UNK>` gets real training mass.
   * Line ends in `counts` are ignored (a line end is `<EOS>`, not a character).
   */
  static build(counts: Map<string, number>, minCount: number): Vocab {
    if (!(counts instanceof Map))
      throw new UsageError(`Vocab.build: counts must be a Map of characters to counts, got ${describe(counts)}`);
    if (!Number.isFinite(minCount)) throw new CharnnError(`min-count must be a number, got ${minCount}`);
    const kept: string[] = [];
    for (const [ch, n] of counts) {
      if (ch === '\n' || ch === '\r') continue;
      if (!isOneCodePoint(ch)) {
        throw new CharnnError(`character counts contain ${JSON.stringify(ch)}, which is not one code point`);
      }
      if (n >= minCount && n > 0) kept.push(ch);
    }
    kept.sort(byCodePoint);
    return new Vocab([EOS, UNK, ...kept]);
  }

  /** Rebuild a vocabulary from its symbol list (e.g. stored in a checkpoint), checking it. */
  static fromSymbols(symbols: readonly string[]): Vocab {
    if (!Array.isArray(symbols)) throw new UsageError(`Vocab.fromSymbols: symbols must be an array of strings, got ${describe(symbols)}`);
    if (!Array.isArray(symbols) || symbols.length < 2 || symbols[0] !== EOS || symbols[1] !== UNK) {
      throw new CharnnError(`invalid vocabulary: it must start with "${EOS}", "${UNK}"`);
    }
    const seen = new Set<string>();
    for (let id = 2; id < symbols.length; id++) {
      const s = symbols[id];
      if (typeof s !== 'string' || !isOneCodePoint(s)) {
        throw new CharnnError(`invalid vocabulary: entry ${id} (${JSON.stringify(s)}) is not exactly one character`);
      }
      if (s === '\n' || s === '\r') {
        throw new CharnnError(`invalid vocabulary: entry ${id} is a line end (line ends are ${EOS})`);
      }
      if (seen.has(s)) {
        throw new CharnnError(`invalid vocabulary: entry ${id} (${JSON.stringify(s)}) appears twice`);
      }
      seen.add(s);
    }
    return new Vocab(symbols);
  }

  /**
   * Id of one character (code point); `<UNK>` if it is not in the vocabulary. The special
   * names '<EOS>' / '<UNK>' give their own ids (so idOf(symbolOf(i)) === i), and '\n' gives
   * `<EOS>` because a line end is what `<EOS>` stands for.
   */
  idOf(char: string): number {
    if (char === EOS || char === '\n') return EOS_ID;
    if (char === UNK) return UNK_ID;
    if (!isOneCodePoint(char)) {
      throw new CharnnError(`idOf expects one character, got ${JSON.stringify(char)}`);
    }
    return this.idOfCodePoint(char.codePointAt(0)!);
  }

  /** Id of a code point; `<UNK>` if absent. The hot path for encoding whole corpora. */
  idOfCodePoint(cp: number): number {
    if (cp === 0x0a) return EOS_ID;
    const id = cp < 0x10000 ? this.bmp[cp] : (this.astral.get(cp) ?? -1);
    return id < 0 ? UNK_ID : id;
  }

  /** The character of an id; '<EOS>' / '<UNK>' for the specials. */
  symbolOf(id: number): string {
    this.checkId(id);
    return this.symbols[id];
  }

  /** A line's code points as ids. No `<EOS>` is appended: the caller decides sentence ends. */
  encodeLine(line: string): Int32Array {
    const out = new Int32Array(line.length); // code points <= UTF-16 units
    let n = 0;
    for (let i = 0; i < line.length;) {
      const cp = line.codePointAt(i)!;
      out[n++] = this.idOfCodePoint(cp);
      i += cp > 0xffff ? 2 : 1;
    }
    return n === out.length ? out : out.slice(0, n);
  }

  /** Ids back to text: `<EOS>` becomes '\n', `<UNK>` becomes U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      this.checkId(id);
      s += id === EOS_ID ? '\n' : id === UNK_ID ? UNK_RENDER : this.symbols[id];
    }
    return s;
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.symbols.length) {
      throw new CharnnError(`token id ${id} is outside the vocabulary (size ${this.symbols.length})`);
    }
  }
}

function isOneCodePoint(s: string): boolean {
  if (s.length === 0 || s.length > 2) return false;
  const cp = s.codePointAt(0)!;
  return s.length === (cp > 0xffff ? 2 : 1);
}

/** Sort by code point (plain string sort is by UTF-16 unit, which misorders astral chars). */
function byCodePoint(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}
