/**
 * Every failure shows in the page (GUIDE.md §7): a message box at the top says what went wrong in
 * one line (a CharnnError's message and hint, as the CLI prints them), and the page goes on
 * working. Uncaught errors and rejected promises land there too, never only in the console.
 */

export function showMessage(text: string, kind: 'error' | 'info' = 'error'): void {
  const box = document.getElementById('message');
  if (!box) return;
  box.textContent = text;
  box.className = kind;
  box.hidden = false;
}

export function clearMessage(): void {
  const box = document.getElementById('message');
  if (box) box.hidden = true;
}

/** One line for an error: its message and, for charnn's own errors, the hint. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const hint = (e as { hint?: string }).hint;
    return hint ? `${e.message} (${hint})` : e.message;
  }
  return String(e);
}

export function showError(e: unknown): void {
  showMessage(describeError(e), 'error');
}

/** Runs an async action from a UI event, its failure shown in the page. */
export function guarded<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => void {
  return (...args) => {
    action(...args).catch(showError);
  };
}

export function catchEverything(): void {
  addEventListener('error', (event) => showError(event.error ?? event.message));
  addEventListener('unhandledrejection', (event) => showError(event.reason));
}
