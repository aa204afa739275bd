/**
 * An iterable (synchronous or async) as an async generator, for callers who `for await` over long
 * work: it checks an AbortSignal before each item (rejecting with the signal's reason, an
 * AbortError by default, as Node's own APIs do) and lets the event loop run every few
 * milliseconds, so timers, I/O and an abort() from elsewhere are seen while it runs. Breaking
 * out of the loop closes the underlying iterator.
 */
import { yieldToEventLoop } from './yield.js';

export async function* asAsync<T>(items: Iterable<T> | AsyncIterable<T>, signal?: AbortSignal, sliceMs = 4): AsyncGenerator<T, void, void> {
  const it = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  let done = false;
  try {
    let last = performance.now();
    for (;;) {
      signal?.throwIfAborted();
      const r = await it.next();
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
      if (performance.now() - last >= sliceMs) {
        await yieldToEventLoop();
        last = performance.now();
      }
    }
  } finally {
    if (!done) await it.return?.();
  }
}
