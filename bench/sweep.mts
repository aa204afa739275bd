/**
 * The sweep behind issue 17 ("the best model for the time you have"): for a time budget, which
 * configuration reaches the lowest validation loss on each corpus? Its results fill
 * src/train/budget-table.ts and BENCHMARKS.md ("Sizes for a time budget").
 *
 *     node_modules/.bin/tsx bench/sweep.mts --time 10m --reps 3 \
 *       --corpora ../shared/corpora/tinyshakespeare.txt,corpora/default.txt,/tmp/debian-docs.txt \
 *       --configs bench/sweep-configs.txt --out sweep-10m.json
 *     node_modules/.bin/tsx bench/sweep.mts --help
 *
 * Every run is the real CLI in a child process, `charnn train CORPUS --time T --seed S
 * --val-frac 0.1 ...CONFIG`, with --cell, --hidden, --layers, --batch, --seq, --lr and --schedule
 * given at their defaults where the configuration leaves them out (so the budget table never
 * chooses for a run: each is its configuration; validation: the last 10% of each file, as train cuts it; the run
 * evaluates as a user's run does, once per epoch unless the config says otherwise, and once at
 * the end). Its result is the validation loss of that final evaluation, read from its --log
 * (the last line with val_nats; JSON, nats per character). Runs alternate configurations within
 * each repetition (rep 1: corpus 1 config A, config B, ...; corpus 2 ...; then rep 2), so a
 * neighbour's load spreads over all of them; repetition r uses seed 1000 + r for every
 * configuration (different per repetition, the same across configurations). The report (stdout,
 * markdown): per time, corpus and configuration the median of the reps and each run's value,
 * then the machine (CPU, cores, load average before and after) and every command run.
 *
 * --out FILE keeps every finished run (JSON, rewritten whole after each run), so a sweep that
 * was interrupted goes on where it stopped, and one with more --reps, corpora, configs or
 * another --time runs only what is missing; the report covers every run in the file that
 * matches the options. Progress goes to stderr. Nothing is written outside the --out file and
 * a temp dir. charnn must be built (npm run build).
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchError, describe, expectOk, killChildren, run } from './lib/proc.mjs';
import { sweepReport, type Machine, type SweepRun } from './lib/sweep-report.mjs';
import { flagName } from '../src/options/option-spec.js';
import { TRAIN_DEFAULTS, TRAIN_OPTIONS } from '../src/train/train-options.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'charnn.js');
const SEED_BASE = 1000;
/** Flags the sweep sets itself; a config that gives one is refused. */
const OWN_FLAGS = ['--time', '--seed', '--val-frac', '-o', '--out', '--log', '--resume', '--steps', '--epochs', '--samples'];

const USAGE = `Usage: tsx bench/sweep.mts [options]

Runs charnn train --time T for each configuration on each corpus, --reps times, and prints the
median validation loss per corpus and configuration as a markdown table (stdout).

Options:
  --time <duration>    the time budget of every run, as charnn train takes it (default 10m)
  --reps <n>           repetitions; repetition r uses --seed ${SEED_BASE} + r (default 3)
  --corpora <paths>    corpora, comma-separated or the flag repeated (files or folders)
                       (default: ../shared/corpora/tinyshakespeare.txt and corpora/default.txt)
  --configs <list>     a file of configurations, one line of charnn train flags each (# comments;
                       'defaults' for none), or an inline list separated by ';', given with '='
                       as it starts with a dash: --configs='defaults;--hidden 192'
                       (default: bench/sweep-configs.txt)
  --out <file>         JSON of every finished run: read first (runs already there are skipped),
                       rewritten after each run (default: none)
  --dry-run            print the commands it would run, run nothing
  -h, --help           this help
`;

interface Options {
  time: string;
  reps: number;
  corpora: string[];
  configs: string[];
  out: string | null;
  dryRun: boolean;
}

function usageError(message: string): never {
  process.stderr.write(`sweep: ${message}\n${USAGE}`);
  process.exit(2);
}

/** Configurations from a file (one per line) or an inline list separated by ';': each a string
 *  of charnn train flags; `defaults` stands for none. */
export function parseConfigs(spec: string): string[] {
  const text = existsSync(spec) ? readFileSync(spec, 'utf8') : spec.replace(/;/g, '\n');
  const configs = text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().replace(/\s+/g, ' '))
    .filter((l) => l !== '')
    .map((l) => (l === 'defaults' ? '' : l));
  if (configs.length === 0) usageError(`no configuration in ${spec}`);
  return [...new Set(configs)];
}

function parseOptions(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        time: { type: 'string' },
        reps: { type: 'string' },
        corpora: { type: 'string', multiple: true },
        configs: { type: 'string' },
        out: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    usageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const reps = v.reps ?? '3';
  if (!/^\d+$/.test(reps) || Number(reps) < 1) usageError(`--reps must be a whole number >= 1, got '${reps}'`);
  const corpora = (v.corpora ?? [join(ROOT, '..', 'shared', 'corpora', 'tinyshakespeare.txt'), join(ROOT, 'corpora', 'default.txt')])
    .flatMap((s) => s.split(','))
    .filter((s) => s !== '')
    .map((s) => resolve(s));
  for (const c of corpora) if (!existsSync(c)) usageError(`no such corpus: ${c}`);
  const configs = parseConfigs(v.configs ?? join(ROOT, 'bench', 'sweep-configs.txt'));
  for (const config of configs) {
    const own = config.split(' ').find((w) => OWN_FLAGS.includes(w.split('=')[0]));
    if (own !== undefined) usageError(`config '${config}' gives ${own}, which the sweep sets itself`);
  }
  return { time: v.time ?? '10m', reps: Number(reps), corpora, configs, out: v.out ? resolve(v.out) : null, dryRun: v['dry-run'] ?? false };
}

/** The runs of an earlier sweep's --out file (none when it does not exist yet). */
function readRuns(path: string | null): SweepRun[] {
  if (path === null || !existsSync(path)) return [];
  const data = JSON.parse(readFileSync(path, 'utf8')) as { runs?: SweepRun[] };
  if (!Array.isArray(data.runs)) throw new BenchError(`${path}: not a sweep file (no "runs" array)`);
  return data.runs;
}

function writeRuns(path: string, runs: SweepRun[], machine: Machine): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: 1, machine, runs }, null, 1) + '\n');
  renameSync(tmp, path); // whole or not at all
}

const sameRun = (a: Pick<SweepRun, 'time' | 'corpus' | 'config' | 'rep'>, b: typeof a) =>
  a.time === b.time && a.corpus === b.corpus && a.config === b.config && a.rep === b.rep;

/** What a configuration leaves out of these is given explicitly at its default, so that a run
 *  is always the configuration itself, never the budget table's choice (which --time alone
 *  would take: src/train/budget.ts), and the command says what ran. */
const SIZING: readonly (keyof typeof TRAIN_DEFAULTS)[] = ['cell', 'hidden', 'layers', 'batch', 'seq', 'lr', 'schedule'];

/** The training arguments of one run (after `node bin/charnn.js`). */
function trainArgs(opts: Options, corpus: string, config: string, seed: number, dir: string): string[] {
  const given = config === '' ? [] : config.split(' ');
  const defaults = SIZING.filter((key) => !given.includes(flagName(TRAIN_OPTIONS[key]))).flatMap((key) => [
    flagName(TRAIN_OPTIONS[key]),
    String(TRAIN_DEFAULTS[key]),
  ]);
  return [
    'train',
    corpus,
    '--time',
    opts.time,
    '--seed',
    String(seed),
    '--val-frac',
    '0.1',
    '--samples',
    '0',
    '--no-eval-samples',
    '--log',
    join(dir, 'run.jsonl'),
    '-o',
    join(dir, 'run.safetensors'),
    ...given,
    ...defaults,
  ];
}

/** The final evaluation of a run's --log: the last line with val_nats. */
function finalEvaluation(logPath: string): { valNats: number; step: number; epoch: number; elapsedS: number; charsPerS: number } {
  const lines = readFileSync(logPath, 'utf8').trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const e = JSON.parse(lines[i]) as { val_nats?: number; step: number; epoch: number; elapsed_s: number; chars_per_s: number };
    if (typeof e.val_nats === 'number')
      return { valNats: e.val_nats, step: e.step, epoch: e.epoch, elapsedS: e.elapsed_s, charsPerS: e.chars_per_s };
  }
  throw new BenchError(`${logPath}: no evaluation in the log`);
}

async function machineInfo(): Promise<Machine> {
  const commit = await run('git', ['-C', ROOT, 'log', '-1', '--format=%h %cs']).catch(() => null);
  const dirty = await run('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no']).catch(() => null);
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    commit: commit && commit.code === 0 ? commit.stdout.trim() + (dirty && dirty.stdout.trim() !== '' ? ' (modified)' : '') : 'unknown',
    loadBefore: loadavg()[0],
    loadAfter: null,
  };
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new BenchError('charnn is not built (no dist/cli/main.js): npm run build');
  const runs = readRuns(opts.out);
  const machine = await machineInfo();
  const plan: Pick<SweepRun, 'time' | 'corpus' | 'config' | 'rep' | 'seed'>[] = [];
  for (let rep = 1; rep <= opts.reps; rep++)
    for (const corpus of opts.corpora)
      for (const config of opts.configs) plan.push({ time: opts.time, corpus, config, rep, seed: SEED_BASE + rep });
  const todo = plan.filter((p) => !runs.some((r) => sameRun(r, p)));
  process.stderr.write(
    `sweep: ${plan.length} runs of ${opts.time}, ${plan.length - todo.length} already in ${opts.out ?? '(no --out)'}, ${todo.length} to run\n`,
  );

  const tmp = mkdtempSync(join(tmpdir(), 'charnn-sweep-'));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nsweep: interrupted; the finished runs are in ${opts.out ?? '(no --out file)'}\n`);
      killChildren();
      cleanup();
      process.exit(130);
    });
  }
  for (const [i, p] of todo.entries()) {
    const dir = mkdtempSync(join(tmp, 'run-'));
    const args = trainArgs(opts, p.corpus, p.config, p.seed, dir);
    // As the report shows it: the run's temp dir as RUN.
    const command = `node bin/charnn.js ${describe(args[0], args.slice(1))}`.replaceAll(dir, 'RUN');
    if (opts.dryRun) {
      process.stdout.write(command + '\n');
      continue;
    }
    process.stderr.write(`sweep: [${i + 1}/${todo.length}] rep ${p.rep} ${p.corpus} ${p.config || '(defaults)'}: `);
    const loadBefore = loadavg()[0];
    const result = expectOk(await run(process.execPath, [BIN, ...args], { cwd: ROOT, timeoutS: 3600 * 24 }), 'charnn', args);
    const final = finalEvaluation(join(dir, 'run.jsonl'));
    const host = `${machine.cpu} x ${machine.cores}`;
    const done: SweepRun = { ...p, command, ...final, loadBefore, loadAfter: loadavg()[0], wallS: result.wallS, host };
    runs.push(done);
    process.stderr.write(`validation ${final.valNats.toFixed(4)} nats after ${final.step} steps\n`);
    if (opts.out !== null) writeRuns(opts.out, runs, machine);
    rmSync(dir, { recursive: true, force: true });
  }
  if (opts.dryRun) return 0;
  machine.loadAfter = loadavg()[0];
  if (opts.out !== null) writeRuns(opts.out, runs, machine);
  const shown = runs.filter((r) => plan.some((p) => sameRun(r, p)));
  process.stdout.write(sweepReport(shown, opts.configs, opts.corpora, machine));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    killChildren();
    process.stderr.write(`sweep: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
