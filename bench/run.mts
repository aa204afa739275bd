/**
 * `npm run bench`: charnn and the PyTorch CPU reference (../shared/bench/torch_charrnn.py) side
 * by side, the same work measured the same way, and one markdown table for BENCHMARKS.md.
 *
 *     npm run bench                      # build, then every row, 3 rounds (about 10-15 minutes)
 *     npm run bench -- --quick           # smoke run: 1 round, small sizes, PyTorch 1 thread only
 *     npm run bench -- --only sample --rounds 5
 *     npm run bench -- --big             # adds the 100 MB corpus rows (takes minutes)
 *     npm run bench -- --against ../old  # this build against another checkout (built), no PyTorch
 *     node_modules/.bin/tsx bench/run.mts --help
 *
 * Every row is a ratio charnn / PyTorch measured in one run: each round runs PyTorch (with 1 and
 * 2 threads, keeping the faster: 2 threads can oversubscribe a 2-core machine) and then charnn,
 * and the row reports the medians over the rounds; the ratio is the median of the per-round
 * ratios, so a load spike from a neighbour hits both sides of a pair. B = 50 streams, T = 50
 * steps, Adam, clip 5, on Tiny Shakespeare.
 *
 * How charnn is measured (the real CLI, node bin/charnn.js, in a child process):
 *  - train: the --log JSON lines (one every 10 steps, with elapsed_s since the first step
 *    started): chars/s between step 10 (warm-up) and the last step; start-up and the final
 *    validation are outside that window. --val-frac 0.01 keeps the final validation short.
 *  - sample: stdout is streamed as it is generated; chars/s from the arrival of the first 100
 *    characters (warm-up, as PyTorch's 100) to the last, so start-up and model loading are out.
 *  - eval: `eval --json FILE FILE`; the file's tokens divided by the time between the two JSON
 *    lines (the second pass, warm; reading and encoding the file included). Falls back to
 *    wall(FILE) - wall(tiny file) if the lines do not arrive separately.
 *  - cold start: wall time of the whole command, median of several runs after one warm-up.
 *  - --big: /usr/bin/time -v (or /proc VmHWM) of `charnn train` on a 100 MB file made by
 *    repeating the corpus in a temp dir, stopped (SIGKILL) after step 10; seconds from spawn to
 *    the first "step 1" progress line.
 * Progress goes to stderr, the table to stdout. Writes nothing outside its temp dir.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { duration, fixed, int, median } from './lib/format.mjs';
import { BenchError, childPids, describe, expectOk, killChildren, killPid, quote, run } from './lib/proc.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'charnn.js');
const B = 50;
const T = 50;
/** charnn train logs every 10 steps; the first 10 are the warm-up. */
const LOG_EVERY = 10;

const USAGE = `Usage: tsx bench/run.mts [options]   (npm run bench -- [options])

charnn vs the PyTorch CPU reference, side by side; markdown table on stdout, progress on stderr.

Options:
  --corpus <file>        training text (default: ../shared/corpora/tinyshakespeare.txt)
  --rounds <n>           rounds of (PyTorch, charnn) per row; medians are reported (default 3, --quick 1)
  --only <text>          run only the rows whose name contains this (repeatable)
  --quick                smoke run: 1 round, small sizes, PyTorch with 1 thread only
  --big                  add the 100 MB corpus rows (peak RSS, seconds to the first step); minutes
  --threads <n>          forwarded to charnn train (default: charnn's own default)
  --torch-threads <list> PyTorch thread counts to try, keeping the fastest (default 1,2; --quick 1)
  --no-torch             charnn figures only (PyTorch columns n/a)
  --against <dir>        compare with the charnn checkout in <dir> (built: npm ci) instead of PyTorch:
                         each round runs both builds, in turn first, and the ratio is this / that
  --python <path>        Python with torch (default /usr/bin/python3)
  --torch-script <path>  the reference (default ../shared/bench/torch_charrnn.py)
  -h, --help             this help
`;

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  corpus: string;
  rounds: number;
  only: string[];
  quick: boolean;
  big: boolean;
  threads: string | null;
  torchThreads: number[];
  torch: boolean;
  python: string;
  torchScript: string;
  /** Another charnn checkout to compare with instead of PyTorch (its bin/charnn.js). */
  against: string | null;
}

function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseOptions(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        corpus: { type: 'string' },
        rounds: { type: 'string' },
        only: { type: 'string', multiple: true },
        quick: { type: 'boolean' },
        big: { type: 'boolean' },
        threads: { type: 'string' },
        'torch-threads': { type: 'string' },
        'no-torch': { type: 'boolean' },
        python: { type: 'string' },
        'torch-script': { type: 'string' },
        against: { type: 'string' },
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
  const quick = v.quick ?? false;
  const positiveInt = (s: string, flag: string): number => {
    if (!/^\d+$/.test(s) || Number(s) < 1) usageError(`${flag} must be a whole number >= 1, got '${s}'`);
    return Number(s);
  };
  const rounds = v.rounds !== undefined ? positiveInt(v.rounds, '--rounds') : quick ? 1 : 3;
  if (v.threads !== undefined) positiveInt(v.threads, '--threads');
  const torchThreads = (v['torch-threads'] ?? (quick ? '1' : '1,2')).split(',').map((s) => positiveInt(s.trim(), '--torch-threads'));
  return {
    corpus: resolve(v.corpus ?? join(ROOT, '..', 'shared', 'corpora', 'tinyshakespeare.txt')),
    rounds,
    only: (v.only ?? []).map((s) => s.toLowerCase()),
    quick,
    big: v.big ?? false,
    threads: v.threads ?? null,
    torchThreads,
    torch: !(v['no-torch'] ?? false),
    python: v.python ?? '/usr/bin/python3',
    torchScript: resolve(v['torch-script'] ?? join(ROOT, '..', 'shared', 'bench', 'torch_charrnn.py')),
    against: v.against === undefined ? null : join(resolve(v.against), 'bin', 'charnn.js'),
  };
}

// ---------------------------------------------------------------------------------------------
// Rows

interface ModelSpec {
  cell: 'rnn' | 'lstm' | 'gru' | 'bilstm';
  hidden: number;
  layers: number;
}

type Work =
  | { kind: 'train'; model: ModelSpec; charnnSteps: number; torchSteps: number; torchWarmup: number }
  | { kind: 'sample'; model: ModelSpec; charnnChars: number; torchChars: number }
  | { kind: 'eval'; model: ModelSpec; reset: 'none' | 'line'; chars: number };

interface Row {
  name: string;
  work: Work;
  must: number;
  goal: number;
}

function rows(quick: boolean): Row[] {
  const m = (cell: ModelSpec['cell'], hidden: number, layers: number): ModelSpec => ({ cell, hidden, layers });
  // Sizes: the default run takes about 10-15 minutes on a loaded 2-core machine.
  const small = quick ? { charnnSteps: 20, torchSteps: 8, torchWarmup: 2 } : { charnnSteps: 30, torchSteps: 15, torchWarmup: 3 };
  // 2 x 512: PyTorch takes ~0.44 s a step, charnn more; --quick measures charnn from step 0.
  const big = quick ? { charnnSteps: 10, torchSteps: 2, torchWarmup: 1 } : { charnnSteps: 20, torchSteps: 4, torchWarmup: 1 };
  const evalChars = quick ? 30_000 : 200_000;
  return [
    { name: 'train lstm 2x128', work: { kind: 'train', model: m('lstm', 128, 2), ...small }, must: 1.0, goal: 1.5 },
    { name: 'train gru 2x128', work: { kind: 'train', model: m('gru', 128, 2), ...small }, must: 1.0, goal: 1.5 },
    { name: 'train rnn 2x128', work: { kind: 'train', model: m('rnn', 128, 2), ...small }, must: 1.0, goal: 1.5 },
    { name: 'train bilstm 1x128', work: { kind: 'train', model: m('bilstm', 128, 1), ...small }, must: 1.0, goal: 1.5 },
    { name: 'train lstm 2x512', work: { kind: 'train', model: m('lstm', 512, 2), ...big }, must: 0.7, goal: 1.2 },
    {
      name: 'sample one stream lstm 2x128',
      work: { kind: 'sample', model: m('lstm', 128, 2), charnnChars: quick ? 5_000 : 30_000, torchChars: quick ? 1_000 : 3_000 },
      must: 3,
      goal: 5,
    },
    {
      name: 'sample one stream lstm 2x512',
      work: { kind: 'sample', model: m('lstm', 512, 2), charnnChars: quick ? 1_000 : 4_000, torchChars: quick ? 300 : 1_000 },
      must: 1.5,
      goal: 2,
    },
    {
      name: 'score one stream (eval --reset none) lstm 2x128',
      work: { kind: 'eval', model: m('lstm', 128, 2), reset: 'none', chars: evalChars },
      must: 1.5,
      goal: 2,
    },
    {
      name: 'eval --reset line, short lines, lstm 2x128 (vs one-stream score)',
      work: { kind: 'eval', model: m('lstm', 128, 2), reset: 'line', chars: evalChars },
      must: 4,
      goal: 8,
    },
  ];
}

const COLD_ROWS = ['cold start `charnn --version`', 'cold start `charnn score -m M "hello"` (lstm 2x128)'];
const BIG_ROWS = ['100 MB corpus: peak RSS of train', '100 MB corpus: seconds to the first step'];

// ---------------------------------------------------------------------------------------------
// State shared by the measurements

interface Context {
  opts: Options;
  tmp: string;
  /** Model checkpoints made on demand, keyed by spec. */
  models: Map<string, string>;
  /** Text files cut from the corpus, keyed by size. */
  texts: Map<number, string>;
  /** PyTorch figures of the current round, keyed by command (shared by rows with the same work). */
  torchCache: Map<string, TorchFigure>;
  torchVersion: string | null;
}

interface TorchFigure {
  best: number;
  perThreads: string; // e.g. "1t 40,123 / 2t 12,345"
}

interface Measured {
  charnn: number[];
  torch: number[];
  ratios: number[];
  errors: string[];
}

let T0 = performance.now();
function progress(message: string): void {
  process.stderr.write(`[${duration((performance.now() - T0) / 1000).padStart(6)}] ${message}\n`);
}

const specKey = (s: ModelSpec) => `${s.cell}-${s.layers}x${s.hidden}`;

async function charnn(args: (string | number)[], what: string, extra: Parameters<typeof run>[2] = {}, bin = BIN) {
  const full = [bin, ...args.map(String)];
  const result = await run(process.execPath, full, { cwd: ROOT, timeoutS: 900, ...extra });
  return expectOk(result, `charnn ${what}:`, ['node', ...full.map((a) => (a === BIN ? 'bin/charnn.js' : a))]);
}

/** An untrained-ish checkpoint (one step; weights do not affect speed). */
async function modelFor(ctx: Context, spec: ModelSpec): Promise<string> {
  const key = specKey(spec);
  const have = ctx.models.get(key);
  if (have) return have;
  const out = join(ctx.tmp, `${key}.safetensors`);
  progress(`making a ${spec.cell} ${spec.layers}x${spec.hidden} checkpoint (charnn train --steps 1)`);
  await charnn(
    [
      'train',
      ctx.opts.corpus,
      '--cell',
      spec.cell,
      '--hidden',
      spec.hidden,
      '--layers',
      spec.layers,
      '--steps',
      1,
      '--val-frac',
      0.01,
      '--samples',
      0,
      '-o',
      out,
    ],
    'make a model',
  );
  ctx.models.set(key, out);
  return out;
}

/** The first `chars` characters of the corpus, cut at a line end. */
function textOf(ctx: Context, chars: number): string {
  const have = ctx.texts.get(chars);
  if (have) return have;
  const text = readFileSync(ctx.opts.corpus, 'utf8');
  const points = Array.from(text.slice(0, chars * 2 + 16))
    .slice(0, chars)
    .join('');
  const cut = points.lastIndexOf('\n');
  const file = join(ctx.tmp, `text-${chars}.txt`);
  writeFileSync(file, cut > 0 ? points.slice(0, cut + 1) : points);
  ctx.texts.set(chars, file);
  return file;
}

// ---------------------------------------------------------------------------------------------
// PyTorch

async function torchVersion(opts: Options): Promise<string | null> {
  if (!opts.torch) return null;
  if (!existsSync(opts.torchScript)) {
    progress(`PyTorch reference not found at ${opts.torchScript}: PyTorch figures will be n/a`);
    return null;
  }
  try {
    const r = await run(opts.python, ['-c', 'import torch; print(torch.__version__)'], { timeoutS: 120 });
    if (r.code === 0) return r.stdout.trim();
    progress(
      `PyTorch is not available (${opts.python} -c 'import torch' failed: ${r.stderr.trim().split('\n').pop()}); ` +
        `PyTorch figures will be n/a (apt-get install -y python3-torch libopenblas0-pthread)`,
    );
  } catch (e) {
    progress(`PyTorch is not available (${(e as Error).message}); PyTorch figures will be n/a`);
  }
  return null;
}

function torchArgs(ctx: Context, work: Work): string[] {
  const { cell, hidden, layers } = work.model;
  const common = ['--cell', cell, '--hidden', String(hidden), '--layers', String(layers), '--corpus', ctx.opts.corpus];
  switch (work.kind) {
    case 'train':
      return [
        'train',
        ...common,
        '--batch',
        String(B),
        '--seq',
        String(T),
        '--steps',
        String(work.torchSteps),
        '--warmup',
        String(work.torchWarmup),
      ];
    case 'sample':
      return ['sample', ...common, '--chars', String(work.torchChars)];
    case 'eval':
      return ['score', ...common, '--chars', String(work.chars)];
  }
}

async function measureTorch(ctx: Context, work: Work): Promise<TorchFigure | null> {
  if (ctx.torchVersion === null) return null;
  const args = torchArgs(ctx, work);
  const key = args.join(' ');
  const cached = ctx.torchCache.get(key);
  if (cached) return cached;
  let best = -Infinity;
  const parts: string[] = [];
  for (const threads of ctx.opts.torchThreads) {
    const full = [ctx.opts.torchScript, ...args, '--threads', String(threads)];
    const r = expectOk(await run(ctx.opts.python, full, { timeoutS: 900 }), ctx.opts.python, full);
    const m = /:\s*([\d,]+) chars\/s/.exec(r.stdout);
    if (!m) throw new BenchError(`cannot read chars/s from the PyTorch reference's output: ${r.stdout.trim()}`);
    const rate = Number(m[1].replace(/,/g, ''));
    parts.push(`${threads}t ${int(rate)}`);
    best = Math.max(best, rate);
  }
  const figure = { best, perThreads: parts.join(' / ') };
  ctx.torchCache.set(key, figure);
  return figure;
}

// ---------------------------------------------------------------------------------------------
// charnn

interface LogEntry {
  step: number;
  elapsed_s: number;
  val_nats?: number;
}

async function measureCharnn(ctx: Context, row: Row, round: number, bin = BIN): Promise<{ rate: number; note: string }> {
  const work = row.work;
  switch (work.kind) {
    case 'train': {
      const { cell, hidden, layers } = work.model;
      const tag = `${specKey(work.model)}-r${round}${bin === BIN ? '' : '-against'}`;
      const log = join(ctx.tmp, `train-${tag}.jsonl`);
      const args: (string | number)[] = [
        'train',
        ctx.opts.corpus,
        '--cell',
        cell,
        '--hidden',
        hidden,
        '--layers',
        layers,
        '--batch',
        B,
        '--seq',
        T,
        '--steps',
        work.charnnSteps,
        '--eval-every',
        100_000_000,
        '--val-frac',
        0.01,
        '--samples',
        0,
        '--log',
        log,
        '-o',
        join(ctx.tmp, `train-${tag}.safetensors`),
      ];
      if (ctx.opts.threads !== null) args.push('--threads', ctx.opts.threads);
      await charnn(args, 'train', {}, bin);
      const entries = readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as LogEntry)
        .filter((e) => e.val_nats === undefined && Number.isFinite(e.step) && Number.isFinite(e.elapsed_s));
      if (entries.length === 0) throw new BenchError(`charnn train wrote no step lines to its --log (${log})`);
      const last = entries[entries.length - 1];
      const first = entries.find((e) => e.step >= LOG_EVERY && e.step < last.step) ?? { step: 0, elapsed_s: 0 };
      const rate = ((last.step - first.step) * B * T) / (last.elapsed_s - first.elapsed_s);
      return { rate, note: `steps ${first.step}-${last.step}` };
    }
    case 'sample': {
      const model = await modelFor(ctx, work.model);
      // Timestamps of stdout chunks: from the first 100 characters (warm-up) to the last.
      let count = 0;
      let t0 = NaN;
      let c0 = 0;
      let t1 = NaN;
      const r = await charnn(
        ['sample', '-m', model, '--length', work.charnnChars, '--seed', 1, '--temp', 0.8],
        'sample',
        {
          onStdout: (chunk, now) => {
            count += Array.from(chunk).length;
            if (Number.isNaN(t0) && count >= 100) {
              t0 = now;
              c0 = count;
            }
            t1 = now;
          },
        },
        bin,
      );
      if (!(t1 - t0 > 0) || count - c0 < work.charnnChars / 2) {
        // The output did not come streamed: subtract the start-up instead.
        const startup = await charnn(['sample', '-m', model, '--length', 1, '--seed', 1, '--temp', 0.8], 'sample', {}, bin);
        return { rate: work.charnnChars / (r.wallS - startup.wallS), note: 'wall minus start-up' };
      }
      return { rate: ((count - c0) * 1000) / (t1 - t0), note: `${int(count - c0)} chars streamed` };
    }
    case 'eval': {
      const model = await modelFor(ctx, work.model);
      const file = textOf(ctx, work.chars);
      const arrivals: number[] = [];
      let pending = '';
      const r = await charnn(
        ['eval', '-m', model, '--reset', work.reset, '--json', file, file],
        `eval --reset ${work.reset}`,
        {
          onStdout: (chunk, now) => {
            pending += chunk;
            let nl;
            while ((nl = pending.indexOf('\n')) >= 0) {
              arrivals.push(now);
              pending = pending.slice(nl + 1);
            }
          },
        },
        bin,
      );
      const lines = r.stdout.trim().split('\n');
      const tokens = (JSON.parse(lines[lines.length - 1]) as { tokens: number }).tokens;
      if (arrivals.length === 2 && arrivals[1] - arrivals[0] > 1) {
        return { rate: (tokens * 1000) / (arrivals[1] - arrivals[0]), note: `${int(tokens)} tokens, second pass` };
      }
      // Both results came at once: time one pass and subtract a tiny file's run.
      const tiny = join(ctx.tmp, 'tiny.txt');
      writeFileSync(tiny, 'hello\n');
      const one = await charnn(['eval', '-m', model, '--reset', work.reset, '--json', file], `eval --reset ${work.reset}`, {}, bin);
      const startup = await charnn(['eval', '-m', model, '--reset', work.reset, '--json', tiny], `eval --reset ${work.reset}`, {}, bin);
      return { rate: tokens / (one.wallS - startup.wallS), note: 'wall minus start-up' };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// charnn-only rows

async function coldStart(ctx: Context, bins: string[]): Promise<(number | string)[][]> {
  const runs = ctx.opts.quick ? 3 : 9;
  const model = await modelFor(ctx, { cell: 'lstm', hidden: 128, layers: 2 });
  const out: (number | string)[][] = bins.map(() => []);
  for (const [name, args] of [
    [COLD_ROWS[0], ['--version']],
    [COLD_ROWS[1], ['score', '-m', model, 'hello']],
  ] as [string, string[]][]) {
    // The builds take turns, run by run, so a slow spell of the machine hits both.
    const times: number[][] = bins.map(() => []);
    const failed: (string | null)[] = bins.map(() => null);
    for (let i = 0; i <= runs; i++) {
      for (let b = 0; b < bins.length; b++) {
        if (failed[b] !== null) continue;
        try {
          const r = await charnn(args, name, {}, bins[b]);
          if (i > 0) times[b].push(r.wallS); // the first run warms the file cache
        } catch (e) {
          failed[b] = (e as Error).message;
          progress(`${name}${b > 0 ? ' (against)' : ''}: FAILED: ${failed[b]}`);
        }
      }
    }
    bins.forEach((_, b) => {
      if (failed[b] !== null) return out[b].push(failed[b]);
      const m = median(times[b]);
      progress(
        `${name}${b > 0 ? ' (against)' : ''}: median ${fixed(m, 3)} s over ${runs} runs (${times[b].map((t) => fixed(t, 3)).join(' ')})`,
      );
      out[b].push(m);
    });
  }
  return out;
}

interface BigResult {
  rssMB: number | null;
  rssHow: string;
  firstStepS: number;
  sizeMB: number;
}

async function bigCorpus(ctx: Context): Promise<BigResult> {
  const file = join(ctx.tmp, 'big.txt');
  const target = 100 * 2 ** 20;
  const unit = readFileSync(ctx.opts.corpus);
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < target; written += unit.length) writeSync(fd, unit);
  } finally {
    closeSync(fd);
  }
  const sizeMB = statSync(file).size / 2 ** 20;
  progress(`100 MB corpus: wrote ${sizeMB.toFixed(1)} MB; charnn train on it until step ${LOG_EVERY}, then stopped`);
  const log = join(ctx.tmp, 'big.jsonl');
  const args = [
    BIN,
    ...['train', file, '--samples', 0, '--eval-every', 100_000_000, '--log', log, '-o', join(ctx.tmp, 'big.safetensors')].map(String),
  ];
  if (ctx.opts.threads !== null) args.push('--threads', ctx.opts.threads);
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const [cmd, full] = timeBin ? [timeBin, ['-v', process.execPath, ...args]] : [process.execPath, args];

  let firstStepAt = NaN;
  let stderrSoFar = '';
  let nodePid: number | null = null;
  let hwmKB: number | null = null;
  let stopped = false;
  const started = performance.now();
  const readHwm = () => {
    if (nodePid === null) return;
    try {
      const m = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync(`/proc/${nodePid}/status`, 'utf8'));
      if (m) hwmKB = Number(m[1]);
    } catch {
      // gone or no /proc
    }
  };
  let poll: NodeJS.Timeout | null = null;
  const result = await run(cmd, full, {
    cwd: ROOT,
    timeoutS: 900,
    onSpawn: (child) => {
      poll = setInterval(() => {
        if (nodePid === null && child.pid !== undefined) nodePid = timeBin ? (childPids(child.pid)[0] ?? null) : child.pid;
        readHwm();
        const loggedStep = existsSync(log) && readFileSync(log, 'utf8').includes(`"step":${LOG_EVERY},`);
        const late = !Number.isNaN(firstStepAt) && performance.now() - firstStepAt > 120_000;
        if (!stopped && nodePid !== null && (loggedStep || late)) {
          stopped = true;
          readHwm();
          killPid(nodePid);
        }
      }, 100);
    },
    onStderr: (chunk, now) => {
      stderrSoFar += chunk;
      if (Number.isNaN(firstStepAt) && /^step 1\b/m.test(stderrSoFar)) firstStepAt = now;
    },
  });
  if (poll) clearInterval(poll);
  if (!stopped && result.code !== 0)
    throw new BenchError(
      `${describe('charnn', full)} failed (${result.code ?? result.signal}):\n${result.stderr.trim().split('\n').slice(-6).join('\n')}`,
    );
  if (Number.isNaN(firstStepAt))
    throw new BenchError(
      `charnn train on the 100 MB corpus printed no "step 1" line:\n${result.stderr.trim().split('\n').slice(-6).join('\n')}`,
    );
  const timeKB = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(result.stderr);
  const fromTime = timeKB ? Number(timeKB[1]) : null;
  const rssKB = fromTime ?? hwmKB;
  return {
    rssMB: rssKB !== null ? rssKB / 1024 : null,
    rssHow:
      fromTime !== null
        ? `/usr/bin/time -v${hwmKB !== null ? `; /proc VmHWM ${int(hwmKB / 1024)} MB` : ''}`
        : hwmKB !== null
          ? '/proc VmHWM'
          : 'not measurable here',
    firstStepS: (firstStepAt - started) / 1000,
    sizeMB,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function status(ratio: number, must: number, goal: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  if (ratio >= goal) return '✓ goal';
  if (ratio >= must) return '✓ must';
  return '✗';
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

function preflight(opts: Options): void {
  const fail = (message: string, hint: string) => {
    process.stderr.write(`bench: ${message}\n  hint: ${hint}\n`);
    process.exit(1);
  };
  if (!existsSync(opts.corpus)) fail(`corpus not found: ${opts.corpus}`, 'give one with --corpus FILE');
  if (!existsSync(BIN)) fail(`charnn CLI not found: ${BIN}`, 'run this from the charnn repository');
  if (opts.against !== null && !existsSync(join(dirname(dirname(opts.against)), 'dist', 'cli', 'main.js'))) {
    fail(`--against: no built charnn at ${dirname(dirname(opts.against))}`, 'a checkout with npm ci done (it builds dist/)');
  }
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))
    fail(`charnn is not built (no dist/cli/main.js)`, 'npm run build (npm run bench does it first)');
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  preflight(opts);
  const matches = (name: string) => opts.only.length === 0 || opts.only.some((s) => name.toLowerCase().includes(s));
  const selected = rows(opts.quick).filter((r) => matches(r.name));
  const coldSelected = COLD_ROWS.some(matches);
  const bigSelected = opts.big && BIG_ROWS.some(matches);
  if (selected.length === 0 && !coldSelected && !bigSelected) usageError(`--only ${opts.only.join(', ')} matches no row`);

  const tmp = mkdtempSync(join(tmpdir(), 'charnn-bench-'));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: interrupted; stopping children and removing ${tmp}\n`);
      killChildren();
      cleanup();
      process.exit(130);
    });
  }

  T0 = performance.now();
  const load = loadavg()[0];
  const ctx: Context = { opts, tmp, models: new Map(), texts: new Map(), torchCache: new Map(), torchVersion: null };
  const nodeVersion = (await run(process.execPath, ['--version'])).stdout.trim();
  ctx.torchVersion = opts.against === null ? await torchVersion(opts) : null;
  const reference = opts.against === null ? 'PyTorch' : `the build in ${dirname(dirname(opts.against))}`;
  const againstCommit =
    opts.against === null ? '' : (await run('git', ['-C', dirname(dirname(opts.against)), 'log', '-1', '--format=%h'])).stdout.trim();
  const torchNote =
    opts.against !== null
      ? `against the build in ${dirname(dirname(opts.against))} (${againstCommit}), measured the same way`
      : ctx.torchVersion !== null
        ? `PyTorch ${ctx.torchVersion} (best of ${opts.torchThreads.join(' and ')} thread${opts.torchThreads.length > 1 || opts.torchThreads[0] !== 1 ? 's' : ''})`
        : opts.torch
          ? 'PyTorch not available here, its columns are n/a'
          : 'PyTorch not run (--no-torch)';
  const machine = `${cpus().length} cores, ${cpuModel()}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${nodeVersion}, ${torchNote}`;
  progress(`machine: ${machine}; load average ${load.toFixed(2)}`);
  progress(
    `${selected.length} rows x ${opts.rounds} round${opts.rounds > 1 ? 's' : ''}${coldSelected ? ' + cold start' : ''}${bigSelected ? ' + 100 MB corpus' : ''}; temp dir ${tmp}`,
  );

  const results = new Map<Row, Measured>(selected.map((r) => [r, { charnn: [], torch: [], ratios: [], errors: [] }]));
  for (let round = 1; round <= opts.rounds; round++) {
    ctx.torchCache.clear();
    for (const row of selected) {
      const m = results.get(row)!;
      try {
        let torch: TorchFigure | null;
        let c: { rate: number; note: string };
        if (opts.against !== null) {
          // Two builds of charnn: each round the other one goes first.
          const against = opts.against;
          const first = round % 2 === 1;
          const other = first ? await measureCharnn(ctx, row, round, against) : null;
          c = await measureCharnn(ctx, row, round);
          const o = other ?? (await measureCharnn(ctx, row, round, against));
          torch = { best: o.rate, perThreads: int(o.rate) };
        } else {
          torch = await measureTorch(ctx, row.work);
          c = await measureCharnn(ctx, row, round);
        }
        m.charnn.push(c.rate);
        if (torch) {
          m.torch.push(torch.best);
          m.ratios.push(c.rate / torch.best);
        }
        progress(
          `round ${round}/${opts.rounds} ${row.name}: ` +
            (torch ? `${reference} ${torch.perThreads} chars/s, ` : '') +
            `charnn ${int(c.rate)} chars/s (${c.note})` +
            (torch ? `, ratio ${fixed(c.rate / torch.best)}` : ''),
        );
      } catch (e) {
        const message = (e as Error).message;
        m.errors.push(message);
        progress(`round ${round}/${opts.rounds} ${row.name}: FAILED: ${message}`);
        if (!(e instanceof BenchError)) throw e;
      }
    }
  }

  const colds = coldSelected ? await coldStart(ctx, opts.against === null ? [BIN] : [BIN, opts.against]) : [];
  const cold = colds[0] ?? [];
  let big: BigResult | string | null = null;
  if (bigSelected) {
    try {
      big = await bigCorpus(ctx);
      progress(`100 MB corpus: peak RSS ${fixed(big.rssMB, 0)} MB (${big.rssHow}), first step after ${fixed(big.firstStepS, 1)} s`);
    } catch (e) {
      big = (e as Error).message;
      progress(`100 MB corpus: FAILED: ${big}`);
      if (!(e instanceof BenchError)) throw e;
    }
  }
  const totalS = (performance.now() - T0) / 1000;

  // The table.
  const out: string[] = [];
  const date = new Date().toISOString().slice(0, 10);
  out.push(
    `Machine: ${machine}. Load average ${load.toFixed(2)} at the start. Run on ${date}, ${opts.rounds} round${opts.rounds > 1 ? 's' : ''}${opts.quick ? ' (--quick: small sizes)' : ''}, ${duration(totalS)} in all.`,
  );
  out.push('');
  const compared = opts.against !== null;
  out.push(`| work | charnn | ${compared ? 'before' : 'PyTorch'} | ratio | per round | must | goal | |`);
  out.push('|---|---|---|---|---|---|---|---|');
  let failures = 0;
  for (const row of selected) {
    const m = results.get(row)!;
    const ratio = median(m.ratios);
    const mark = m.charnn.length === 0 ? 'failed' : compared ? '' : ctx.torchVersion === null ? 'n/a' : status(ratio, row.must, row.goal);
    if (m.errors.length > 0) failures++;
    out.push(
      `| ${row.name} | ${int(median(m.charnn))} chars/s | ${m.torch.length === 0 ? 'n/a' : `${int(median(m.torch))} chars/s`} | ` +
        `**${fixed(ratio)}** | ${m.ratios.map((r) => fixed(r)).join(' ') || 'n/a'} | ${fixed(row.must, 1)} | ${fixed(row.goal, 1)} | ${mark}${m.errors.length > 0 ? ` (${m.errors.length} failed)` : ''} |`,
    );
  }
  cold.forEach((v, i) => {
    if (typeof v === 'string') failures++;
    const s = typeof v === 'number' ? `${fixed(v, 3)} s` : 'failed';
    const mark = typeof v === 'number' ? (v <= 0.25 ? '✓' : '✗') : 'failed';
    const o = colds[1]?.[i];
    const other = o === undefined ? '' : typeof o === 'number' ? `${fixed(o, 3)} s` : 'failed';
    const ratio = typeof v === 'number' && typeof o === 'number' ? fixed(v / o) : '';
    out.push(`| ${COLD_ROWS[i]} | ${s} | ${other} | ${ratio} | | ≤ 0.25 s | | ${mark} |`);
  });
  if (big !== null) {
    if (typeof big === 'string') {
      failures++;
      out.push(`| ${BIG_ROWS[0]} | failed | | | | ≤ 400 MB | | failed |`);
      out.push(`| ${BIG_ROWS[1]} | failed | | | | ≤ 15 s | | failed |`);
    } else {
      const rssMark = big.rssMB === null ? 'n/a' : big.rssMB <= 400 ? '✓' : '✗';
      out.push(`| ${BIG_ROWS[0]} | ${fixed(big.rssMB, 0)} MB | | | | ≤ 400 MB | | ${rssMark} |`);
      out.push(`| ${BIG_ROWS[1]} | ${fixed(big.firstStepS, 1)} s | | | | ≤ 15 s | | ${big.firstStepS <= 15 ? '✓' : '✗'} |`);
    }
  }
  out.push('');
  if (selected.length > 0 && compared)
    out.push(
      `Ratio = this build / the build before (${reference}, ${againstCommit}), the median of the per-round ratios (each round runs both, in turn first); both columns are medians over the rounds. Cold start: the two builds in turn, run by run; ratio of the medians.`,
    );
  else if (selected.length > 0)
    out.push(
      'Ratio = charnn / PyTorch, the median of the per-round ratios (each round runs PyTorch, then charnn); charnn and PyTorch columns are medians over the rounds.',
    );
  const smallRow = rows(opts.quick)[0].work;
  const bigRow = rows(opts.quick)[4].work;
  const ev = rows(opts.quick)[7].work;
  const sa = rows(opts.quick)[5].work;
  const sb = rows(opts.quick)[6].work;
  const has = (kind: Work['kind']) => selected.some((r) => r.work.kind === kind);
  if (smallRow.kind === 'train' && bigRow.kind === 'train' && ev.kind === 'eval' && sa.kind === 'sample' && sb.kind === 'sample') {
    if (has('train'))
      out.push(
        `Train: B = ${B}, T = ${T}, Adam, clip 5; charnn \`train --steps ${smallRow.charnnSteps}\` (${bigRow.charnnSteps} for 2x512), chars/s from its --log between step ${LOG_EVERY} and the last step` +
          (bigRow.charnnSteps <= LOG_EVERY ? ` (2x512: steps 0-${bigRow.charnnSteps}, first step included)` : '') +
          `${opts.threads !== null ? `, --threads ${opts.threads}` : ''}; PyTorch \`torch_charrnn.py train --steps ${smallRow.torchSteps} --warmup ${smallRow.torchWarmup}\` (${bigRow.torchSteps} and ${bigRow.torchWarmup} for 2x512).`,
      );
    if (has('sample'))
      out.push(
        `Sample: temperature 0.8, charnn \`sample --length ${sa.charnnChars}\` (${sb.charnnChars} for 2x512) timed on its streamed stdout after the first 100 characters; PyTorch \`sample --chars ${sa.torchChars}\` (${sb.torchChars}).`,
      );
    if (has('eval'))
      out.push(
        `Eval: the first ${int(ev.chars)} characters of the corpus (short lines), \`charnn eval --json FILE FILE\` timed between the two results; PyTorch \`score --chars ${ev.chars}\` (one forward pass over one stream) for both eval rows.`,
      );
  }
  if (coldSelected) out.push(`Cold start: wall time of the whole command, median of ${opts.quick ? 3 : 9} runs after a warm-up run.`);
  if (big !== null && typeof big !== 'string') {
    out.push(
      `100 MB corpus: Tiny Shakespeare repeated to ${big.sizeMB.toFixed(0)} MB, default model; peak RSS by ${big.rssHow} up to step ${LOG_EVERY}; seconds from spawn to the first step.`,
    );
  }
  out.push(`Reproduce: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).map(quote).join(' ')}` : ''}\`.`);
  process.stdout.write(out.join('\n') + '\n');
  progress(`done in ${duration(totalS)}${failures > 0 ? `; ${failures} row(s) had failures (see above)` : ''}`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    killChildren();
    process.stderr.write(`bench: ${e instanceof BenchError ? e.message : ((e as Error).stack ?? String(e))}\n`);
    process.exitCode = 1;
  },
);
