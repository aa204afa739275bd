// Counts in messages (src/util/format-count.ts): digits grouped by thousands, and a noun that is
// plural unless the count is one ("1 rare character as <UNK>", not "1 rare characters").
import { describe, expect, it } from 'vitest';
import { formatCount, formatCountOf } from '../../src/util/format-count.js';

describe('formatCount', () => {
  it('groups digits by thousands, negative numbers too', () => {
    expect([0, 7, 999, 1000, 1234567, -45678].map(formatCount)).toEqual(['0', '7', '999', '1,000', '1,234,567', '-45,678']);
  });
});

describe('formatCountOf', () => {
  it('says the noun in the singular for one only', () => {
    expect(formatCountOf(1, 'rare character')).toBe('1 rare character');
    expect(formatCountOf(0, 'thread')).toBe('0 threads');
    expect(formatCountOf(2, 'step')).toBe('2 steps');
    expect(formatCountOf(12345, 'character')).toBe('12,345 characters');
  });
});
