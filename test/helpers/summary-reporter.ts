/**
 * Prints one plain closing line, 'N passed, N failed, N skipped', after vitest's own summary,
 * so tools that read a run's last line (CI) see the counts in a fixed, uncoloured form.
 *
 * Above it, every skipped test is named with its reason, so a skip is never silent: a test that
 * cannot run here calls `ctx.skip(reason)` (test/skips.test.ts makes sure every skip in the
 * suite does), and the reason is printed as
 *
 *     skipped: test/plot/render.test.ts > rendering the SVG > headless Chromium ...: /usr/bin/chromium is not installed ...
 *
 * A test skipped without a reason (filtered out by -t or .only while working on a file) is
 * listed as such, the first few by name.
 */
import type { Reporter } from 'vitest/reporters';

type Task = { type: string; name: string; mode?: string; result?: { state?: string; note?: string }; tasks?: Task[] };

/** Tests skipped without a reason named one by one; past this, only their number. */
const UNEXPLAINED_SHOWN = 5;

export default class SummaryReporter implements Reporter {
  onFinished(files: Task[] = []): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    const explained: string[] = [];
    const unexplained: string[] = [];
    const walk = (task: Task, path: string[]) => {
      const here = [...path, task.name]; // a file's task is named by its path from the root
      if (task.tasks) task.tasks.forEach((t) => walk(t, here));
      if (task.type !== 'test') return;
      if (task.mode === 'skip' || task.mode === 'todo' || task.result?.state === 'skip') {
        count.skipped++;
        const note = task.result?.note;
        if (note) explained.push(`skipped: ${here.join(' > ')}: ${note}`);
        else unexplained.push(here.join(' > '));
      } else if (task.result?.state === 'pass') count.passed++;
      else count.failed++;
    };
    files.forEach((f) => walk(f, []));
    const lines = [...explained];
    for (const name of unexplained.slice(0, UNEXPLAINED_SHOWN)) lines.push(`skipped without a reason: ${name}`);
    if (unexplained.length > UNEXPLAINED_SHOWN)
      lines.push(`... and ${unexplained.length - UNEXPLAINED_SHOWN} more skipped without a reason (filtered out by -t or .only?)`);
    const list = lines.length > 0 ? `\n${lines.join('\n')}\n` : '';
    process.stdout.write(`${list}\n${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`);
  }
}
