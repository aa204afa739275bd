/**
 * From corpus text to what the training loop consumes: the vocabulary (rare characters folded
 * into <UNK>), the encoded id stream, and its train / validation split.
 *
 * The text is a string (the library API) or any CodePointSource (a file read in chunks, stdin
 * bytes): two passes, counting then encoding, so a big file never becomes a JS string.
 */
import { CharnnError, UsageError } from '../errors.js';
import { charCounts, countSource, encodeSource, type EncodedCorpus } from '../data/corpus.js';
import { stringSource, type CodePointSource } from '../data/source.js';
import { splitTrainVal, type TrainValSplit } from '../data/split.js';
import { Vocab } from '../tokenizer/vocab.js';

export interface PreparedCorpus {
  vocab: Vocab;
  corpus: EncodedCorpus;
  split: TrainValSplit;
}

export function prepareCorpus(text: string | CodePointSource, name: string, minCount: number, valFrac: number): PreparedCorpus {
  const source = typeof text === 'string' ? stringSource(text, name) : text;
  const counts = countSource(source);
  if (counts.chars === 0) {
    throw new CharnnError(
      `${name}: the corpus has no characters to learn from (it is empty or only line ends)`,
      'train on a text file with at least one non-empty line',
    );
  }
  const chars = charCounts(counts);
  const vocab = Vocab.build(chars, minCount);
  if (vocab.size === 2) {
    // Only <EOS> and <UNK>: every character would be <UNK>, and the model would learn line lengths.
    let most = 0;
    for (const n of chars.values()) most = Math.max(most, n);
    throw new UsageError(
      `--min-count ${minCount} leaves no characters in the vocabulary: the most frequent character of ${name} occurs ${most} time${most === 1 ? '' : 's'}`,
      `lower --min-count (1 keeps every character)`,
    );
  }
  const corpus = encodeSource(source, vocab, counts);
  const split = splitTrainVal(corpus, valFrac);
  return { vocab, corpus, split };
}
