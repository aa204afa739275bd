/**
 * The log-softmax of a row of logits, in float64 over float32 (or float64) logits, computed
 * stably: ln p(v) = x[v] - max - ln(sum of exp(x[u] - max)). One implementation for every place
 * that promises the same bits (a sentence's score, its per-character detail and alternatives,
 * eval on one stream and on many, the searches of beam and fill): they all call these.
 *
 * The training loss (src/engine/js/softmax-cross-entropy.ts) shares rowMax and sumExp; sampling
 * (src/generation/sample.ts) draws from a softmax with a temperature and <UNK> left out, its own
 * computation. exp and log are ./fdlibm.ts's, the same bits in Node and in every browser.
 */
import type { Floats } from '../engine/floats.js';
import { exp, log } from './fdlibm.js';

/** The largest of x[o .. o+V). */
export function rowMax(x: Floats, o: number, V: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (x[o + v] > max) max = x[o + v];
  return max;
}

/** The sum of exp(x[o+v] - shift) over the row, in index order. */
export function sumExp(x: Floats, o: number, V: number, shift: number): number {
  let sum = 0;
  for (let v = 0; v < V; v++) sum += exp(x[o + v] - shift);
  return sum;
}

/** ln softmax(x[o .. o+V))[target]. */
export function logProbAt(x: Floats, o: number, V: number, target: number): number {
  const max = rowMax(x, o, V);
  return x[o + target] - max - log(sumExp(x, o, V, max));
}

/** out[p .. p+V) = ln softmax(x[o .. o+V)), each entry exactly logProbAt's. */
export function logSoftmaxRow(x: Floats, o: number, V: number, out: Float64Array, p: number): void {
  const max = rowMax(x, o, V);
  const logSum = log(sumExp(x, o, V, max));
  for (let v = 0; v < V; v++) out[p + v] = x[o + v] - max - logSum;
}
