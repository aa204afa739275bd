/**
 * From corpus text to what the training loop consumes: the vocabulary (rare characters folded
 * into <UNK>), the encoded id stream, and its train / validation split.
 */
import { CharnnError } from '../errors.js';
import { countChars, encodeCorpus, type EncodedCorpus } from '../data/corpus.js';
import { splitTrainVal, type TrainValSplit } from '../data/split.js';
import { Vocab } from '../tokenizer/vocab.js';

export interface PreparedCorpus {
  vocab: Vocab;
  corpus: EncodedCorpus;
  split: TrainValSplit;
}

export function prepareCorpus(text: string, name: string, minCount: number, valFrac: number): PreparedCorpus {
  const counts = countChars(text);
  if (counts.size === 0) {
    throw new CharnnError(`${name}: the corpus has no characters to learn from (it is empty or only line ends)`, 'train on a text file with at least one non-empty line');
  }
  const vocab = Vocab.build(counts, minCount);
  const corpus = encodeCorpus(text, vocab);
  const split = splitTrainVal(corpus, valFrac);
  return { vocab, corpus, split };
}
