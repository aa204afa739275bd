// The README's "Continue in PyTorch" modules are templates/torch/model.py, the model.py of every
// `charnn export torch` folder, which the PyTorch tests, the fixture generator and the round-trip
// script run: the copy a user pastes is the tested one.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');

describe('README', () => {
  it('shows templates/torch/model.py verbatim under "Continue in PyTorch"', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Continue in PyTorch'));
    const block = /```python\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    expect(block![1]).toBe(readFileSync(resolve(ROOT, 'templates/torch/model.py'), 'utf8'));
  });
});
