// No test passes in silence: a test that cannot run here skips itself with ctx.skip(reason),
// and the run's summary (test/helpers/summary-reporter.ts) names it with that reason. So the
// suite has no skips that give no reason (it.skip, skipIf, runIf, todo, a bare ctx.skip()),
// and no .only left behind.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import SummaryReporter from './helpers/summary-reporter.js';

const ROOT = join(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('skips', () => {
  it('every skip in the suite is ctx.skip with a reason: no it.skip, skipIf, runIf, todo or .only', () => {
    const forbidden =
      /\b(?:it|test|describe|suite|bench)(?:\.\w+)*\.(?:skip|skipIf|runIf|todo|only)\b|\bskip\(\s*\)|\bskip\((?:true|false)\s*\)/;
    const offending: string[] = [];
    const files = testFiles(join(ROOT, 'test')).filter((f) => f !== __filename);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (forbidden.test(line.replace(/\/\/.*$/, ''))) offending.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
  });

  it("the run's summary names each skipped test with its reason, then the counts on the last line", () => {
    const test = (name: string, result: object, mode = 'run') => ({ type: 'test', name, mode, result });
    const files = [
      {
        type: 'suite',
        name: 'test/a.test.ts',
        tasks: [
          test('runs', { state: 'pass' }),
          { type: 'suite', name: 'group', tasks: [test('cannot run here', { state: 'skip', note: 'no chromium' }, 'skip')] },
          test('breaks', { state: 'fail' }),
          test('filtered out', { state: 'skip' }, 'skip'),
        ],
      },
    ];
    let out = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    try {
      new SummaryReporter().onFinished(files);
    } finally {
      write.mockRestore();
    }
    expect(out).toBe(
      '\nskipped: test/a.test.ts > group > cannot run here: no chromium\nskipped without a reason: test/a.test.ts > filtered out\n' +
        '\n1 passed, 1 failed, 2 skipped\n',
    );
  });
});
