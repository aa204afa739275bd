/**
 * Lets the event loop run (timers, I/O, an abort() from elsewhere) before going on: a macrotask,
 * not a microtask, so pending I/O callbacks really run. setImmediate where the platform has it
 * (Node), a MessageChannel message otherwise (browsers, where setTimeout(0) is clamped to 4 ms).
 */
/** MessageChannel as browsers have it (Node's own typings describe Node's). */
interface BrowserChannel {
  port1: { onmessage: (() => void) | null; close(): void };
  port2: { postMessage(message: unknown): void };
}

const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

export function yieldToEventLoop(): Promise<void> {
  if (immediate) return new Promise<void>((resolve) => immediate(resolve));
  return new Promise<void>((resolve) => {
    const channel = new MessageChannel() as unknown as BrowserChannel;
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
