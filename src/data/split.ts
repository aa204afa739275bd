/**
 * Hold out the end of the corpus as validation text.
 *
 * The cut is made at a line boundary whenever possible, so the validation stream is exactly
 * what `encodeCorpus` would produce for the remaining lines on their own (it starts with the
 * `<EOS>` that precedes its first line) and validation loss means "loss on unseen sentences".
 * Both halves are views into the corpus ids (subarray): no copies.
 */
import { UsageError } from '../errors.js';
import type { EncodedCorpus } from './corpus.js';
import type { IdArray } from './ids.js';

export interface TrainValSplit {
  /** ids[0 .. cut): ends with the `<EOS>` closing the last training line. */
  train: IdArray;
  /** ids[cut - 1 ..): starts with that same `<EOS>` (the input before the first val char). */
  val: IdArray;
  /** Index of the first validation line; `lines` when there is no validation text; -1 when
   *  the cut fell inside a line (see splitTrainVal). */
  valStartLine: number;
}

/** Split off the last `valFrac` (0 <= valFrac < 1) of the corpus for validation. */
export function splitTrainVal(corpus: EncodedCorpus, valFrac: number): TrainValSplit {
  if (!(valFrac >= 0 && valFrac < 1)) {
    throw new UsageError(`validation fraction must be in [0, 1), got ${valFrac}`);
  }
  const { ids, lines, lineStarts } = corpus;
  const n = ids.length;
  // Both sides need at least one (input, target) pair, i.e. 2 ids; with fewer than 3 ids
  // that is impossible, so everything is training text.
  if (valFrac === 0 || n < 3) {
    return { train: ids, val: ids.subarray(n), valStartLine: lines };
  }
  const target = (1 - valFrac) * n;

  if (lines >= 2) {
    // Line k's start for k in 1..lines-1 (cutting before line 0 would leave no training text).
    // Every such cut leaves >= 2 ids on each side: line 0 plus both EOS before it; line k's
    // characters (maybe none) plus its EOS and the EOS before it.
    const k = closestLineStart(lineStarts, lines, target);
    const cut = lineStarts[k];
    return { train: ids.subarray(0, cut), val: ids.subarray(cut - 1), valStartLine: k };
  }

  // One line (a text without line ends): no line boundary to cut at, so cut at the exact id
  // position. The validation text then starts mid-line, with the character before the cut
  // as its first input; valStartLine = -1 says so.
  const cut = Math.min(n - 1, Math.max(2, Math.round(target)));
  return { train: ids.subarray(0, cut), val: ids.subarray(cut - 1), valStartLine: -1 };
}

/** The k in [1, lines-1] whose lineStarts[k] is nearest to target (earlier k on ties). */
function closestLineStart(lineStarts: Int32Array, lines: number, target: number): number {
  // lineStarts is increasing: binary search for the first start >= target, then compare
  // with its left neighbour.
  let lo = 1;
  let hi = lines - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lineStarts[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 1 && target - lineStarts[lo - 1] <= lineStarts[lo] - target) return lo - 1;
  return lo;
}
