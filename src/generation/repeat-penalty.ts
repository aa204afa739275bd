/**
 * The repetition penalty of CTRL (Keskar et al., 2019) as llama.cpp applies it: every symbol
 * that occurs in the window of the last N symbols read or generated has its logit divided by
 * R when positive and multiplied by R when negative, so it becomes less likely whatever the
 * sign. R = 1 is off. It is a presence penalty: a symbol seen once or ten times in the window
 * is penalised the same.
 *
 * The window holds the prime (every character read, not the start-of-text <EOS>) and then each
 * generated symbol. <EOS> takes a place in the window but is never penalised (as llama.cpp's
 * default leaves the newline alone): penalising it would only make lines run on.
 *
 * Dimension legend: V vocabulary, N window length.
 */
import { EOS_ID } from '../tokenizer/vocab.js';

/** The penalised value of one logit. */
export function penalizeLogit(logit: number, penalty: number): number {
  return logit > 0 ? logit / penalty : logit * penalty;
}

export class RepeatWindow {
  private readonly ring: Int32Array; // (N) the last N ids, oldest at `next` once full
  private readonly counts: Int32Array; // (V) occurrences of each id in the window
  private next = 0;
  private filled = 0;

  constructor(
    private readonly V: number,
    readonly size: number,
    readonly penalty: number,
  ) {
    this.ring = new Int32Array(size);
    this.counts = new Int32Array(V);
  }

  push(id: number): void {
    if (this.filled === this.size) this.counts[this.ring[this.next]]--;
    else this.filled++;
    this.ring[this.next] = id;
    this.counts[id]++;
    this.next = (this.next + 1) % this.size;
  }

  /** Whether id is in the window (and so penalised, unless it is <EOS>). */
  has(id: number): boolean {
    return this.counts[id] > 0;
  }

  /** out (V) = logits (V) with every windowed symbol but <EOS> penalised. Returns out. */
  apply(logits: Float32Array, out: Float32Array): Float32Array {
    const R = this.penalty;
    for (let v = 0; v < this.V; v++) out[v] = this.counts[v] > 0 && v !== EOS_ID ? penalizeLogit(logits[v], R) : logits[v];
    return out;
  }
}
