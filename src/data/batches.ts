/**
 * Truncated-BPTT batches: the id stream is cut into B contiguous streams of L ids each, and
 * an epoch walks all streams side by side, T steps at a time. Batch j+1 continues exactly
 * where batch j stopped in every stream, so the hidden state carried out of batch j is the
 * right initial state for batch j+1 (torch-rnn / char-rnn style).
 *
 * Dimensions: B = streams, T = steps, L = streamLength, n = tokens - 1 (input, target) pairs.
 */
import { CharnnError, UsageError } from '../errors.js';
import type { IdArray } from './ids.js';

export interface BatchPlan {
  /** B: parallel streams per batch. */
  streams: number;
  /** T: time steps per batch. */
  steps: number;
  /** L: inputs per stream, floor(n / B). */
  streamLength: number;
  /** floor(L / T); the tail of each stream shorter than T is not used in an epoch. */
  batchesPerEpoch: number;
  /** True when B or T had to shrink because the corpus is shorter than B*T pairs. */
  reduced: boolean;
}

/** Choose B, T, L for `tokens` ids, shrinking B (then T) when the text is too short. */
export function planBatches(tokens: number, streams: number, steps: number): BatchPlan {
  if (!Number.isInteger(streams) || streams < 1) throw new UsageError(`batch size must be a positive integer, got ${streams}`);
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`sequence length must be a positive integer, got ${steps}`);
  const n = tokens - 1;
  if (!(n >= 1)) {
    throw new CharnnError(
      `corpus too short to train: ${Math.max(0, tokens)} token(s), need at least 2 (one character and a line end)`,
      'train on a file with at least one non-empty line',
    );
  }
  let B = streams;
  let T = steps;
  let reduced = false;
  if (n < B * T) {
    // Fewer streams first: keeping T keeps the BPTT horizon the user asked for.
    reduced = true;
    B = Math.max(1, Math.floor(n / T));
    if (n < T) T = n; // even one full-length stream does not fit: one short batch
  }
  const L = Math.floor(n / B);
  return { streams: B, steps: T, streamLength: L, batchesPerEpoch: Math.floor(L / T), reduced };
}

export class Batcher {
  private readonly ids: IdArray;
  private readonly plan: BatchPlan;
  private readonly reversed: boolean;

  /**
   * Batches of `ids` read front to back, or, with `reversed`, of the stream read back to front
   * (position p is ids[ids.length - 1 - p]): what the backward model of a bilstm trains on,
   * without a reversed copy of the corpus.
   */
  constructor(ids: IdArray, plan: BatchPlan, reversed = false) {
    const { streams: B, steps: T, streamLength: L, batchesPerEpoch } = plan;
    // Stream b's last target is ids[b*L + batchesPerEpoch*T] <= ids[B*L], so B*L <= n.
    if (B < 1 || T < 1 || B * L > ids.length - 1 || batchesPerEpoch * T > L) {
      throw new CharnnError(`internal error: batch plan (B=${B}, T=${T}, L=${L}) does not fit ${ids.length} ids`);
    }
    this.ids = ids;
    this.plan = plan;
    this.reversed = reversed;
  }

  /**
   * Fill x and y (T*B, time-major: index t*B + b) with batch j of the epoch: stream b covers
   * inputs ids[b*L .. (b+1)*L), and y is x shifted by one id (the next character).
   */
  fill(j: number, x: Int32Array, y: Int32Array): void {
    const { streams: B, steps: T, streamLength: L, batchesPerEpoch } = this.plan;
    if (!Number.isInteger(j) || j < 0 || j >= batchesPerEpoch) {
      throw new CharnnError(`internal error: batch ${j} outside epoch of ${batchesPerEpoch}`);
    }
    if (x.length !== T * B || y.length !== T * B) {
      throw new CharnnError(`internal error: batch buffers must hold ${T * B} ids`);
    }
    const ids = this.ids;
    const last = ids.length - 1;
    for (let b = 0; b < B; b++) {
      const start = b * L + j * T;
      if (this.reversed) {
        for (let t = 0; t < T; t++) {
          x[t * B + b] = ids[last - (start + t)];
          y[t * B + b] = ids[last - (start + t + 1)];
        }
      } else {
        for (let t = 0; t < T; t++) {
          x[t * B + b] = ids[start + t];
          y[t * B + b] = ids[start + t + 1];
        }
      }
    }
  }
}
