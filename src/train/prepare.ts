/**
 * From corpus text to what the training loop consumes: the vocabulary (rare characters folded
 * into <UNK>; or, fine-tuning, the model's own, perhaps extended), the encoded id stream, and its
 * train / validation split (the end of the text; the end of each file for several).
 *
 * The text is a string (the library API) or any CodePointSource (a file read in chunks, stdin
 * bytes, several files): two passes, counting then encoding, so a big file never becomes a JS string.
 */
import { CharnnError, UsageError } from '../errors.js';
import { charCounts, countSource, encodeSource } from '../data/corpus.js';
import { stringSource, type CodePointSource } from '../data/source.js';
import { splitTrainValParts } from '../data/split-parts.js';
import type { TrainValSplit } from '../data/split.js';
import { Vocab } from '../tokenizer/vocab.js';
import { formatCountOf } from '../util/format-count.js';

/** The vocabulary of a run that starts from a model (--init), or resumes one that did. */
export interface BaseVocab {
  vocab: Vocab;
  /** Add the text's characters that the vocabulary lacks (seen at least minCount times) as new symbols. */
  extend: boolean;
}

/** Characters of the text outside a base vocabulary, which count as <UNK>. */
export interface Outside {
  /** Occurrences. */
  count: number;
  /** Characters of the text (line ends excluded). */
  of: number;
  /** The commonest of them, most frequent first (at most 10). */
  commonest: string[];
  /** How many different ones. */
  kinds: number;
}

export interface PreparedCorpus {
  vocab: Vocab;
  split: TrainValSplit;
  /** Characters encoded as <UNK>. */
  unk: number;
  lines: number;
  /** Parts of the source (files): 1 for a string or a single file. */
  parts: number;
  /** With a base vocabulary: what it lacks and was not added; and the symbols added (--extend-vocab). */
  outside: Outside | null;
  added: string[];
}

export function prepareCorpus(
  text: string | CodePointSource,
  name: string,
  minCount: number,
  valFrac: number,
  base: BaseVocab | null = null,
): PreparedCorpus {
  const source = typeof text === 'string' ? stringSource(text, name) : text;
  const counts = countSource(source);
  if (counts.chars === 0) {
    throw new CharnnError(
      `${name}: the corpus has no characters to learn from (it is empty or only line ends)`,
      'train on a text file with at least one non-empty line',
    );
  }
  const chars = charCounts(counts);
  let vocab: Vocab;
  let outside: Outside | null = null;
  let added: string[] = [];
  if (base === null) {
    vocab = Vocab.build(chars, minCount);
    if (vocab.size === 2) {
      // Only <EOS> and <UNK>: every character would be <UNK>, and the model would learn line lengths.
      let most = 0;
      for (const n of chars.values()) most = Math.max(most, n);
      throw new UsageError(
        `--min-count ${minCount} leaves no characters in the vocabulary: the most frequent character of ${name} occurs ${formatCountOf(most, 'time')}`,
        `lower --min-count (1 keeps every character)`,
      );
    }
  } else {
    ({ vocab, outside, added } = baseVocab(base, chars, counts.chars, minCount));
  }
  const corpus = encodeSource(source, vocab, counts);
  const split = splitTrainValParts(corpus, counts.partLines ?? [counts.lines], valFrac, vocab.size);
  return { vocab, split, unk: corpus.unk, lines: corpus.lines, parts: counts.partLines?.length ?? 1, outside, added };
}

/** A model's vocabulary for this text: extended with its new characters, or not; and what stays outside. */
function baseVocab(base: BaseVocab, chars: Map<string, number>, total: number, minCount: number) {
  const missing = [...chars].filter(([ch]) => base.vocab.idOf(ch) === 1 /* <UNK> */);
  // Added in code point order after every existing symbol: each keeps its id.
  const added = base.extend
    ? missing
        .filter(([, n]) => n >= minCount)
        .map(([ch]) => ch)
        .sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)
    : [];
  const vocab = added.length > 0 ? Vocab.fromSymbols([...base.vocab.symbols, ...added]) : base.vocab;
  const left = missing.filter(([ch]) => !added.includes(ch)).sort((a, b) => b[1] - a[1] || a[0].codePointAt(0)! - b[0].codePointAt(0)!);
  const count = left.reduce((n, [, c]) => n + c, 0);
  const outside: Outside | null =
    count > 0 ? { count, of: total, commonest: left.slice(0, 10).map(([ch]) => ch), kinds: left.length } : null;
  return { vocab, outside, added };
}
