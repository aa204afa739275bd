/**
 * The float buffers the WebAssembly kernels can see: one shared WebAssembly.Memory and a bump
 * allocator handing out Float32Array views into it. The wasm kernels take byte addresses, so an
 * array can only go through them if it lives here (see owns()); everything else uses the JS
 * reference kernels.
 *
 * Legend: n = floats requested; offsets and sizes are in bytes; a page is 64 KiB.
 *
 * Why shared: worker threads can later receive `memory` and run kernels on the same buffers.
 * Growing a shared memory never detaches its old SharedArrayBuffer (unlike a plain one), so
 * views made before a growth stay valid; but `memory.buffer` then returns a NEW
 * SharedArrayBuffer object (longer, same bytes), so owns() remembers every buffer object it
 * has handed out views on.
 *
 * The kernels module has no data segments or globals (scripts/build-wasm.mjs checks), so the
 * arena owns every byte from address 0.
 */
import { CharnnError } from '../../errors.js';

const PAGE_BYTES = 65536;
/** Views start on 16-byte boundaries so v128 loads of a row start are aligned (wasm does not
 *  require it, but split cache-line loads cost time). */
const ALIGN = 16;
/** The kernels module declares its imported memory with at most this many pages (4 GiB, all
 *  of wasm32); an imported memory's maximum must not exceed the declared one. Keep the two in step
 *  with --maximumMemory in scripts/build-wasm.mjs. */
export const MAX_PAGES = 65536;

/** The part of WebAssembly.Memory used here: the project's TypeScript libs (ES2022, no DOM)
 *  do not declare the WebAssembly JS API, so this file types what it uses. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  /** Adds pages; returns the old size in pages; throws RangeError past the maximum. */
  grow(deltaPages: number): number;
}
type MemoryCtor = new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;

export interface ArenaOptions {
  /** Pages to start with (default 16 = 1 MiB). */
  initialPages?: number;
  /** Pages the memory may grow to (default and upper limit MAX_PAGES). */
  maximumPages?: number;
}

export class WasmArena {
  readonly memory: WasmMemory;
  private readonly maximumPages: number;
  /** The buffer object views are currently made on (memory.buffer as of the last growth). */
  private current: ArrayBufferLike;
  /** Every buffer object views were ever made on, for owns() after growth. */
  private readonly known = new Set<ArrayBufferLike>();
  /** Next free byte. */
  private top = 0;
  /** Bytes below this have been handed out before, so may hold old values after release(). */
  private dirtyEnd = 0;

  constructor(options: ArenaOptions = {}) {
    const initial = options.initialPages ?? 16;
    this.maximumPages = Math.min(options.maximumPages ?? MAX_PAGES, MAX_PAGES);
    const Memory = (globalThis as unknown as { WebAssembly: { Memory: MemoryCtor } }).WebAssembly.Memory;
    this.memory = new Memory({ initial, maximum: this.maximumPages, shared: true });
    this.current = this.memory.buffer;
    this.known.add(this.current);
  }

  /** A zero-filled Float32Array of n floats in the shared memory, growing it if needed. */
  alloc(n: number): Float32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`WasmArena.alloc: bad length ${n}`);
    const start = this.top;
    const end = start + roundUp(n * 4, ALIGN);
    if (end > this.current.byteLength) this.grow(end);
    const view = new Float32Array(this.current, start, n);
    // Fresh pages are zero; only bytes reused after release() need clearing.
    if (start < this.dirtyEnd) view.fill(0);
    this.top = end;
    if (end > this.dirtyEnd) this.dirtyEnd = end;
    return view;
  }

  /** True when x is a view on this arena's memory (made before or after any growth). */
  owns(x: ArrayBufferView): boolean {
    const b = x.buffer;
    if (b === this.current) return true;
    if (this.known.has(b)) return true;
    // A view someone made on memory.buffer directly, after a growth we did not see.
    if (this.refresh() && b === this.current) return true;
    return false;
  }

  /** The SharedArrayBuffer new views are made on. */
  get buffer(): ArrayBufferLike {
    return this.current;
  }

  /** Bytes handed out so far. */
  get used(): number {
    return this.top;
  }

  /** A position to come back to with release(). */
  mark(): number {
    return this.top;
  }

  /** Frees everything allocated since `mark` (a stack discipline). Views made since then must
   *  no longer be used: the next alloc() hands their bytes out again (zeroed). */
  release(mark: number): void {
    if (!Number.isInteger(mark) || mark < 0 || mark > this.top || mark % ALIGN !== 0) {
      throw new RangeError(`WasmArena.release: ${mark} is not a mark of this arena`);
    }
    this.top = mark;
  }

  /** Frees everything (same caveat as release). */
  reset(): void {
    this.top = 0;
  }

  private grow(endByte: number): void {
    const have = this.memory.buffer.byteLength / PAGE_BYTES;
    const need = Math.ceil(endByte / PAGE_BYTES);
    if (need > this.maximumPages) {
      throw new CharnnError(
        `the WebAssembly arena cannot hold ${endByte} bytes (limit ${this.maximumPages * PAGE_BYTES})`,
        'use a smaller model or batch, or the JavaScript engine',
      );
    }
    // Doubling keeps the number of growths (and buffer objects to remember) logarithmic.
    const target = Math.min(this.maximumPages, Math.max(need, have * 2));
    if (target > have) this.memory.grow(target - have);
    this.refresh();
  }

  /** Picks up a new memory.buffer object after growth; true when it changed. */
  private refresh(): boolean {
    const b = this.memory.buffer;
    if (b === this.current) return false;
    this.current = b;
    this.known.add(b);
    return true;
  }
}

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
