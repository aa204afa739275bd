/**
 * Reading a `charnn train --log` file: one JSON object per line with `step`, `epoch`,
 * `loss_nats`, `val_nats` (at evaluations), `chars_per_s`, `elapsed_s`, `lr`. Pure: text in,
 * points out; a malformed line is a CharnnError naming the file and the line.
 *
 * The log is appended to, so it may hold several sessions. A session starts where `elapsed_s`
 * or `step` goes back. A resumed run continues the steps: its wall time is counted on from
 * where it resumed. When the steps go back (a run resumed from an earlier checkpoint redoing
 * steps, or a new run written to the same log), the lines from that step on are replaced by
 * the new session's, as TensorBoard does; a note says so.
 */
import { expectString } from '../util/arguments.js';
import { CharnnError } from '../errors.js';

export interface RunPoint {
  step: number;
  /** Wall time since the run started, summed over its sessions. */
  elapsedS: number;
  /** Training loss (nats per character); null when the line had none. */
  lossNats: number | null;
  /** Validation loss at an evaluation; null on other lines. */
  valNats: number | null;
}

export interface RunLog {
  points: RunPoint[];
  /** Things the reader should know (sessions replaced). */
  notes: string[];
}

export function parseRunLog(text: string, name: string): RunLog {
  expectString('parseRunLog', 'text', text);
  expectString('parseRunLog', 'name', name);
  const points: RunPoint[] = [];
  const notes: string[] = [];
  let last: { step: number; elapsed: number } | null = null;
  let offset = 0; // wall time of the sessions before this one
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const at = `${name}:${i + 1}`;
    const entry = parseLine(lines[i], at);
    if (last !== null && (entry.step < last.step || entry.elapsed < last.elapsed)) {
      if (entry.step < last.step) {
        const dropped = points.length;
        while (points.length > 0 && points[points.length - 1].step >= entry.step) points.pop();
        notes.push(
          `${at}: the steps go back to ${entry.step} (a resumed or new run): ${dropped - points.length} earlier line(s) from step ${entry.step} on are replaced by the new ones`,
        );
      }
      offset = points.length > 0 ? points[points.length - 1].elapsedS : 0;
    }
    last = { step: entry.step, elapsed: entry.elapsed };
    points.push({ step: entry.step, elapsedS: offset + entry.elapsed, lossNats: entry.loss, valNats: entry.val });
  }
  if (points.length === 0) throw new CharnnError(`${name}: empty log: no JSON lines`, 'write one with charnn train CORPUS --log FILE');
  return { points, notes };
}

interface Entry {
  step: number;
  elapsed: number;
  loss: number | null;
  val: number | null;
}

function parseLine(line: string, at: string): Entry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new CharnnError(
      `${at}: not JSON (${(e as Error).message})`,
      'the file should be a charnn train --log file: one JSON object per line',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CharnnError(`${at}: expected a JSON object with step, loss_nats and elapsed_s`);
  }
  const o = value as Record<string, unknown>;
  const step = o.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0)
    throw new CharnnError(`${at}: "step" is missing or not a whole number >= 0`);
  const elapsed = o.elapsed_s;
  if (typeof elapsed !== 'number' || elapsed < 0) throw new CharnnError(`${at}: "elapsed_s" is missing or not a number >= 0`);
  if (!('loss_nats' in o)) throw new CharnnError(`${at}: "loss_nats" is missing`);
  return { step, elapsed, loss: optionalNumber(o.loss_nats, 'loss_nats', at), val: optionalNumber(o.val_nats, 'val_nats', at) };
}

/** A number, or null for null / absent (JSON has no NaN: charnn writes null for one). */
function optionalNumber(v: unknown, key: string, at: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number') throw new CharnnError(`${at}: "${key}" is not a number`);
  return v;
}
