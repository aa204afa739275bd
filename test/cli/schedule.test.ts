// `charnn train --schedule` on the command line: the options of another schedule are usage
// errors naming the flags; a cosine or linear run says what its schedule does; --help tells
// which flags belong to which schedule.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliInProcess, expectCleanError } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'charnn-schedule-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const corpus = join(dir, 'tiny.txt');
writeFileSync(corpus, Array.from({ length: 60 }, (_, i) => ['the cat sat.', 'a dog ran.', 'we sing.'][i % 3]).join('\n') + '\n');
const SMALL = ['--hidden', '8', '--layers', '1', '--batch', '4', '--seq', '8', '--samples', '0', '--no-eval-samples'];

describe('charnn train --schedule', () => {
  it('refuses the options of another schedule, naming the flags (exit 2)', async () => {
    for (const [flags, message] of [
      [
        ['--schedule', 'char-rnn', '--warmup', '10'],
        /^charnn: --warmup applies to the cosine and linear schedules, not to --schedule char-rnn$/m,
      ],
      [
        ['--schedule', 'char-rnn', '--warmup', '10', '--lr-floor', '0.2'],
        /--warmup and --lr-floor apply to the cosine and linear schedules/,
      ],
      // cosine is the default: --lr-decay alone is refused the same way
      [['--lr-decay', '0.5'], /^charnn: --lr-decay applies to the char-rnn schedule, not to --schedule cosine/m],
      [['--schedule', 'linear', '--lr-decay-after', '2'], /--lr-decay-after applies to the char-rnn schedule/],
    ] as const) {
      const r = await cliInProcess(['train', corpus, '--steps', '2', ...SMALL, ...flags, '-o', join(dir, 'x.safetensors')], dir);
      expectCleanError(r, 2, message);
    }
    expectCleanError(
      await cliInProcess(['train', corpus, '--schedule', 'step', '--steps', '2'], dir),
      2,
      /--schedule.*'step' is invalid.*char-rnn, cosine, linear/,
    );
  });

  it('a cosine run (the default) says what its schedule does; a char-rnn run says nothing new', async () => {
    const cosine = await cliInProcess(
      ['train', corpus, '--steps', '12', '--time', '1m', '--warmup', '3', ...SMALL, '-o', join(dir, 'c.safetensors')],
      dir,
    );
    expect(cosine.code, cosine.err).toBe(0);
    expect(cosine.err).toMatch(
      /^schedule: cosine, warm-up 3 steps to lr 0\.01, then down to 0\.001 by step 12 or 1m00s of training, whichever comes first$/m,
    );
    const linear = await cliInProcess(
      [
        'train',
        corpus,
        '--epochs',
        '2',
        '--schedule',
        'linear',
        '--warmup',
        '0',
        '--lr-floor',
        '0',
        '--lr',
        '0.002',
        ...SMALL,
        '-o',
        join(dir, 'l.safetensors'),
      ],
      dir,
    );
    expect(linear.err).toMatch(/^schedule: linear, lr 0\.002 down to 0 by step \d+$/m);
    const plain = await cliInProcess(
      ['train', corpus, '--steps', '2', '--schedule', 'char-rnn', ...SMALL, '-o', join(dir, 'p.safetensors')],
      dir,
    );
    expect(plain.err).not.toMatch(/^schedule:/m);
  });

  it('--help says which flags belong to which schedule', async () => {
    const r = await cliInProcess(['train', '--help'], dir);
    const help = r.out.replace(/\s+/g, ' ');
    expect(help).toMatch(
      /--schedule <name> learning-rate schedule: char-rnn .*cosine or linear .*\(choices: "char-rnn", "cosine", "linear", default: "cosine"\)/,
    );
    expect(help).toMatch(/--lr-decay <factor> char-rnn schedule:/);
    expect(help).toMatch(/--warmup <steps> cosine and linear schedules: .*default 100/);
    expect(help).toMatch(/--lr-floor <fraction> cosine and linear schedules: .*default 0\.1/);
  });
});
