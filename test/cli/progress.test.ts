// Long runs (issue 15, item 9): train's progress bar fits a narrow terminal by dropping its
// least useful fields (never cut off mid-field); `eval` and `score -` show a status line on a
// terminal's stderr while they work, erased before the output, and change nothing they print.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { barLayout } from '../../src/cli/progress.js';
import { cliIn, stripAnsi } from '../helpers/cli.js';

const MODEL = fileURLToPath(new URL('../fixtures/golden/old-lstm.safetensors', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../corpora/default.txt', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'charnn-progress-'));

/** A bar line as cli-progress fills it at its widest: every value at the width WIDEST assumes. */
function widest(format: string, barsize: number, stepDigits: number): string {
  return format
    .replace('{bar}', '█'.repeat(barsize))
    .replace('{percentage}', '100')
    .replace('{step}', '9'.repeat(stepDigits))
    .replace('{loss}', '0.869')
    .replace('{val}', '0.882')
    .replace('{speed}', '123456')
    .replace('{eta_text}', '100h00m');
}

describe('the progress bar at any width', () => {
  it('everything at 100 columns; on narrower terminals the least useful fields go first, and a line never overflows', () => {
    expect(barLayout(100, 4).format).toBe(
      ' {bar} {percentage}% | step {step} | loss {loss} | val {val} | {speed} chars/s | ETA {eta_text}',
    );
    // 80 columns: a shorter bar, fields apart by a space; 60: chars/s and the ETA stay (the step and the bar itself go).
    expect(barLayout(80, 4).format).toBe(' {bar} {percentage}% step {step} loss {loss} val {val} {speed} chars/s ETA {eta_text}');
    expect(barLayout(60, 4).format).toBe(' {percentage}% loss {loss} val {val} {speed} chars/s ETA {eta_text}');
    expect(barLayout(30, 4).format).toBe(' {percentage}% loss {loss} ETA {eta_text}');
    for (let columns = 20; columns <= 160; columns++) {
      for (const digits of [1, 4, 7]) {
        const { format, barsize } = barLayout(columns, digits);
        expect(widest(format, barsize, digits).length, `${columns} columns`).toBeLessThan(columns);
        expect(format).toContain('{percentage}%');
        expect(format).toContain('loss {loss}');
      }
    }
  });

  it('train on a 60-column terminal: the bar line keeps chars/s and the ETA and fits', async () => {
    writeFileSync(join(dir, 'tiny.txt'), readFileSync(CORPUS, 'utf8').split('\n').slice(0, 300).join('\n') + '\n');
    const r = await cliIn(
      dir,
      [
        'train',
        join(dir, 'tiny.txt'),
        '--steps',
        '6',
        '--hidden',
        '8',
        '--batch',
        '4',
        '--seq',
        '8',
        '--samples',
        '0',
        '--threads',
        '1',
        '-o',
        join(dir, 'm.safetensors'),
      ],
      { stderrTTY: true, columns: 60 },
    );
    expect(r.code).toBe(0);
    const bars = stripAnsi(r.err)
      .split(/[\r\n]/)
      .filter((l) => l.includes('% loss'));
    expect(bars.length).toBeGreaterThan(0);
    for (const line of bars) {
      expect(line.length).toBeLessThan(60);
      expect(line).toMatch(/\d+% loss \S+ val \S+ \d+ chars\/s ETA \S+/);
    }
  });
});

describe('eval and score show a sign of life on a terminal', () => {
  const text = readFileSync(CORPUS, 'utf8').split('\n').slice(0, 3000).join('\n') + '\n';
  writeFileSync(join(dir, 'held-out.txt'), text);

  it.each([['line'], ['none']])('eval --reset %s: a status line counting tokens, erased; the figures unchanged', async (reset) => {
    const args = ['eval', '-m', MODEL, '--reset', reset, '--threads', '1', join(dir, 'held-out.txt')];
    const plain = await cliIn(dir, args);
    const shown = await cliIn(dir, args, { stderrTTY: true, columns: 300 }); // the line is cut at the terminal's width
    expect(shown.code).toBe(0);
    expect(shown.out).toBe(plain.out);
    expect(plain.err).toBe('');
    const tokens = Number(/Tokens: (\d+)/.exec(shown.out)![1]);
    expect(shown.err).toMatch(new RegExp(`eval \\S+held-out\\.txt: [\\d,]+ of ${tokens.toLocaleString('en-US')} tokens \\(\\d+%\\)`));
    expect(shown.err.endsWith('\r\u001b[2K')).toBe(true); // erased at the end
  });

  it('eval of stdin: tokens counted without a total', async () => {
    const shown = await cliIn(dir, ['eval', '-m', MODEL, '-'], { stderrTTY: true, stdinText: text });
    expect(shown.code).toBe(0);
    expect(shown.err).toMatch(/eval stdin: [\d,]+ tokens, [\d,]+ tokens\/s/);
  });

  it('score - into a file: lines counted on the terminal; none when stdout is the terminal itself', async () => {
    const lines = text.split('\n').slice(0, 200).join('\n') + '\n';
    const plain = await cliIn(dir, ['score', '-m', MODEL, '-'], { stdinText: lines });
    const shown = await cliIn(dir, ['score', '-m', MODEL, '-'], { stdinText: lines, stderrTTY: true });
    expect(shown.code).toBe(0);
    expect(shown.out).toBe(plain.out);
    expect(shown.err).toMatch(/score: [\d,]+ lines, [\d,]+ lines\/s/);
    const onTerminal = await cliIn(dir, ['score', '-m', MODEL, '-'], { stdinText: lines, stderrTTY: true, stdoutTTY: true });
    expect(onTerminal.err).toBe('');
  });
});
