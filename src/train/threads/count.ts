/**
 * How many threads compute gradients: --threads, or every core by default, never more than
 * there are streams to share out.
 */
import { platform } from '../../platform/platform.js';

export function resolveThreads(requested: number | null, streams: number): number {
  const wanted = requested ?? platform().cores();
  return Math.max(1, Math.min(wanted, streams));
}
