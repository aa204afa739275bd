/**
 * Prints one plain closing line, 'N passed, N failed, N skipped', after vitest's own summary,
 * so tools that read a run's last line (CI) see the counts in a fixed, uncoloured form.
 */
import type { Reporter } from 'vitest/reporters';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

export default class SummaryReporter implements Reporter {
  onFinished(files: Task[] = []): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    const walk = (task: Task) => {
      if (task.tasks) task.tasks.forEach(walk);
      if (task.type !== 'test') return;
      if (task.mode === 'skip' || task.mode === 'todo') count.skipped++;
      else if (task.result?.state === 'pass') count.passed++;
      else count.failed++;
    };
    files.forEach(walk);
    process.stdout.write(`\n${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`);
  }
}
