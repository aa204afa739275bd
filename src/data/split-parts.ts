/**
 * The validation text of a corpus of several files: the end of each file, so that every source
 * is represented in it (the end of the whole corpus would be the last file's alone).
 *
 * Each file gives the last `valFrac` of its ids, cut at a line start. The cut nearest the share
 * owed is taken; what rounding to a line leaves over is owed by the next file, so the whole
 * validation text is `valFrac` of the corpus to within a line, and a file too short to be cut (a
 * single line, a few lines in a folder of many) may go wholly to one side. The training text is
 * the files' first parts and the validation text their ends, each in file order, as one id
 * stream each in the layout of splitTrainVal (the validation stream starts with the <EOS> that
 * ends the training stream). Unlike splitTrainVal's views, these are copies: one array of the
 * corpus's size.
 */
import { UsageError } from '../errors.js';
import { EOS_ID } from '../tokenizer/vocab.js';
import type { EncodedCorpus } from './corpus.js';
import { allocIds } from './ids.js';
import { splitTrainVal, type TrainValSplit } from './split.js';

/** `partLines[i]`: the lines of file i, in corpus order (they add up to the corpus's lines). */
export function splitTrainValParts(corpus: EncodedCorpus, partLines: readonly number[], valFrac: number, vocabSize: number): TrainValSplit {
  if (partLines.length <= 1) return splitTrainVal(corpus, valFrac);
  if (!(valFrac >= 0 && valFrac < 1)) throw new UsageError(`validation fraction must be in [0, 1), got ${valFrac}`);
  const { ids, lineStarts } = corpus;
  const train: [number, number][] = [];
  const val: [number, number][] = [];
  let line = 0;
  let owed = 0;
  for (const lines of partLines) {
    if (lines === 0) continue;
    const start = lineStarts[line];
    const end = lineStarts[line + lines];
    const want = valFrac * (end - start) + owed;
    const k = nearestCut(lineStarts, line, line + lines, end - want);
    owed = want - (end - lineStarts[k]);
    train.push([start, lineStarts[k]]);
    val.push([lineStarts[k], end]);
    line += lines;
  }
  const out = allocIds(vocabSize, ids.length);
  out[0] = EOS_ID; // what the model sees before the first line
  let w = 1;
  for (const [from, to] of [...train, ...val]) {
    out.set(ids.subarray(from, to), w);
    w += to - from;
  }
  const trainEnd = 1 + train.reduce((n, [from, to]) => n + to - from, 0);
  return { train: out.subarray(0, trainEnd), val: out.subarray(trainEnd - 1), valStartLine: -1 };
}

/** The line start k in [first, last] (last: the part's end) nearest to `target`; the later one on ties (more training text). */
function nearestCut(lineStarts: Int32Array, first: number, last: number, target: number): number {
  let lo = first;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lineStarts[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  if (lo > first && target - lineStarts[lo - 1] < lineStarts[lo] - target) return lo - 1;
  return lo;
}
