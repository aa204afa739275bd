/** What the reference time loops share. */
import type { Floats } from '../floats.js';

/** The row of h_{t-1} for step t: the initial state at t = 0, the layer's own output after. */
export function previousHidden(h: Floats, h0: Floats, t: number, B: number, H: number): { buf: Floats; off: number } {
  return t === 0 ? { buf: h0, off: 0 } : { buf: h, off: (t - 1) * B * H };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
