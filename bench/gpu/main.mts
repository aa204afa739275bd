/**
 * The GPU benchmark (bench/gpu.sh runs this, bundled by esbuild into .gpu-bench/gpu.mjs): charnn's
 * webgpu engine against its wasm engine on the same machine's CPU, and PyTorch there with CUDA
 * (cuDNN) and on the CPU, row by row, each row's systems measured in turn within a round and the
 * median over the rounds reported. Writes one markdown table (--out) and progress to stderr.
 *
 * Rows: train lstm 2 x 128, 2 x 512, 3 x 1024 (chars/s; B = 50, T = 50, Adam, clip 5), the same
 * 2 x 512 with the webgpu products in their other form, sample one stream and score one stream
 * (`eval --reset none`) at 2 x 512, and `eval --reset line` at 2 x 512. PyTorch's train, sample
 * and score are ../shared/bench/torch_charrnn.py (carried beside this script); its line scoring
 * is bench/torch_lines.py. --quick: small sizes, one round, for trying the script on SwiftShader.
 * --budget S (default 450): a second round runs only if it should end within S seconds in all.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixed, int, median } from '../lib/format.mjs';
import { run } from '../lib/proc.mjs';
import { measure, type Job, type Measured } from './measure.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

type System = 'webgpu' | 'wasm' | 'torch-cuda' | 'torch-cpu';
const SYSTEMS: System[] = ['webgpu', 'wasm', 'torch-cuda', 'torch-cpu'];

interface Row {
  name: string;
  kind: Job['kind'];
  layers: number;
  hidden: number;
  /** The webgpu products in the form the engine would not pick here (tiled <-> direct). */
  otherProducts?: boolean;
  systems: System[];
}

async function main(): Promise<void> {
  if (process.argv[2] === 'measure') {
    process.stdout.write(JSON.stringify(await measure(JSON.parse(process.argv[3]) as Job)) + '\n');
    return;
  }
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      budget: { type: 'string', default: '450' },
      corpus: { type: 'string', default: join(HERE, 'tinyshakespeare.txt') },
      python: { type: 'string', default: 'python3' },
      'torch-script': { type: 'string', default: join(HERE, 'torch_charrnn.py') },
      'torch-lines': { type: 'string', default: join(HERE, 'torch_lines.py') },
      out: { type: 'string' },
    },
  });
  const quick = values.quick;
  const rounds = Number(values.rounds ?? (quick ? 1 : 2));
  const cores = cpus().length;
  const [small, mid, big] = quick
    ? [
        [2, 16],
        [2, 32],
        [2, 48],
      ]
    : [
        [2, 128],
        [2, 512],
        [3, 1024],
      ];
  const seconds = quick ? 3 : 5;
  const chars = quick ? 3000 : 100_000;
  // A lent GPU machine's minutes are few: a round starts only if it should end within the budget.
  const budgetS = Number(values.budget);
  const started = Date.now();
  const all: System[] = SYSTEMS;
  const rows: Row[] = [
    ...[small, mid, big].map(([layers, hidden]): Row => ({
      name: `train lstm ${layers} x ${hidden}`,
      kind: 'train',
      layers,
      hidden,
      systems: all,
    })),
    {
      name: `train lstm ${mid[0]} x ${mid[1]}, the other products`,
      kind: 'train',
      layers: mid[0],
      hidden: mid[1],
      otherProducts: true,
      systems: ['webgpu'],
    },
    { name: `sample one stream, ${mid[0]} x ${mid[1]}`, kind: 'sample', layers: mid[0], hidden: mid[1], systems: all },
    { name: `score one stream, ${mid[0]} x ${mid[1]}`, kind: 'score', layers: mid[0], hidden: mid[1], systems: all },
    { name: `eval --reset line, ${mid[0]} x ${mid[1]}`, kind: 'lines', layers: mid[0], hidden: mid[1], systems: all },
  ];

  const python = values.python;
  const cuda = (await run(python, ['-c', 'import torch; print(torch.__version__, torch.cuda.is_available())'])).stdout.trim();
  const hasCuda = cuda.endsWith('True');
  const tmp = mkdtempSync(join(tmpdir(), 'charnn-gpu-bench-'));
  const corpus = values.corpus;
  const text = readFileSync(corpus, 'utf8');
  const lineCorpus = join(tmp, 'lines.txt');
  writeFileSync(lineCorpus, text.slice(0, chars));
  // --quick trains on a slice, so that the final validation (1%) stays short on a software adapter.
  const trainCorpus = quick ? join(tmp, 'train.txt') : corpus;
  if (quick) writeFileSync(trainCorpus, text.slice(0, 100_000));

  // The checkpoints sample, score and eval read: one untrained step on wasm (speed does not depend on the weights).
  const lib = (await import(new URL('../dist/node.js', import.meta.url).href)) as typeof import('../../src/node.js');
  const model = join(tmp, `lstm-${mid[0]}x${mid[1]}.safetensors`);
  lib.setEngine('wasm');
  await lib.train(text.slice(0, 200_000), 'bench', {
    cell: 'lstm',
    hidden: mid[1],
    layers: mid[0],
    steps: 1,
    batch: 50,
    seq: 50,
    out: model,
    valFrac: 0.01,
  });

  let adapter = 'n/a';
  let defaultProducts: 'tiled' | 'direct' | 'n/a' = 'n/a';
  const results = new Map<string, number[]>();
  const notes: string[] = [];
  let roundsRun = 0;
  for (let round = 1; round <= rounds; round++) {
    const spent = (Date.now() - started) / 1000;
    if (round > 1 && (spent / (round - 1)) * round > budgetS) {
      log(`round ${round} skipped: ${Math.round(spent)} s spent, it would end past the ${budgetS} s budget`);
      break;
    }
    roundsRun = round;
    for (const row of rows) {
      for (const system of row.systems) {
        const key = `${row.name}|${system}`;
        log(`round ${round}/${rounds}: ${row.name}, ${system}`);
        try {
          let value: number;
          if (system === 'webgpu' || system === 'wasm') {
            const products = row.otherProducts ? (defaultProducts === 'direct' ? 'tiled' : 'direct') : undefined;
            const job: Job = {
              kind: row.kind,
              engine: system,
              hidden: row.hidden,
              layers: row.layers,
              corpus: row.kind === 'lines' ? lineCorpus : row.kind === 'train' ? trainCorpus : corpus,
              seconds,
              model,
              chars,
              products,
            };
            const m = await child(job);
            value = m.value;
            if (m.adapter !== undefined && products === undefined) {
              adapter = m.adapter;
              defaultProducts = m.fallback ? 'direct' : 'tiled';
            }
          } else {
            if (system === 'torch-cuda' && !hasCuda) continue;
            value = await torch(
              python,
              values['torch-script'],
              values['torch-lines'],
              row,
              system === 'torch-cuda' ? 'cuda' : 'cpu',
              cores,
              row.kind === 'lines' ? lineCorpus : corpus,
              quick,
              chars,
            );
          }
          results.set(key, [...(results.get(key) ?? []), value]);
          log(`  ${int(value)}`);
        } catch (error) {
          const message = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
          notes.push(`${row.name}, ${system}: ${message}`);
          log(`  failed: ${message}`);
        }
      }
    }
  }

  const value = (row: Row, s: System) => median(results.get(`${row.name}|${s}`) ?? []);
  const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? fixed(a / b) : 'n/a');
  const lines = [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cores} cores); WebGPU adapter: ${adapter}; webgpu products: ${defaultProducts} (rows without a note); PyTorch ${cuda}.`,
    `${roundsRun} round(s) of ${rounds}, median; chars/s for train and sample, tokens/s for score and eval. wasm and PyTorch CPU on all ${cores} cores.`,
    '',
    '| row | charnn webgpu | charnn wasm | PyTorch CUDA | PyTorch CPU | webgpu / PyTorch CPU | webgpu / PyTorch CUDA |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => {
      const [g, w, c, p] = SYSTEMS.map((s) => value(row, s));
      return `| ${row.name} | ${int(g)} | ${int(w)} | ${int(c)} | ${int(p)} | ${ratio(g, p)} | ${ratio(g, c)} |`;
    }),
    ...(notes.length > 0 ? ['', 'Failures:', ...notes.map((n) => `- ${n}`)] : []),
  ];
  const table = lines.join('\n') + '\n';
  if (values.out) writeFileSync(values.out, table);
  process.stdout.write(table);
}

/** A charnn measurement in a child process of this script. */
async function child(job: Job): Promise<Measured> {
  const r = await run(process.execPath, [fileURLToPath(import.meta.url), 'measure', JSON.stringify(job)], { timeoutS: 120 });
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

/** PyTorch's figure for a row, from the reference scripts' one-line reports. */
async function torch(
  python: string,
  script: string,
  linesScript: string,
  row: Row,
  device: 'cuda' | 'cpu',
  cores: number,
  corpus: string,
  quick: boolean,
  chars: number,
): Promise<number> {
  const size = [
    '--hidden',
    String(row.hidden),
    '--layers',
    String(row.layers),
    '--threads',
    String(device === 'cpu' ? cores : 1),
    '--corpus',
    corpus,
  ];
  // Steps for about 5-10 s of work at each size (guesses: the GPU machine's speeds were never seen).
  const steps = quick ? 4 : device === 'cuda' ? 200 : row.hidden >= 1024 ? 6 : row.hidden >= 512 ? 20 : 60;
  const args =
    row.kind === 'train'
      ? [script, 'train', ...size, '--steps', String(steps), '--device', device]
      : row.kind === 'sample'
        ? [script, 'sample', ...size, '--chars', String(quick ? 300 : device === 'cuda' ? 5000 : 3000), '--device', device]
        : row.kind === 'score'
          ? [script, 'score', ...size, '--chars', String(chars), '--device', device]
          : [linesScript, ...size, '--device', device];
  const r = await run(python, args, { timeoutS: 180 });
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const m = /([\d,]+) (?:chars|tokens)\/s/.exec(r.stdout);
  if (!m) throw new Error(`no figure in: ${r.stdout.trim()}`);
  return Number(m[1].replace(/,/g, ''));
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`gpu bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
