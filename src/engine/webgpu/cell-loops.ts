/**
 * The cells' time loops on the GPU, step by step as the reference loops (src/engine/js/*-loop.ts):
 * per step, the recurrent product (a product kernel) and the step's pointwise kernel
 * (wgsl/cell-kernels.ts). Every step is a few dispatches in the same pass; nothing comes back
 * to the host.
 */
import type { CellBackward, CellForward } from '../engine.js';
import { view, type Dispatcher } from './dispatcher.js';
import { gpuTensor as g, type GpuTensor } from './gpu-tensor.js';
import {
  GRU_BACKWARD_STEP,
  GRU_FORWARD_STEP,
  LSTM_BACKWARD_STEP,
  LSTM_FORWARD_STEP,
  RNN_BACKWARD_STEP,
  RNN_FORWARD_STEP,
} from './wgsl/cell-kernels.js';
import { ADD_BIAS_ROWS } from './wgsl/product-kernels.js';

/** h_{t-1} (B x H) for step t: the initial state at t = 0, the layer's own output after. */
function previous(h: GpuTensor, h0: GpuTensor, t: number, B: number, H: number): GpuTensor {
  return t === 0 ? h0 : view(h, (t - 1) * B * H, B * H);
}

export function lstmForward(d: Dispatcher, { cache, w, h0, c0, dims }: CellForward): void {
  const { T, B, H } = dims;
  const GH = 4 * H;
  const [gates, c, aux, h] = [g(cache.gates), g(cache.c), g(cache.aux), g(cache.h)];
  for (let t = 0; t < T; t++) {
    d.product('NT', view(gates, t * B * GH), previous(h, g(h0), t, B, H), g(w.wHh), B, GH, H);
    d.items(LSTM_FORWARD_STEP, [gates, c, aux, h, g(c0)], [t, B, H], B * H);
  }
}

export function lstmBackward(d: Dispatcher, { cache, w, c0, dims, dh, dh0, dc0 }: CellBackward): void {
  const { T, B, H } = dims;
  const GH = 4 * H;
  const [dGates, dhCarry, dcCarry] = [g(cache.dGates), g(cache.dhCarry), g(cache.dcCarry)];
  d.fill(dhCarry, 0, 0, B * H);
  d.fill(dcCarry, 0, 0, B * H);
  for (let t = T - 1; t >= 0; t--) {
    d.items(LSTM_BACKWARD_STEP, [dGates, g(dh), dhCarry, dcCarry, g(cache.gates), g(cache.aux), g(cache.c), g(c0)], [t, B, H], B * H);
    d.fill(dhCarry, 0, 0, B * H);
    d.product('NN', dhCarry, view(dGates, t * B * GH), g(w.wHh), B, H, GH);
  }
  d.copy(g(dh0), dhCarry, B * H);
  d.copy(g(dc0), dcCarry, B * H);
}

export function gruForward(d: Dispatcher, { cache, w, h0, dims }: CellForward): void {
  const { T, B, H } = dims;
  const GH = 3 * H;
  const [gates, hh, aux, h] = [g(cache.gates), g(cache.hh), g(cache.aux), g(cache.h)];
  for (let t = 0; t < T; t++) {
    d.fill(hh, 0, 0, B * GH);
    d.product('NT', hh, previous(h, g(h0), t, B, H), g(w.wHh), B, GH, H);
    d.items(ADD_BIAS_ROWS, [hh, g(w.bHh)], [B, GH], B * GH);
    d.items(GRU_FORWARD_STEP, [gates, hh, aux, h, g(h0)], [t, B, H], B * H);
  }
}

export function gruBackward(d: Dispatcher, { cache, w, h0, dims, dh, dh0 }: CellBackward): void {
  const { T, B, H } = dims;
  const GH = 3 * H;
  const [dGates, dGatesH, dhCarry] = [g(cache.dGates), g(cache.dGatesH), g(cache.dhCarry)];
  d.fill(dhCarry, 0, 0, B * H);
  for (let t = T - 1; t >= 0; t--) {
    d.items(GRU_BACKWARD_STEP, [dGates, dGatesH, g(dh), dhCarry, g(cache.gates), g(cache.aux), g(cache.h), g(h0)], [t, B, H], B * H);
    d.product('NN', dhCarry, view(dGatesH, t * B * GH), g(w.wHh), B, H, GH);
  }
  d.copy(g(dh0), dhCarry, B * H);
}

export function rnnForward(d: Dispatcher, { cache, w, h0, dims }: CellForward): void {
  const { T, B, H } = dims;
  const [gates, h] = [g(cache.gates), g(cache.h)];
  for (let t = 0; t < T; t++) {
    d.product('NT', view(gates, t * B * H), previous(h, g(h0), t, B, H), g(w.wHh), B, H, H);
    d.items(RNN_FORWARD_STEP, [gates, h], [t, B, H], B * H);
  }
}

export function rnnBackward(d: Dispatcher, { cache, w, dims, dh, dh0 }: CellBackward): void {
  const { T, B, H } = dims;
  const [dGates, dhCarry] = [g(cache.dGates), g(cache.dhCarry)];
  d.fill(dhCarry, 0, 0, B * H);
  for (let t = T - 1; t >= 0; t--) {
    d.items(RNN_BACKWARD_STEP, [dGates, g(dh), dhCarry, g(cache.h)], [t, B, H], B * H);
    d.fill(dhCarry, 0, 0, B * H);
    d.product('NN', dhCarry, view(dGates, t * B * H), g(w.wHh), B, H, H);
  }
  d.copy(g(dh0), dhCarry, B * H);
}
