/**
 * How many threads compute gradients: --threads, or every core by default, never more than
 * there are streams to share out.
 */
import { availableParallelism } from 'node:os';

export function resolveThreads(requested: number | null, streams: number): number {
  const wanted = requested ?? availableParallelism();
  return Math.max(1, Math.min(wanted, streams));
}
