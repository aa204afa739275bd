/**
 * `charnn plot RUN.jsonl [MORE.jsonl ...] -o loss.svg`: the training and validation losses of
 * one or more `charnn train --log` files as one SVG chart, against steps and wall time.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CharnnError, UsageError } from '../../errors.js';
import { parseRunLog } from '../../plot/run-log.js';
import { lossSvg, type PlotRun, type PlotX } from '../../plot/svg.js';
import type { CliIO } from '../io.js';
import { integer } from '../parse.js';
import { writeFileAtomic } from '../../platform/node/atomic-file.js';

interface PlotFlags {
  out: string;
  x: PlotX;
  label: string[];
  title?: string;
  width: number;
}

export function registerPlot(program: Command, io: CliIO): void {
  program
    .command('plot')
    .description('draw the losses of charnn train --log files as an SVG chart (several files: one colour each)')
    .argument('<logs...>', 'JSON-lines files written by charnn train --log')
    .requiredOption('-o, --out <file>', 'SVG file to write (- for stdout)')
    .addOption(
      new Option('--x <axis>', 'x axis: steps, time (wall time) or both (two panels)').choices(['steps', 'time', 'both']).default('both'),
    )
    .addOption(
      new Option('--label <name>', 'legend label of a file, in order (repeat once per file)')
        .argParser((v: string, all: string[]) => [...all, v])
        .default([], 'the file names'),
    )
    .option('--title <text>', 'a title above the chart')
    .option('--width <px>', 'width of the chart', integer(400, 4000), 900)
    .action((logs: string[], flags: PlotFlags) => {
      if (flags.label.length > 0 && flags.label.length !== logs.length) {
        throw new UsageError(
          `--label was given ${flags.label.length} time(s) for ${logs.length} log file(s): give one per file, in order, or none`,
        );
      }
      const labels = flags.label.length > 0 ? flags.label : defaultLabels(logs);
      const runs: PlotRun[] = logs.map((file, i) => {
        const log = parseRunLog(readLog(resolve(io.cwd, file), file), file);
        for (const note of log.notes) io.stderr.write(`note: ${note}\n`);
        return { label: labels[i], points: log.points };
      });
      const svg = lossSvg(runs, { x: flags.x, width: flags.width, title: flags.title });
      if (flags.out === '-') io.stdout.write(svg);
      else writeOutput(resolve(io.cwd, flags.out), svg);
    });
}

function writeOutput(path: string, svg: string): void {
  try {
    writeFileAtomic(path, svg);
  } catch (e) {
    throw new CharnnError(
      `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'check that the directory exists and is writable',
    );
  }
}

function readLog(path: string, shown: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CharnnError(code === 'ENOENT' ? `no such file: ${shown}` : `cannot read ${shown}: ${code ?? (e as Error).message}`);
  }
}

/** File names without .jsonl; the paths as given when two names are the same. */
function defaultLabels(files: string[]): string[] {
  const names = files.map((f) => basename(f, extname(f)));
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? files[i] : n));
}
