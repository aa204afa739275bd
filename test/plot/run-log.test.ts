// Reading --log files: the fields charnn train writes, clear errors naming file and line, and
// sessions (resumes, runs appended to one log) put together.
import { describe, expect, it } from 'vitest';
import { parseRunLog } from '../../src/plot/run-log.js';

const line = (o: Record<string, unknown>) => JSON.stringify(o);
const entry = (step: number, elapsed: number, loss: number | null, val?: number) =>
  line({
    step,
    epoch: step / 100,
    loss_nats: loss,
    ...(val !== undefined ? { val_nats: val } : {}),
    chars_per_s: 1000,
    elapsed_s: elapsed,
    lr: 0.002,
  });

describe('parseRunLog', () => {
  it('reads the fields train writes; blank lines and CRLF are fine; null losses stay null', () => {
    const text = [entry(10, 1, 3.5), entry(20, 2, 3.1), entry(20, 2, 3.1, 3.2), '', entry(30, 3, null)].join('\r\n') + '\r\n';
    const { points, notes } = parseRunLog(text, 'run.jsonl');
    expect(notes).toEqual([]);
    expect(points).toEqual([
      { step: 10, elapsedS: 1, lossNats: 3.5, valNats: null },
      { step: 20, elapsedS: 2, lossNats: 3.1, valNats: null },
      { step: 20, elapsedS: 2, lossNats: 3.1, valNats: 3.2 },
      { step: 30, elapsedS: 3, lossNats: null, valNats: null },
    ]);
  });

  it.each([
    ['', /^run\.jsonl: empty log/],
    ['\n\n', /^run\.jsonl: empty log/],
    [`${entry(10, 1, 3)}\n{"step": 20,`, /^run\.jsonl:2: not JSON/],
    [`${entry(10, 1, 3)}\n\n[1, 2]`, /^run\.jsonl:3: expected a JSON object/],
    [line({ loss_nats: 3, elapsed_s: 1 }), /^run\.jsonl:1: "step" is missing/],
    [line({ step: 1.5, loss_nats: 3, elapsed_s: 1 }), /^run\.jsonl:1: "step" .* whole number/],
    [line({ step: 10, elapsed_s: 1 }), /^run\.jsonl:1: "loss_nats" is missing/],
    [line({ step: 10, loss_nats: '3', elapsed_s: 1 }), /^run\.jsonl:1: "loss_nats" is not a number/],
    [line({ step: 10, loss_nats: 3, val_nats: true, elapsed_s: 1 }), /^run\.jsonl:1: "val_nats" is not a number/],
    [line({ step: 10, loss_nats: 3 }), /^run\.jsonl:1: "elapsed_s" is missing/],
  ])('malformed: %j -> one line naming the file and line', (text, message) => {
    expect(() => parseRunLog(text, 'run.jsonl')).toThrow(message);
    try {
      parseRunLog(text, 'run.jsonl');
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('a resumed session (wall time starts again) counts its time on from where it resumed', () => {
    const text = [entry(10, 5, 3), entry(20, 10, 2.5, 2.6), entry(30, 2, 2.2), entry(40, 4, 2)].join('\n');
    const { points, notes } = parseRunLog(text, 'r');
    expect(notes).toEqual([]);
    expect(points.map((p) => [p.step, p.elapsedS])).toEqual([
      [10, 5],
      [20, 10],
      [30, 12],
      [40, 14],
    ]);
  });

  it('steps going back replace the lines from that step on, with a note', () => {
    const text = [entry(10, 1, 3), entry(20, 2, 2.5), entry(30, 3, 2.2), entry(40, 4, 2.1), entry(30, 1, 2.3), entry(40, 2, 2.15)].join(
      '\n',
    );
    const { points, notes } = parseRunLog(text, 'r.jsonl');
    expect(points.map((p) => [p.step, p.elapsedS, p.lossNats])).toEqual([
      [10, 1, 3],
      [20, 2, 2.5],
      [30, 3, 2.3],
      [40, 4, 2.15],
    ]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^r\.jsonl:5: the steps go back to 30 .* 2 earlier line\(s\)/);
  });
});
