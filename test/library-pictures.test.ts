// The pictures from the library: alternatives() gives what `score --top` shows (the probability
// of the symbol there is the scorer's, the list is sorted and as long as asked), and
// parseRunLog + lossSvg draw a --log file as `charnn plot` does.
import { describe, expect, it } from 'vitest';
import { alternatives, lossSvg, parseRunLog, score, train, UsageError, type LoadedModel } from '../src/index.js';
import { Vocab } from '../src/tokenizer/vocab.js';

describe('library pictures', () => {
  it('alternatives(): per position, the k most likely symbols and the probability of the one there', async () => {
    const r = await train('the cat sat\nthe hat sat\n'.repeat(20), 't', { hidden: 12, layers: 1, batch: 4, seq: 8, steps: 30, threads: 1 });
    const m: LoadedModel = { model: r.model, vocab: r.vocab, meta: {} as LoadedModel['meta'] };
    const rows = await alternatives(m, 'the qat', 3);
    expect(rows.map((x) => x.symbol)).toEqual(['t', 'h', 'e', ' ', '<UNK>', 'a', 't', '<EOS>']);
    const scored = (await score(m, ['the qat']))[0];
    rows.forEach((row, i) => {
      expect(row.logprobLn).toBe(scored.perToken[i]);
      expect(row.top).toHaveLength(3);
      expect(row.top[0].logprobLn).toBeGreaterThanOrEqual(row.top[1].logprobLn);
      expect(row.top[1].logprobLn).toBeGreaterThanOrEqual(row.top[2].logprobLn);
      expect(row.top[0].logprobLn).toBeGreaterThanOrEqual(row.logprobLn);
    });
    expect(Vocab.fromSymbols(r.vocab.symbols).size).toBe(r.vocab.size);
    expect(() => alternatives(m, 'x', 0)).toThrow(UsageError);
    expect(() => alternatives(m, 'x', 2, 'backward')).toThrow(/needs a bilstm/);
  });

  it('parseRunLog + lossSvg: a chart of a --log file', () => {
    const log =
      [
        { step: 10, epoch: 0.1, loss_nats: 3.2, chars_per_s: 1000, elapsed_s: 1, lr: 0.002 },
        { step: 20, epoch: 0.2, loss_nats: 2.5, val_nats: 2.6, chars_per_s: 1000, elapsed_s: 2, lr: 0.002 },
        { step: 30, epoch: 0.3, loss_nats: 2.1, val_nats: 2.2, chars_per_s: 1000, elapsed_s: 3, lr: 0.002 },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n') + '\n';
    const run = parseRunLog(log, 'run.jsonl');
    expect(run.points.map((p) => p.step)).toEqual([10, 20, 30]);
    const svg = lossSvg([{ label: 'a <run>', points: run.points }], { x: 'steps' });
    expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg /);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('a &lt;run&gt;');
    expect(svg).toMatch(/<polyline|<path/);
  });
});
