/**
 * A work counter shared by threads: one Int32 slot that hands out 0, 1, 2, ... to whichever
 * thread asks first, for one round of work at a time (a training step, a window of lines).
 * Each number is tagged with its round, so a thread that saw round r late cannot take a number
 * of round r + 1, whose inputs it has not read: it gets Infinity, as when the round is used up
 * (the caller stops at the first number past its list of work).
 *
 * Layout of the slot: (round mod 2^ROUND_BITS) << COUNT_BITS | next number.
 */

const COUNT_BITS = 20;
const ROUND_MASK = (1 << (31 - COUNT_BITS)) - 1;
const COUNT_MASK = (1 << COUNT_BITS) - 1;

/** Most work items a round may have (and be taken past, by a few threads asking once each). */
export const MAX_ROUND_ITEMS = COUNT_MASK - 1024;

/** Starts round `round` at 0 (only when no thread is still taking numbers of the last one that
 *  could be of use: the owner waits for every item of a round before opening the next). */
export function openRound(control: Int32Array, slot: number, round: number): void {
  Atomics.store(control, slot, (round & ROUND_MASK) << COUNT_BITS);
}

/** The next number of round `round`, or Infinity when the slot holds another round. */
export function takeNext(control: Int32Array, slot: number, round: number): number {
  const tag = (round & ROUND_MASK) << COUNT_BITS;
  for (;;) {
    const v = Atomics.load(control, slot);
    if ((v & ~COUNT_MASK) !== tag) return Infinity;
    if (Atomics.compareExchange(control, slot, v, v + 1) === v) return v & COUNT_MASK;
  }
}

/** False once Atomics.wait has refused to block this thread (a browser's main thread may not). */
let canBlock = true;

/** Blocks until control[slot] >= count. Where this thread may not block (a page's main thread,
 *  scoring lines with workers), it spins instead: the wait is for the last groups of a round,
 *  which other threads are already computing. */
export function waitForCount(control: Int32Array, slot: number, count: number): void {
  for (;;) {
    const seen = Atomics.load(control, slot);
    if (seen >= count) return;
    if (canBlock) {
      try {
        Atomics.wait(control, slot, seen);
      } catch {
        canBlock = false; // TypeError: Atomics.wait cannot be called in this context
      }
    }
  }
}
