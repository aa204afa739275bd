// When progress is drawn (spinner, bar, colour): on a terminal with a width, unless NO_COLOR or
// TERM=dumb. A terminal of 0 columns gets plain lines: ora would clear Infinity lines there, in
// a loop that never ends (bin/charnn.js train under `script` without a terminal hung that way).
import { describe, expect, it } from 'vitest';
import { isFancyTerminal } from '../../src/cli/io.js';

describe('isFancyTerminal', () => {
  it('a terminal with a width, colour allowed: yes', () => {
    expect(isFancyTerminal({ isTTY: true, columns: 80 }, {})).toBe(true);
  });

  it('no: a pipe or file, a terminal of 0 or unknown columns, NO_COLOR, TERM=dumb', () => {
    expect(isFancyTerminal({}, {})).toBe(false);
    expect(isFancyTerminal({ isTTY: true, columns: 0 }, {})).toBe(false);
    expect(isFancyTerminal({ isTTY: true }, {})).toBe(false);
    expect(isFancyTerminal({ isTTY: true, columns: 80 }, { NO_COLOR: '1' })).toBe(false);
    expect(isFancyTerminal({ isTTY: true, columns: 80 }, { TERM: 'dumb' })).toBe(false);
  });
});
