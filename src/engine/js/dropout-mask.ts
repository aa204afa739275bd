/**
 * Inverted dropout between stacked layers (as torch.nn.LSTM's `dropout`): during training each
 * activation is zeroed with probability p and the survivors scaled by 1/(1-p), so inference
 * needs no rescaling.
 *   mask (N): 0 or 1/(1-p);  out = x * mask;  dx += dOut * mask
 *
 * The mask is counter-based: whether unit j of stream b at step t in the gap above layer k is
 * dropped is a hash of (seed, k, t, b, j), not the next draw of a sequential generator. So a
 * batch split across worker threads by streams (each worker sees streams
 * firstStream .. firstStream + B - 1 of totalStreams) gets exactly the masks one thread would.
 *
 * Dimension legend: T steps, B streams in this chunk, H units; mask rows are time-major (t*B + b).
 */
import type { DropoutMaskSpec } from '../engine.js';
import type { Floats } from '../floats.js';

/** Fills mask (T*B x H) for the gap above layer spec.gap. */
export function fillDropoutMask(mask: Floats, spec: DropoutMaskSpec): void {
  const { T, B, H } = spec;
  const keep = 1 / (1 - spec.p);
  const first = spec.firstStream;
  const total = spec.totalStreams;
  // Drop when the 32-bit hash falls below p * 2^32.
  const threshold = spec.p * 4294967296;
  const seed = mix32((spec.seed ^ Math.imul(spec.gap + 1, 0x9e3779b1)) >>> 0);
  let i = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const row = mix32((seed ^ Math.imul(t * total + first + b + 1, 0x85ebca77)) >>> 0);
      for (let j = 0; j < H; j++, i++) {
        mask[i] = mix32((row + Math.imul(j + 1, 0xc2b2ae3d)) >>> 0) < threshold ? 0 : keep;
      }
    }
  }
}

/** The murmur3 finaliser: a bijective mix of 32 bits in which every input bit affects every output bit. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export function applyMask(out: Floats, x: Floats, mask: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = x[i] * mask[i];
}

export function applyMaskAccumulate(dx: Floats, dOut: Floats, mask: Floats, n: number): void {
  for (let i = 0; i < n; i++) dx[i] += dOut[i] * mask[i];
}
