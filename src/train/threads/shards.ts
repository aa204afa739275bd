/**
 * Data parallelism over streams: a batch of B streams is cut into contiguous shards (chunks),
 * the threads take them one at a time (gradients.ts), and a thread runs the whole model on each
 * chunk it takes. Batches are time-major (index t*B + b), so a chunk's columns are gathered into
 * its own (T x count) buffer.
 *
 * Dimension legend: T steps, B streams of the whole batch, count streams of one shard.
 */

export interface Shard {
  /** Global index of the shard's first stream. */
  first: number;
  /** Streams in the shard (>= 1). */
  count: number;
}

/**
 * B streams cut into chunks for `threads` threads that take them one at a time, biggest first:
 * rounds of `threads` equal chunks, each round about half of the streams left (but chunks of at
 * least minStreams), then the rest in `threads` near-equal chunks. B = 50 on 2 threads:
 * 13 13 6 6 4 4 2 2. With the cores equally fast each thread takes the same streams; when one
 * runs slower (on a shared machine, someone else's work on its core) it takes fewer chunks and
 * the other keeps going, and the small chunks at the end let both finish close together, where
 * one fixed shard per thread left the fast one waiting for the slow one at every step. The plan
 * depends only on its arguments, so a run is repeatable: which thread took which chunk does not
 * change a result (each chunk's gradients are summed in chunk order). Chunks of few streams run
 * the per-step products with few rows, less efficiently, hence minStreams.
 */
export function planChunks(B: number, threads: number, minStreams: number): Shard[] {
  const sizes: number[] = [];
  let left = B;
  while (left > 0) {
    const size = Math.max(minStreams, Math.ceil(left / (2 * threads)));
    if (size * threads >= left) {
      const n = Math.min(threads, left);
      for (let i = 0; i < n; i++) sizes.push(Math.floor(left / n) + (i < left % n ? 1 : 0));
      break;
    }
    for (let i = 0; i < threads; i++) sizes.push(size);
    left -= size * threads;
  }
  const chunks: Shard[] = [];
  let first = 0;
  for (const count of sizes) {
    chunks.push({ first, count });
    first += count;
  }
  return chunks;
}

/** out (T x shard.count) = the shard's columns of batch (T x B). */
export function gatherShard(out: Int32Array, batch: Int32Array, T: number, B: number, shard: Shard): void {
  const { first, count } = shard;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < count; b++) out[t * count + b] = batch[t * B + first + b];
  }
}

/** A batch's carried state as one flat array (for checkpoints): per direction d, layer k,
 *  h then c, each (B x H) with stream b at row b. c is zeros for rnn and gru. */
export function carriedStateSize(directions: number, layers: number, B: number, H: number): number {
  return directions * layers * 2 * B * H;
}

/** The carried state of one shard's streams, as an Objective holds it (per direction). */
export interface ShardStates {
  h: Float32Array[];
  c: Float32Array[];
}

/** Copies a shard's carried state into (toFlat) or out of the flat batch state. */
export function copyShardState(
  flat: Float32Array,
  states: ShardStates[],
  layers: number,
  B: number,
  H: number,
  shard: Shard,
  toFlat: boolean,
): void {
  const { first, count } = shard;
  for (let d = 0; d < states.length; d++) {
    for (let k = 0; k < layers; k++) {
      const bufs = [states[d].h[k], states[d].c[k]];
      for (let which = 0; which < 2; which++) {
        const at = ((d * layers + k) * 2 + which) * B * H + first * H;
        const mine = bufs[which].subarray(0, count * H);
        if (toFlat) flat.set(mine, at);
        else mine.set(flat.subarray(at, at + count * H));
      }
    }
  }
}
