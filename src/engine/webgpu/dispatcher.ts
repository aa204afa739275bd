/**
 * How the engine's operations become dispatches: the grid of each kind of kernel, the device's
 * dispatch limits, and the one WebGPU rule the engine's callers need not know (a dispatch may
 * not read a buffer through one binding that it writes through another: such an operand is
 * copied to scratch first).
 */
import { CharnnError } from '../../errors.js';
import type { GpuMemory } from './gpu-memory.js';
import type { GpuTensor } from './gpu-tensor.js';
import type { Param, Recorder } from './recorder.js';
import { WG } from './wgsl/common.js';
import { COPY, FILL } from './wgsl/memory-kernels.js';
import { MATMUL_NN, MATMUL_NN_DIRECT, MATMUL_NT, MATMUL_NT_DIRECT, MATMUL_TN, MATMUL_TN_DIRECT, TILE } from './wgsl/product-kernels.js';
import type { KernelSpec } from './wgsl/kernel-spec.js';
import { asF32 } from './recorder.js';

/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension. */
const MAX_GROUPS = 65535;

/** The products' two forms (wgsl/product-kernels.ts): tiled for GPUs, direct for software adapters. */
export type ProductForm = 'tiled' | 'direct';
export type ProductKind = 'NT' | 'NN' | 'TN';

const PRODUCTS: Record<ProductForm, Record<ProductKind, KernelSpec>> = {
  tiled: { NT: MATMUL_NT, NN: MATMUL_NN, TN: MATMUL_TN },
  direct: { NT: MATMUL_NT_DIRECT, NN: MATMUL_NN_DIRECT, TN: MATMUL_TN_DIRECT },
};

export class Dispatcher {
  private readonly scratch: GpuTensor[] = [];

  constructor(
    readonly recorder: Recorder,
    private readonly memory: GpuMemory,
    readonly productForm: ProductForm,
  ) {}

  /** A one-dimensional kernel over n items (its grid-stride loop covers any n). */
  items(spec: KernelSpec, tensors: readonly GpuTensor[], own: readonly Param[], n: number): void {
    if (n <= 0) return;
    this.recorder.dispatch(spec, this.distinct(spec, tensors), own, [Math.min(Math.ceil(n / WG), MAX_GROUPS), 1]);
  }

  /** A single-thread kernel. */
  single(spec: KernelSpec, tensors: readonly GpuTensor[], own: readonly Param[]): void {
    this.recorder.dispatch(spec, this.distinct(spec, tensors), own, [1, 1]);
  }

  /** A product C (M x N) += A . B in the engine's form (the contracts: src/engine/js/matmul.ts). */
  product(kind: ProductKind, C: GpuTensor, A: GpuTensor, B: GpuTensor, M: number, N: number, K: number): void {
    if (M <= 0 || N <= 0 || K <= 0) return;
    const spec = PRODUCTS[this.productForm][kind];
    if (this.productForm === 'direct') {
      this.items(spec, [C, A, B], [M, N, K], M * N);
      return;
    }
    // Tiled: one workgroup per TILE x TILE block of C.
    const x = Math.ceil(N / TILE);
    const y = Math.ceil(M / TILE);
    if (x > MAX_GROUPS || y > MAX_GROUPS) throw new CharnnError(`a ${M} x ${N} product is larger than one GPU dispatch allows`);
    this.recorder.dispatch(spec, this.distinct(spec, [C, A, B]), [M, N, K], [x, y]);
  }

  fill(t: GpuTensor, value: number, from: number, to: number): void {
    this.items(FILL, [view(t, from)], [to - from, asF32(value)], to - from);
  }

  copy(dst: GpuTensor, src: GpuTensor, n: number): void {
    if (dst.buf === src.buf && dst.offset < src.offset + n && src.offset < dst.offset + n && dst.offset !== src.offset) {
      // Overlapping ranges of one buffer: through scratch, as a memmove.
      const tmp = this.scratchFor(0, n);
      this.items(COPY, [tmp, src], [n], n);
      this.items(COPY, [dst, tmp], [n], n);
      return;
    }
    if (dst.buf === src.buf && dst.offset === src.offset) return;
    this.items(COPY, [dst, src], [n], n);
  }

  /** The tensors, with any read-only operand that shares a buffer with a written one copied out. */
  private distinct(spec: KernelSpec, tensors: readonly GpuTensor[]): readonly GpuTensor[] {
    let out: GpuTensor[] | null = null;
    spec.bindings.forEach((access, i) => {
      if (access !== 'read') return;
      const t = tensors[i];
      const clash = spec.bindings.some((a, j) => a === 'read_write' && tensors[j].buf === t.buf);
      if (!clash) return;
      const tmp = this.scratchFor(i + 1, t.length);
      this.items(COPY, [tmp, t], [t.length], t.length);
      out ??= [...tensors];
      out[i] = tmp;
    });
    return out ?? tensors;
  }

  /** Scratch slot k (one per binding, so two operands of one dispatch never share it). */
  private scratchFor(k: number, n: number): GpuTensor {
    const have = this.scratch[k];
    if (have === undefined || have.buf.elements < n) this.scratch[k] = this.memory.zeros(Math.max(n, 2 * (have?.buf.elements ?? 0)));
    return view(this.scratch[k], 0, n);
  }
}

/** Elements [offset, offset + length) of t. */
export function view(t: GpuTensor, offset: number, length = t.length - offset): GpuTensor {
  if (offset < 0 || length < 0 || offset + length > t.length) {
    throw new RangeError(`view [${offset}, ${offset + length}) is outside a tensor of ${t.length}`);
  }
  return { buf: t.buf, offset: t.offset + offset, length };
}
