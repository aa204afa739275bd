// The trainer `charnn export torch` writes (templates/torch/), run by PyTorch: it continues a
// charnn run exactly as charnn's own `train --resume` does, on one process or on two (torchrun,
// DistributedDataParallel over gloo), from a copy of the folder anywhere, and what it writes
// charnn reads as its own (and continues).
//
// Needs a Python with torch (Debian's python3-torch; test/helpers/torch.ts finds it); skipped
// with the reason printed otherwise.
//
// Tolerances (absolute, nats), from what these runs measured (torch 1.13, CPU, float32): over 20
// steps the trainer's losses differed from charnn's by at most 4.2e-7 (every cell), its
// validation losses by 4.5e-8, charnn continuing PyTorch's checkpoint from charnn continuing its
// own by 3.9e-8; two processes from one by 3.8e-7 (losses) and 1.5e-8 (validation); PyTorch's
// sentence scores (score.py: in float64, the weights' exact value) from charnn's by 7.9e-7 (on
// ln P of -117; PyTorch's own float32 differed from charnn's by up to 1.1e-6). TOL_LOSS and TOL_VAL are about 5 and
// 10 times that, far below what a real difference moves: without the state reset at the epoch
// start the lstm's losses move by 7.6e-2, without clipping by 7.6e-4 (tried on train.py). The
// scores are held to the 1e-5.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCorpus } from '../../src/data/corpus.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import type { CellType } from '../../src/model/config.js';
import { train } from '../../src/train/loop.js';
import type { TrainOptions } from '../../src/train/train-options.js';
import { cliInProcess } from '../helpers/cli.js';
import { runPython, torchPython, torchrunArgs } from '../helpers/torch.js';

const ROOT = resolve(__dirname, '../..');
const torch = torchPython();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Thirty short lines of our own: 19 batches of 6 x 10 per epoch with 15% held out. */
const LINES = [
  'The ferry leaves at seven when the tide allows.',
  'Gulls argue over the nets on the harbour wall.',
  'A boy counts the boats and loses count at nine.',
  'Rain on the slate roofs, then sun on the slate roofs.',
  'The baker opens late on Sundays.',
  'Two old men play draughts by the window.',
  'Nobody remembers who painted the lighthouse red.',
  'The postman whistles the same four notes every morning.',
  'At low water the sand shows the ribs of a wreck.',
  'Lanterns swing on the quay when the wind turns east.',
  "She keeps her grandmother's compass in a tin box.",
  'The chapel bell is cracked and rings a little flat.',
  'Crabs hide under the weed in the rock pools.',
  'Fog comes in quietly and takes the island away.',
  'The harbour master writes the weather on a slate.',
  'Children race the waves and always lose.',
  'A cat sleeps on a coil of blue rope.',
  'The last bus turns round by the church.',
  'Smoke from the chimneys leans towards the hills.',
  'Every spring someone paints the benches green.',
  'The tide tables are pinned inside the shop door.',
  'Oyster shells crunch under the cart wheels.',
  'Far out, a tanker waits for the pilot boat.',
  'The school has eleven pupils and one piano.',
  'At dusk the heron stands where the stream meets the sea.',
  'Letters arrive on Tuesdays and Fridays.',
  'The cliff path is closed after the storm.',
  'Somebody left a red glove on the railings.',
  'The old lifeboat is a flower bed now.',
  'Night fishermen carry their lamps down the slipway.',
];
const TEXT = LINES.join('\n') + '\n';

/** Every run: 2 x 12, batches of 6 x 10, 19 per epoch, char-rnn's schedule (lr 0.002 unless a
 *  case says otherwise) with the learning rate x 0.8 from the second epoch. */
const BASE = {
  schedule: 'char-rnn',
  lr: 2e-3,
  hidden: 12,
  layers: 2,
  batch: 6,
  seq: 10,
  minCount: 1,
  valFrac: 0.15,
  lrDecayAfter: 1,
  lrDecay: 0.8,
  evalEvery: 8,
  seed: 5,
  threads: 1,
} satisfies Partial<TrainOptions>;

/**
 * Each cell with another optimizer, and a clip between its gradient norms (0.27-0.38 for the
 * lstm, and so on), so that clipping scales some steps and leaves others alone.
 */
const CASES: { cell: CellType; options: Partial<TrainOptions> }[] = [
  { cell: 'lstm', options: { optimizer: 'adam', clip: 0.33 } },
  { cell: 'gru', options: { optimizer: 'rmsprop', lr: 0.003, clip: 0.4 } },
  { cell: 'rnn', options: { optimizer: 'sgd', lr: 0.2, clip: 0.48 } },
  { cell: 'bilstm', options: { optimizer: 'adam', clip: 0.24 } },
];
const START = 6; // charnn trains this many steps, then each side continues
const END = 26; // 20 steps more, across the epoch boundary at step 19 (state reset, learning-rate decay)
const MORE = 30; // charnn continues PyTorch's checkpoint to here

const TOL_LOSS = 2e-6;
const TOL_VAL = 5e-7;
const TOL_DDP = 2e-6;
const TOL_SCORE = 1e-5; // the bound
/** At a learning rate of 10 every update magnifies float rounding: 1.6e-5 measured after 14 steps. */
const TOL_DIVERGED = 1e-4;

interface Losses {
  loss: Map<number, number>;
  val: Map<number, number>;
}

async function charnnRun(dir: string, options: Partial<TrainOptions>): Promise<Losses> {
  const out: Losses = { loss: new Map(), val: new Map() };
  await train(TEXT, 'harbour', options, {
    onStep: (r) => out.loss.set(r.step, r.lossNats),
    onEval: (r) => {
      if (r.valNats !== null) out.val.set(r.step, r.valNats);
    },
  });
  return out;
}

/** The trainer's --log: the first line of each step (an evaluation repeats it with val_nats). */
function readLog(path: string): Losses & { lines: { step: number }[] } {
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number; loss_nats: number; val_nats?: number });
  const out = { loss: new Map<number, number>(), val: new Map<number, number>(), lines };
  for (const l of lines) {
    if (!out.loss.has(l.step)) out.loss.set(l.step, l.loss_nats);
    if (l.val_nats !== undefined) out.val.set(l.step, l.val_nats);
  }
  return out;
}

function maxDiff(a: Map<number, number>, b: Map<number, number>, steps: number[]): number {
  let worst = 0;
  for (const s of steps) {
    expect(a.has(s) && b.has(s), `step ${s} in both runs`).toBe(true);
    worst = Math.max(worst, Math.abs(a.get(s)! - b.get(s)!));
  }
  return worst;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the exported PyTorch trainer', () => {
  for (const { cell, options } of CASES) {
    it(`${cell} (${options.optimizer}): 20 steps on one process give charnn's own continuation, and charnn continues its checkpoint`, async (ctx) => {
      if (typeof torch === 'string') ctx.skip(torch);
      const py = torch as { python: string };
      const dir = tempDir(`charnn-torch-${cell}-`);
      const corpus = join(dir, 'harbour.txt');
      writeFileSync(corpus, TEXT);
      const given = { ...BASE, ...options, cell, corpusPath: corpus };
      await charnnRun(dir, { ...given, steps: START, out: join(dir, 'start.safetensors') });

      // charnn's own continuation, as `charnn train --resume` does it.
      copyFileSync(join(dir, 'start.safetensors'), join(dir, 'charnn.safetensors'));
      const ours = await charnnRun(dir, {
        resume: join(dir, 'charnn.safetensors'),
        out: join(dir, 'charnn.safetensors'),
        steps: MORE,
        threads: 1,
      });

      const exported = await cliInProcess(['export', 'torch', '-m', 'start.safetensors', '-o', 'ex'], dir);
      expect(exported.code, exported.err).toBe(0);
      runPython(
        py.python,
        ['ex/train.py', '--steps', String(END), '--log', 'torch.jsonl', '--log-every', '1', '-o', 'torch.safetensors', '--threads', '1'],
        dir,
      );
      const theirs = readLog(join(dir, 'torch.jsonl'));
      const lossDiff = maxDiff(ours.loss, theirs.loss, range(START + 1, END));
      const valDiff = maxDiff(ours.val, theirs.val, [8, 16, 24]);
      expect(lossDiff).toBeLessThan(TOL_LOSS);
      expect(valDiff).toBeLessThan(TOL_VAL);

      // charnn reads the checkpoint as its own, and continues the run from it.
      const written = loadCheckpoint(join(dir, 'torch.safetensors'), { trainState: true });
      expect(written.meta.progress.step).toBe(END);
      expect(written.meta.progress.valNats).toBeCloseTo(theirs.val.get(END)!, 12);
      expect((written.meta.training.trainer as { name: string }).name).toBe('pytorch');
      const back = await charnnRun(dir, {
        resume: join(dir, 'torch.safetensors'),
        out: join(dir, 'torch.safetensors'),
        steps: MORE,
        threads: 1,
      });
      const backDiff = maxDiff(ours.loss, back.loss, range(END + 1, MORE));
      expect(backDiff).toBeLessThan(TOL_LOSS);
    });
  }

  it('a learning rate that blows the weights up: the same steps skipped and undone, the same rate halvings, the same losses after', async (ctx) => {
    if (typeof torch === 'string') ctx.skip(torch);
    const py = torch as { python: string };
    const dir = tempDir('charnn-torch-diverge-');
    const corpus = join(dir, 'harbour.txt');
    writeFileSync(corpus, TEXT);
    await charnnRun(dir, { ...BASE, cell: 'lstm', corpusPath: corpus, steps: START, out: join(dir, 'start.safetensors') });
    copyFileSync(join(dir, 'start.safetensors'), join(dir, 'charnn.safetensors'));
    const notes: string[] = [];
    const ours: Losses = { loss: new Map(), val: new Map() };
    await train(
      TEXT,
      'harbour',
      { resume: join(dir, 'charnn.safetensors'), out: join(dir, 'charnn.safetensors'), steps: 20, lr: 10, threads: 1 },
      {
        onStep: (r) => ours.loss.set(r.step, r.lossNats),
        onNotice: (m) => notes.push(m),
      },
    );
    expect((await cliInProcess(['export', 'torch', '-m', 'start.safetensors', '-o', 'ex'], dir)).code).toBe(0);
    const r = runPython(
      py.python,
      ['ex/train.py', '--steps', '20', '--lr', '10', '--log', 'torch.jsonl', '--log-every', '1', '-o', 'torch.safetensors'],
      dir,
    );
    const theirs = readLog(join(dir, 'torch.jsonl'));
    const skipped = notes.filter((n) => n.startsWith('step ')).map((n) => `note: ${n}`);
    expect(skipped.length).toBeGreaterThan(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('note: step '))).toEqual(skipped);
    expect([...theirs.loss.keys()]).toEqual([...ours.loss.keys()]);
    expect(maxDiff(ours.loss, theirs.loss, [...ours.loss.keys()])).toBeLessThan(TOL_DIVERGED);
  });

  it('2 processes (torchrun, gloo), from a copy of the folder elsewhere: the losses fall, rank 0 alone writes, one process gives the same run, and charnn scores with its checkpoint what PyTorch does', async (ctx) => {
    if (typeof torch === 'string') ctx.skip(torch);
    const py = torch as { python: string };
    const dir = tempDir('charnn-torchrun-');
    const corpus = join(dir, 'harbour.txt');
    writeFileSync(corpus, TEXT);
    await charnnRun(dir, { ...BASE, cell: 'bilstm', lr: 0.01, clip: 5, corpusPath: corpus, steps: 4, out: join(dir, 'run.safetensors') });
    const exported = await cliInProcess(['export', 'torch', '-m', 'run.safetensors', '-o', 'ex'], dir);
    expect(exported.code, exported.err).toBe(0);

    // The folder copied elsewhere, and everything it came from removed.
    const elsewhere = tempDir('charnn-elsewhere-');
    const folder = join(elsewhere, 'trainer');
    cpSync(join(dir, 'ex'), folder, { recursive: true });
    for (const file of readdirSync(folder)) {
      const text = readFileSync(join(folder, file), 'latin1');
      for (const origin of [join(dir, 'ex'), ROOT]) expect(text.includes(origin), `${file} mentions ${origin}`).toBe(false);
    }
    rmSync(dir, { recursive: true, force: true });
    const work = join(elsewhere, 'work');
    mkdirSync(work);

    const steps = ['--steps', '24', '--log-every', '1'];
    const two = runPython(
      py.python,
      [...torchrunArgs(2), join(folder, 'train.py'), ...steps, '--log', 'two.jsonl', '-o', 'two/run.safetensors'],
      work,
      240_000,
    );
    runPython(py.python, [join(folder, 'train.py'), ...steps, '--log', 'one.jsonl', '-o', 'one/run.safetensors'], work);
    expect(two.stderr).toMatch(/2 processes \(gloo, cpu\), 3 streams each/);
    expect(two.stderr.match(/^Trained 24 steps/gm)).toHaveLength(1); // rank 0 alone reports
    expect(readdirSync(join(work, 'two')).sort()).toEqual(['run.best.safetensors', 'run.safetensors']);

    const ran = readLog(join(work, 'two.jsonl'));
    const stepsLogged = ran.lines.map((l) => l.step);
    expect(new Set(stepsLogged).size).toBe(20); // steps 5 to 24, once each (twice where evaluated): one writer
    expect(stepsLogged.length).toBe(20 + ran.val.size);
    const losses = range(5, 24).map((s) => ran.loss.get(s)!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.1);
    const one = readLog(join(work, 'one.jsonl'));
    expect(maxDiff(one.loss, ran.loss, range(5, 24))).toBeLessThan(TOL_DDP);
    expect(maxDiff(one.val, ran.val, [8, 16, 24])).toBeLessThan(TOL_VAL);

    // Held-out sentences (one with a character the model has never seen), scored by charnn and by PyTorch.
    const sentences = ['The ferry waits for the fog to lift.', 'Gulls sleep on the lifeboat.', 'Zebras on the quay!', ''];
    const model = join(work, 'two', 'run.safetensors');
    for (const direction of ['forward', 'backward', 'both']) {
      const ours = await cliInProcess(['score', '--json', '--direction', direction, '-m', model, '-'], work, sentences.join('\n') + '\n');
      expect(ours.code, ours.err).toBe(0);
      const theirs = runPython(
        py.python,
        [join(folder, 'score.py'), '--direction', direction, '-m', model, '-'],
        work,
        60_000,
        sentences.join('\n') + '\n',
      );
      const a = ours.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { text: string; logprob_ln: number; unk: number });
      const b = theirs.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { text: string; logprob_ln: number; unk: number });
      expect(b.map((r) => r.text)).toEqual(sentences);
      for (let i = 0; i < sentences.length; i++) {
        expect(b[i].unk).toBe(a[i].unk);
        expect(Math.abs(a[i].logprob_ln - b[i].logprob_ln), `${direction} "${sentences[i]}"`).toBeLessThan(TOL_SCORE);
      }
    }
  }, 300_000);

  it('checkpoint.py writes a charnn checkpoint back byte for byte; data.py reads 2-byte ids; a damaged checkpoint, a flag that would change the run, or a limit already reached is one clear line', async (ctx) => {
    if (typeof torch === 'string') ctx.skip(torch);
    const py = torch as { python: string };
    const dir = tempDir('charnn-torch-format-');
    const corpus = join(dir, 'harbour.txt');
    writeFileSync(corpus, TEXT);
    await charnnRun(dir, { ...BASE, cell: 'gru', corpusPath: corpus, steps: 3, out: join(dir, 'm.safetensors') });
    expect((await cliInProcess(['export', 'torch', '-m', 'm.safetensors', '-o', 'ex'], dir)).code).toBe(0);
    // A vocabulary of over 256 symbols: the exported ids are 2 bytes each.
    const wide =
      Array.from({ length: 40 }, (_, i) =>
        Array.from({ length: 20 }, (_, j) => String.fromCodePoint(0x4e00 + ((i * 20 + j) % 300))).join(''),
      ).join('\n') + '\n';
    writeFileSync(join(dir, 'wide.txt'), wide);
    const wideRun = await train(wide, 'wide', {
      ...BASE,
      minCount: 1,
      steps: 1,
      corpusPath: join(dir, 'wide.txt'),
      out: join(dir, 'wide.safetensors'),
    });
    expect((await cliInProcess(['export', 'torch', '-m', 'wide.safetensors', '-o', 'wide'], dir)).code).toBe(0);
    writeFileSync(join(dir, 'wide-ids.json'), JSON.stringify(Array.from(encodeCorpus(wide, wideRun.vocab).ids)));
    const script = [
      'import json, sys; sys.path.insert(0, "ex")',
      'from checkpoint import STATE_PREFIX, load_checkpoint, save_checkpoint',
      'from data import load_corpus',
      'c = load_checkpoint("m.safetensors", train_state=True)',
      'tensors = {**c["params"], **{STATE_PREFIX + k: v for k, v in c["state"]["tensors"].items()}}',
      'save_checkpoint("again.safetensors", tensors, c["metadata"])',
      'corpus = load_corpus("wide/corpus.json")',
      'assert corpus["ids"].tolist() == json.load(open("wide-ids.json")), "2-byte ids differ"',
      'print(len(corpus["vocab"]))',
    ].join('\n');
    expect(runPython(py.python, ['-c', script], dir).stdout.trim()).toBe('302'); // <EOS>, <UNK> and 300 characters
    expect(JSON.parse(readFileSync(join(dir, 'wide', 'corpus.json'), 'utf8')).ids.dtype).toBe('U16');
    expect(readFileSync(join(dir, 'again.safetensors')).equals(readFileSync(join(dir, 'm.safetensors')))).toBe(true);

    const bytes = readFileSync(join(dir, 'm.safetensors'));
    bytes[bytes.length - 5] ^= 0x10; // one bit of a tensor
    writeFileSync(join(dir, 'damaged.safetensors'), bytes);
    const fails = (args: string[]) =>
      spawnSync(py.python, ['ex/train.py', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    for (const [args, code, message] of [
      [['--model', 'damaged.safetensors'], 1, /^train\.py: damaged\.safetensors: checksum mismatch/],
      [['--steps', '10', '--batch', '8'], 2, /^train\.py: cannot continue the run with --batch 8 \(the run has 6\).*--new-run/],
      [['--steps', '2'], 2, /^train\.py: the run is at step 3 already and --steps 2 counts from its start/],
    ] as const) {
      const r = fails([...args]);
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/Traceback/);
    }
  });

  it('Ctrl-C stops after the step, saves, exits 130; --resume continues from there', async (ctx) => {
    if (typeof torch === 'string') ctx.skip(torch);
    const py = torch as { python: string };
    const dir = tempDir('charnn-torch-stop-');
    const corpus = join(dir, 'harbour.txt');
    writeFileSync(corpus, TEXT);
    await charnnRun(dir, { ...BASE, cell: 'rnn', corpusPath: corpus, steps: 2, out: join(dir, 'm.safetensors') });
    expect((await cliInProcess(['export', 'torch', '-m', 'm.safetensors', '-o', 'ex'], dir)).code).toBe(0);
    const child = spawn(
      py.python,
      ['ex/train.py', '--steps', '1000000', '--log', 'run.jsonl', '--log-every', '1', '-o', 'run.safetensors'],
      {
        cwd: dir,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    for (
      let i = 0;
      i < 600 && !(existsSync(join(dir, 'run.jsonl')) && readFileSync(join(dir, 'run.jsonl'), 'utf8').includes('"step": 5,'));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stderr).toMatch(/Stopping after this step and saving a checkpoint/);
    const saved = loadCheckpoint(join(dir, 'run.safetensors'), { trainState: true });
    const at = saved.meta.progress.step;
    expect(at).toBeGreaterThanOrEqual(5);
    expect(stderr).toContain(`Trained ${at} steps`);
    const again = runPython(py.python, ['ex/train.py', '--resume', '-o', 'run.safetensors', '--steps', String(at + 3)], dir);
    expect(again.stderr).toContain(`continuing the run of run.safetensors at step ${at}`);
    expect(loadCheckpoint(join(dir, 'run.safetensors')).meta.progress.step).toBe(at + 3);
  });
});
