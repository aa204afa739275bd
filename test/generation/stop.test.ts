// Stop strings: characters that could start a stop string are held back until they cannot
// (so a streamed sample never shows part of one), a completed stop string is dropped (the
// longest, when several end there), and what is held is released at the end.
import { describe, expect, it } from 'vitest';
import { endingStopLength, StopMatcher, stopSequences } from '../../src/generation/stop.js';

function feed(stops: string[], text: string, reversed = false) {
  const m = new StopMatcher(stopSequences(stops, reversed));
  const steps: string[] = [];
  for (const ch of text) {
    steps.push(m.push(ch).join(''));
    if (m.matched) break;
  }
  return { steps, matched: m.matched?.join('') ?? null, rest: m.flush().join('') };
}

describe('StopMatcher', () => {
  it('holds back a possible start of a stop string, releases it when it cannot be one', () => {
    const r = feed(['abc'], 'xabxab');
    expect(r.steps).toEqual(['x', '', '', 'abx', '', '']);
    expect(r.matched).toBeNull();
    expect(r.rest).toBe('ab');
  });

  it('drops the stop string and everything after it; only what came before is released', () => {
    const r = feed(['abc'], 'xaabcyz');
    expect(r.steps.join('')).toBe('xa');
    expect(r.matched).toBe('abc');
    expect(r.steps).toHaveLength(5); // stopped at the c
  });

  it('line ends and multi-unit characters are characters like any other', () => {
    expect(feed(['.\n\n'], 'ab.\nc.\n\nd').steps.join('')).toBe('ab.\nc');
    expect(feed(['🙂!'], 'a🙂b🙂!c').steps.join('')).toBe('a🙂b');
  });

  it('of several stop strings ending at the same place, the longest is dropped', () => {
    expect(feed(['c', 'abc'], 'xabc').steps.join('')).toBe('x');
    expect(feed(['c', 'abc'], 'xbc').steps.join('')).toBe('xb');
  });

  it('reversed (backward generation): generation order is right to left', () => {
    expect(feed(['the'], 'xeht', true).matched).toBe('eht');
    expect(endingStopLength(['a', 'b'], stopSequences(['ba'], true))).toBe(2);
    expect(endingStopLength(['a', 'b'], stopSequences(['ba'], false))).toBe(0);
  });

  it('without stop strings everything passes straight through', () => {
    const m = new StopMatcher([]);
    expect(m.push('a')).toEqual(['a']);
    expect(m.flush()).toEqual([]);
  });
});
