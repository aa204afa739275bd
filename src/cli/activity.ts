/**
 * A sign of life for long work that prints nothing until it ends (`eval` of a big file,
 * `score -` into a file): one status line on a terminal's stderr, redrawn in place at most five
 * times a second and erased when the work is done, so it never mixes with the output. Nothing
 * at all when stderr is not a coloured terminal (a log, a pipe: see colour.ts).
 */
import type { Writable } from 'node:stream';
import { formatDuration } from './format.js';

export interface Activity {
  /** Units done so far (tokens, lines); the line is redrawn if it is time to. */
  update(done: number): void;
  /** Erases the line (before the output, or an error, is printed). */
  done(): void;
}

const REDRAW_MS = 200;
const ERASE = '\r\u001b[2K';

/**
 * `label` names the work ("eval held-out.txt"); `unit` what is counted; `total` how many there
 * are, or null when that is not known (stdin), in which case no percentage or ETA is shown.
 */
export function activityLine(stderr: Writable, enabled: boolean, label: string, unit: string, total: number | null): Activity {
  if (!enabled) return { update() {}, done() {} };
  const started = performance.now();
  let last = -Infinity;
  let drawn = false;
  const columns = () => Math.max(20, ((stderr as { columns?: number }).columns ?? 80) - 1);
  return {
    update(done) {
      const now = performance.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      const elapsedS = (now - started) / 1000;
      const rate = elapsedS > 0 ? done / elapsedS : 0;
      let text = `${label}: ${done.toLocaleString('en-US')}`;
      if (total !== null && total > 0) {
        const f = Math.min(1, done / total);
        text += ` of ${total.toLocaleString('en-US')} ${unit} (${Math.floor(f * 100)}%)`;
        text += `, ${Math.round(rate).toLocaleString('en-US')} ${unit}/s`;
        if (f > 0 && f < 1) text += `, ETA ${formatDuration((elapsedS * (1 - f)) / f)}`;
      } else text += ` ${unit}, ${Math.round(rate).toLocaleString('en-US')} ${unit}/s`;
      stderr.write(ERASE + Array.from(text).slice(0, columns()).join(''));
      drawn = true;
    },
    done() {
      if (drawn) stderr.write(ERASE);
      drawn = false;
    },
  };
}
