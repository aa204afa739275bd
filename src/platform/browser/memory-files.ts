/**
 * A page's files: a page has no file system, but the core writes checkpoints as it trains (the
 * latest, the best) and reads them back (the one-line sample at each evaluation). In a browser
 * those files live here, in memory, for the life of the thread that wrote them; the trained
 * model leaves as bytes (saveModel in src/browser.ts).
 */
import { CharnnError } from '../../errors.js';
import { FileReadError, type HeldLock } from '../platform.js';

export class MemoryFiles {
  private readonly files = new Map<string, Uint8Array>();
  private readonly locked = new Set<string>();

  read(path: string): Uint8Array {
    const bytes = this.files.get(path);
    if (bytes === undefined) throw new FileReadError(path, 'missing', 'no such file in this page', 'ENOENT');
    return bytes;
  }

  /** Whole or not at all: the bytes are copied before they replace the old ones. */
  write(path: string, data: Uint8Array): void {
    this.files.set(path, data.slice());
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  lock(path: string, companions: string[]): HeldLock {
    const paths = [path, ...companions];
    const held = paths.find((p) => this.locked.has(p));
    if (held !== undefined) throw new CharnnError(`${held} is being written by another training run in this page`);
    for (const p of paths) this.locked.add(p);
    return { release: () => paths.forEach((p) => this.locked.delete(p)) };
  }
}
