// The model's forward pass, float64:
//  (a) a naive per-step forward written here from PyTorch's documented formulas (RNN tanh;
//      LSTM i, f, g, o; GRU r, z, n with h' = (1 - z) * n + z * h; one-hot input as a dense
//      matrix product) gives the same logits and final state as forwardLogits and
//      DirectionRunner, for every cell and both directions of a bilstm, to 1e-9;
//  (b) running a sequence in chunks (5 + 4 + 3) with the state carried equals running it as one
//      chunk of 12: same logits, same final state, for B = 1 and B = 3 streams;
//  (c) StreamScorer with its internal chunking (longer than its chunk) gives the same per-token
//      log-probabilities and total as a plain log-softmax over forwardLogits.
import { describe, expect, it } from 'vitest';
import { CharLM } from '../../src/model/charlm.js';
import { type CellType, type Direction, type ModelConfig } from '../../src/model/config.js';
import { DirectionRunner } from '../../src/model/direction-runner.js';
import { hostParams, paramSpecs, prefixOf, totalSize } from '../../src/model/param-set.js';
import { zeroState, type RecurrentState } from '../../src/model/recurrent-state.js';
import { StreamScorer } from '../../src/scoring/stream-scorer.js';
import { floatsOf, JS64 } from '../helpers/cpu.js';
import { forwardLogits } from '../helpers/forward-logits.js';
import { UNK_ID } from '../../src/tokenizer/vocab.js';
import { Rng } from '../../src/util/rng.js';
import { randomFill } from '../helpers/gradcheck.js';

const CELLS = ['rnn', 'lstm', 'gru', 'bilstm'] as const;

function makeModel(cell: CellType, V: number, H: number, L: number, seed: number, scale = 0.6): CharLM {
  const config: ModelConfig = { cell, vocabSize: V, hidden: H, layers: L, dropout: 0 };
  const specs = paramSpecs(config);
  const rng = new Rng(seed);
  return new CharLM(
    config,
    hostParams(
      specs,
      randomFill(new Float64Array(totalSize(specs)), () => rng.next(), scale),
    ),
    JS64,
  );
}

const sigma = (x: number) => 1 / (1 + Math.exp(-x));

/** y (rows) = W (rows x cols, row-major) . x (cols) + b: a plain dense product. */
function affine(W: Float64Array, b: Float64Array, x: number[], rows: number, cols: number): number[] {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    let s = b[r];
    for (let c = 0; c < cols; c++) s += W[r * cols + c] * x[c];
    y.push(s);
  }
  return y;
}

interface NaiveState {
  h: number[][][]; // [layer][stream][unit]
  c: number[][][];
}

/**
 * PyTorch's formulas, one step and one stream at a time. seqs[b] is stream b's input ids.
 * Returns logits[t][b][v] and the final state.
 */
function naiveForward(
  model: CharLM,
  direction: Direction,
  seqs: number[][],
  init: NaiveState,
): { logits: number[][][]; state: NaiveState } {
  const { vocabSize: V, hidden: H, layers: L } = model.config;
  const base = model.config.cell === 'bilstm' ? 'lstm' : model.config.cell;
  const p = prefixOf(direction);
  const get = (name: string) => floatsOf(model, model.params.get(p + name)) as Float64Array;
  const G = base === 'rnn' ? 1 : base === 'lstm' ? 4 : 3;
  const h = init.h.map((l) => l.map((v) => v.slice()));
  const c = init.c.map((l) => l.map((v) => v.slice()));
  const T = seqs[0].length;
  const logits: number[][][] = [];
  for (let t = 0; t < T; t++) {
    const row: number[][] = [];
    for (let b = 0; b < seqs.length; b++) {
      let x: number[] = Array.from({ length: V }, (_, v) => (v === seqs[b][t] ? 1 : 0)); // one-hot, dense
      for (let k = 0; k < L; k++) {
        const D = k === 0 ? V : H;
        const gi = affine(get(`rnn.weight_ih_l${k}`), get(`rnn.bias_ih_l${k}`), x, G * H, D);
        const gh = affine(get(`rnn.weight_hh_l${k}`), get(`rnn.bias_hh_l${k}`), h[k][b], G * H, H);
        const hPrev = h[k][b];
        const next: number[] = [];
        for (let j = 0; j < H; j++) {
          if (base === 'rnn') {
            next.push(Math.tanh(gi[j] + gh[j]));
          } else if (base === 'lstm') {
            const i = sigma(gi[j] + gh[j]);
            const f = sigma(gi[H + j] + gh[H + j]);
            const g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
            const o = sigma(gi[3 * H + j] + gh[3 * H + j]);
            c[k][b][j] = f * c[k][b][j] + i * g;
            next.push(o * Math.tanh(c[k][b][j]));
          } else {
            const r = sigma(gi[j] + gh[j]);
            const z = sigma(gi[H + j] + gh[H + j]);
            const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
            next.push((1 - z) * n + z * hPrev[j]);
          }
        }
        h[k][b] = next;
        x = next;
      }
      row.push(affine(get('decoder.weight'), get('decoder.bias'), x, V, H));
    }
    logits.push(row);
  }
  return { logits, state: { h, c } };
}

function naiveZero(L: number, B: number, H: number): NaiveState {
  const z = () => Array.from({ length: L }, () => Array.from({ length: B }, () => new Array<number>(H).fill(0)));
  return { h: z(), c: z() };
}

function toRecurrent(s: NaiveState, H: number): RecurrentState {
  const L = s.h.length;
  const B = s.h[0].length;
  const r = zeroState(JS64, L, B, H);
  for (let k = 0; k < L; k++)
    for (let b = 0; b < B; b++)
      for (let j = 0; j < H; j++) {
        floatsOf(JS64, r.h[k])[b * H + j] = s.h[k][b][j];
        floatsOf(JS64, r.c[k])[b * H + j] = s.c[k][b][j];
      }
  return r;
}

const f = (t: Parameters<typeof floatsOf>[1]) => floatsOf(JS64, t);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function directionsOfCell(cell: CellType): Direction[] {
  return cell === 'bilstm' ? ['forward', 'backward'] : ['forward'];
}

describe('(a) naive PyTorch-formula forward == forwardLogits / DirectionRunner', () => {
  const V = 9,
    H = 6,
    L = 2;
  for (const cell of CELLS) {
    for (const direction of directionsOfCell(cell)) {
      it(`${cell} ${direction}: one stream from the zero state (forwardLogits)`, () => {
        const model = makeModel(cell, V, H, L, 100 + cell.length);
        const rng = new Rng(5);
        const ids = Array.from({ length: 11 }, () => Math.floor(rng.next() * V));
        const got = forwardLogits(model, direction, Int32Array.from(ids));
        const want = naiveForward(model, direction, [ids], naiveZero(L, 1, H)).logits.flat(2);
        expect(got.length).toBe(11 * V);
        expect(maxDiff(got, want)).toBeLessThan(1e-9);
        // Not a vacuous comparison: the logits vary along the sequence.
        expect(maxDiff(got.subarray(0, V), got.subarray(5 * V, 6 * V))).toBeGreaterThan(1e-3);
      });

      it(`${cell} ${direction}: B = 3 streams from a random non-zero state (DirectionRunner), final state too`, () => {
        const model = makeModel(cell, V, H, L, 200 + cell.length);
        const rng = new Rng(6);
        const T = 7,
          B = 3;
        const seqs = Array.from({ length: B }, () => Array.from({ length: T }, () => Math.floor(rng.next() * V)));
        const init = naiveZero(L, B, H);
        for (const part of [init.h, init.c]) for (const l of part) for (const v of l) for (let j = 0; j < H; j++) v[j] = rng.next() * 2 - 1;
        const want = naiveForward(model, direction, seqs, init);

        const x = new Int32Array(T * B);
        for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) x[t * B + b] = seqs[b][t]; // time-major
        const state = toRecurrent(init, H);
        const runner = new DirectionRunner(model, direction, T, B);
        const logits = f(runner.forward(x, T, B, state, null));
        expect(maxDiff(logits.subarray(0, T * B * V), want.logits.flat(2))).toBeLessThan(1e-9);
        const final = toRecurrent(want.state, H);
        for (let k = 0; k < L; k++) {
          expect(maxDiff(f(state.h[k]), f(final.h[k]))).toBeLessThan(1e-9);
          if (cell === 'lstm' || cell === 'bilstm') expect(maxDiff(f(state.c[k]), f(final.c[k]))).toBeLessThan(1e-9);
        }
      });
    }
  }

  it('a bilstm runs its two directions with their own weights', () => {
    const model = makeModel('bilstm', V, H, L, 300);
    const ids = Int32Array.from([0, 3, 4, 5, 0]);
    expect(maxDiff(forwardLogits(model, 'forward', ids), forwardLogits(model, 'backward', ids))).toBeGreaterThan(1e-3);
  });
});

describe('(b) chunks 5 + 4 + 3 with the state carried == one chunk of 12', () => {
  const V = 8,
    H = 5,
    L = 2,
    T = 12;
  for (const cell of CELLS) {
    for (const direction of directionsOfCell(cell)) {
      for (const B of [1, 3]) {
        it(`${cell} ${direction}, B = ${B}`, () => {
          const model = makeModel(cell, V, H, L, 400 + cell.length + B);
          const rng = new Rng(7 + B);
          const x = Int32Array.from({ length: T * B }, () => Math.floor(rng.next() * V)); // time-major
          const whole = zeroState(JS64, L, B, H);
          const runner = new DirectionRunner(model, direction, T, B);
          const wholeLogits = f(runner.forward(x, T, B, whole, null)).slice(0, T * B * V);

          const chunked = zeroState(JS64, L, B, H);
          const parts: Float64Array[] = [];
          let t0 = 0;
          for (const len of [5, 4, 3]) {
            const logits = f(runner.forward(x.subarray(t0 * B, (t0 + len) * B), len, B, chunked, null));
            parts.push(logits.slice(0, len * B * V) as Float64Array);
            t0 += len;
          }
          const joined = new Float64Array(T * B * V);
          let o = 0;
          for (const p of parts) {
            joined.set(p, o);
            o += p.length;
          }
          expect(maxDiff(joined, wholeLogits)).toBeLessThan(1e-12);
          for (let k = 0; k < L; k++) {
            expect(maxDiff(f(chunked.h[k]), f(whole.h[k]))).toBeLessThan(1e-12);
            expect(maxDiff(f(chunked.c[k]), f(whole.c[k]))).toBeLessThan(1e-12);
          }
          // The carried state matters: chunk 2 from the zero state gives different logits.
          const fresh = zeroState(JS64, L, B, H);
          const restarted = f(runner.forward(x.subarray(5 * B, 9 * B), 4, B, fresh, null)).slice(0, 4 * B * V);
          expect(maxDiff(restarted, parts[1])).toBeGreaterThan(1e-6);
        });
      }
    }
  }
});

describe('(c) StreamScorer (internal chunks) == plain log-softmax over forwardLogits', () => {
  const V = 10,
    H = 6,
    L = 2,
    N = 613; // > 2 chunks of 256
  for (const cell of CELLS) {
    for (const direction of directionsOfCell(cell)) {
      it(`${cell} ${direction}: ${N} ids`, async () => {
        const model = makeModel(cell, V, H, L, 500 + cell.length, 0.8);
        const rng = new Rng(9);
        const ids = Int32Array.from({ length: N }, () => Math.floor(rng.next() * V));
        ids[100] = UNK_ID;
        ids[400] = UNK_ID;
        const logits = forwardLogits(model, direction, ids.subarray(0, N - 1));
        const plain = new Float64Array(N - 1);
        let total = 0;
        let unkCount = 0;
        let unkLn = 0;
        for (let t = 0; t < N - 1; t++) {
          let max = -Infinity;
          for (let v = 0; v < V; v++) max = Math.max(max, logits[t * V + v]);
          let sum = 0;
          for (let v = 0; v < V; v++) sum += Math.exp(logits[t * V + v] - max);
          plain[t] = logits[t * V + ids[t + 1]] - max - Math.log(sum);
          total += plain[t];
          if (ids[t + 1] === UNK_ID) {
            unkCount++;
            unkLn += plain[t];
          }
        }
        const scorer = new StreamScorer(model, direction);
        const out = new Float64Array(N - 1);
        const got = await scorer.logProbs(ids, out);
        expect(maxDiff(out, plain)).toBeLessThan(1e-9);
        expect(Math.abs(got.ln - total)).toBeLessThan(1e-9 * Math.abs(total));
        expect(got.unkCount).toBe(unkCount);
        expect(unkCount).toBeGreaterThanOrEqual(2);
        expect(Math.abs(got.unkLn - unkLn)).toBeLessThan(1e-9);

        // Two calls that share the boundary id continue the same stream.
        scorer.reset();
        const cut = 300;
        const a = await scorer.logProbs(ids.subarray(0, cut + 1), null);
        const b = await scorer.logProbs(ids.subarray(cut), null);
        expect(Math.abs(a.ln + b.ln - total)).toBeLessThan(1e-9 * Math.abs(total));
      });
    }
  }
});
