// Flag parsers added for sample and fill: --stop's escapes (\n, \t, \\; other backslashes
// stay), repeatable options collected in order, one-character placeholders.
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { character, escapedString, repeatable } from '../../src/cli/parse.js';

describe('flag parsers', () => {
  it('escapedString: \\n is a line end, \\t a tab, \\\\ a backslash; empty is refused', () => {
    expect(escapedString('.\\n\\n')).toBe('.\n\n');
    expect(escapedString('a\\tb')).toBe('a\tb');
    expect(escapedString('a\\\\nb')).toBe('a\\nb');
    expect(escapedString('c:\\x')).toBe('c:\\x');
    expect(() => escapedString('')).toThrow(InvalidArgumentError);
  });

  it('repeatable collects every value in order', () => {
    const parse = repeatable(escapedString);
    expect(parse('b', parse('a\\n', undefined))).toEqual(['a\n', 'b']);
  });

  it('character takes exactly one code point', () => {
    expect(character('#')).toBe('#');
    expect(character('🙂')).toBe('🙂');
    for (const bad of ['', 'ab', '\n']) expect(() => character(bad)).toThrow(InvalidArgumentError);
  });
});
