/**
 * Data parallelism over streams: a batch of B streams is cut into contiguous shards, one per
 * thread, and each thread runs the whole model on its shard. Batches are time-major
 * (index t*B + b), so a shard's columns are gathered into its own (T x count) buffer.
 *
 * Dimension legend: T steps, B streams of the whole batch, count streams of one shard.
 */

export interface Shard {
  /** Global index of the shard's first stream. */
  first: number;
  /** Streams in the shard (>= 1). */
  count: number;
}

/** B streams split as evenly as possible over at most `threads` shards, none empty. */
export function planShards(B: number, threads: number): Shard[] {
  const n = Math.max(1, Math.min(threads, B));
  const shards: Shard[] = [];
  let first = 0;
  for (let i = 0; i < n; i++) {
    const count = Math.floor(B / n) + (i < B % n ? 1 : 0);
    shards.push({ first, count });
    first += count;
  }
  return shards;
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
export function copyShardState(flat: Float32Array, states: ShardStates[], layers: number, B: number, H: number, shard: Shard, toFlat: boolean): void {
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
