/**
 * Writes everything PyTorch needs to replay charnn's first training steps (the input of
 * scripts/torch_reference_losses.py, which writes test/fixtures/torch-reference-losses.json,
 * the expected losses of test/train/torch-reference.test.ts):
 *
 *     npx tsx scripts/reference-batches.ts /tmp/charnn-reference-batches.json
 *     /usr/bin/python3 scripts/torch_reference_losses.py /tmp/charnn-reference-batches.json test/fixtures/torch-reference-losses.json
 *
 * For each cell (rnn, lstm, gru, bilstm), with one small fixed setup (the corpus below, H = 16,
 * L = 2, B = 4, T = 10, seed 11, Adam lr 0.01, a clip per cell (see CLIP), K = 8 steps over
 * 5 batches per epoch, so step 6 starts the second epoch and resets the carried state), it
 * writes:
 *   - the model config and batch plan;
 *   - the initial parameters by name, PyTorch layout, exactly initParams(config, new Rng(seed))
 *     (float32 values, printed exactly);
 *   - per step: j = step % batchesPerEpoch, whether the state is reset (j == 0), the learning
 *     rate, and per direction the batch x, y (T*B ids, time-major: index t*B + b) as the
 *     training loop fills them (the backward model of a bilstm reads the reversed training ids);
 *   - charnn's own losses and gradient norms from train() with the same options (on one
 *     gradient thread), per engine.
 *
 * It checks itself before writing: the batches rebuilt here by plain indexing equal Batcher's,
 * the loop's plan and vocabulary are the ones used here, and a replay of the steps from these
 * batches (Objective, clipGlobalNorm, the optimizer: the loop's own modules) gives exactly
 * train()'s losses, so the batches written are the ones train() used, in its order.
 */
import { writeFileSync } from 'node:fs';
import { Batcher, planBatches } from '../src/data/batches.js';
import { CharLM, initParams } from '../src/model/charlm.js';
import type { CellType, ModelConfig } from '../src/model/config.js';
import { Objective, type DirectionBatch } from '../src/model/objective.js';
import { engineParams } from '../src/model/param-set.js';
import { getEngine, setEngine } from '../src/engine/default-engine.js';
import type { EngineName } from '../src/engine/engine.js';
import { nodePlatform } from '../src/platform/node/node-platform.js';
import { installPlatform } from '../src/platform/platform.js';
import { clipGlobalNorm } from '../src/train/clip.js';
import { train, type TrainStart } from '../src/train/loop.js';
import { createOptimizer } from '../src/train/optimizer.js';
import { TRAIN_DEFAULTS, type TrainOptions } from '../src/train/train-options.js';
import { prepareCorpus } from '../src/train/prepare.js';
import { learningRate } from '../src/train/schedule.js';
import { Rng } from '../src/util/rng.js';
import '../src/engine/js/provide-js-engine.js';

installPlatform(nodePlatform); // the wasm engine's kernels come from the platform

/** Seven short lines of our own: 227 ids, 226 (input, target) pairs, L = 56 per stream, 5 batches per epoch. */
const CORPUS =
  [
    'The river keeps its own time.',
    'Old boats sleep under the bridge,',
    'a heron waits where the water turns.',
    'Lamps come on along the quay;',
    'nobody hurries after dark.',
    'By morning the fog lifts from the reeds',
    'and the ferry sounds twice.',
  ].join('\n') + '\n';

const CELLS: CellType[] = ['rnn', 'lstm', 'gru', 'bilstm'];
const K = 8;

/**
 * The global-norm clip per cell. With this init the gradient norms of the first steps are
 * 0.2 to 0.65 (clip 1 would never act), so each cell gets a clip near the middle of its own
 * norms: both branches of clipping (scaled, and left alone) run in every cell.
 */
const CLIP: Record<CellType, number> = { rnn: 0.5, lstm: 0.3, gru: 0.35, bilstm: 0.215 };

/** The options given to train() besides cell and clip; everything else is TRAIN_DEFAULTS. */
const OPTIONS = {
  hidden: 16,
  layers: 2,
  dropout: 0,
  batch: 4,
  seq: 10,
  lr: 0.01,
  optimizer: 'adam',
  steps: K,
  valFrac: 0,
  minCount: 1,
  seed: 11,
  out: null,
} satisfies Partial<TrainOptions>;

function fail(message: string): never {
  throw new Error(`reference-batches: ${message}`);
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

async function runTrain(options: Partial<TrainOptions>, engine: EngineName) {
  setEngine(engine);
  const losses: number[] = [];
  const gradNorms: number[] = [];
  let start: TrainStart | null = null;
  // One gradient thread, as the replay below: a batch split over threads sums its chunks'
  // gradients in another order (the same losses to rounding, not the same bits), and the
  // default is every core.
  await train(
    CORPUS,
    'reference',
    { ...options, threads: 1 },
    {
      onStart: (s) => (start = s),
      onStep: (r) => {
        losses.push(r.lossNats);
        gradNorms.push(r.gradNorm);
      },
    },
  );
  return { losses, gradNorms, start: start as TrainStart | null };
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: npx tsx scripts/reference-batches.ts OUT.json\n');
    process.exit(2);
  }
  const cells: Record<string, unknown> = {};
  const defaultEngine = getEngine();

  for (const cell of CELLS) {
    const given = { ...OPTIONS, cell, clip: CLIP[cell] } satisfies Partial<TrainOptions>;
    const options: TrainOptions = { ...TRAIN_DEFAULTS, ...given };
    const { vocab, split } = prepareCorpus(CORPUS, 'reference', options.minCount, options.valFrac);
    const plan = planBatches(split.train.length, options.batch, options.seq);
    const { streams: B, steps: T, streamLength: L, batchesPerEpoch } = plan;
    if (plan.reduced) fail(`the corpus is too short for B = ${options.batch}, T = ${options.seq}`);
    if (K <= batchesPerEpoch) fail(`K = ${K} steps do not cross the epoch boundary (${batchesPerEpoch} batches per epoch)`);
    const config: ModelConfig = { cell, vocabSize: vocab.size, hidden: options.hidden, layers: options.layers, dropout: options.dropout };
    const directions = cell === 'bilstm' ? ['forward', 'backward'] : ['forward'];
    const sources = directions.map((d) => (d === 'forward' ? split.train : split.train.slice().reverse()));
    const batchers = sources.map((ids) => new Batcher(ids, plan));

    // The batches of every step, rebuilt by plain indexing and checked against Batcher.
    const steps = [];
    for (let step = 0; step < K; step++) {
      const j = step % batchesPerEpoch;
      const epoch = Math.floor(step / batchesPerEpoch);
      const batches: DirectionBatch[] = sources.map((ids, d) => {
        const x = new Int32Array(T * B);
        const y = new Int32Array(T * B);
        for (let b = 0; b < B; b++) {
          for (let t = 0; t < T; t++) {
            x[t * B + b] = ids[b * L + j * T + t];
            y[t * B + b] = ids[b * L + j * T + t + 1];
          }
        }
        const bx = new Int32Array(T * B);
        const by = new Int32Array(T * B);
        batchers[d].fill(j, bx, by);
        if (!sameIds(x, bx) || !sameIds(y, by)) fail(`${cell}: step ${step} ${directions[d]} batch differs from Batcher.fill`);
        return { x, y };
      });
      steps.push({ step, j, reset: j === 0, lr: learningRate(options.lr, epoch, options.lrDecay, options.lrDecayAfter), batches });
    }

    // charnn's own run, on every engine.
    const charnn: Record<string, { losses: number[]; grad_norms: number[] }> = {};
    for (const engine of ['js', 'wasm'] as const) {
      const run = await runTrain(given, engine);
      const s = run.start;
      if (!s) fail(`${cell}: train() did not report its start`);
      if (s.vocabSize !== vocab.size || JSON.stringify(s.plan) !== JSON.stringify(plan))
        fail(`${cell}: train() used another vocabulary or plan`);
      if (run.losses.length !== K) fail(`${cell}: train() took ${run.losses.length} steps, expected ${K}`);
      charnn[engine] = { losses: run.losses, grad_norms: run.gradNorms };
    }

    // Replay from the batches above with the loop's modules: the same losses, bit for bit.
    setEngine(defaultEngine);
    const model = new CharLM(config, initParams(config, new Rng(options.seed)));
    const engine = model.engine;
    const grads = engineParams(engine, model.params.specs);
    const optimizer = createOptimizer(options.optimizer, engine, model.parameterCount());
    const objective = new Objective(model, T, B);
    for (const s of steps) {
      if (s.reset) objective.reset();
      engine.fill(grads.data, 0);
      const loss = await objective.step(s.batches, T, B, null, grads);
      const norm = await clipGlobalNorm(engine, grads.data, options.clip);
      optimizer.update(model.params.data, grads.data, s.lr);
      const expected = charnn[defaultEngine];
      if (loss !== expected.losses[s.step] || norm !== expected.grad_norms[s.step]) {
        fail(
          `${cell}: replayed step ${s.step + 1} gives loss ${loss} (norm ${norm}), train() gave ${expected.losses[s.step]} (norm ${expected.grad_norms[s.step]})`,
        );
      }
    }

    const init = initParams(config, new Rng(options.seed));
    cells[cell] = {
      options: given,
      config,
      plan,
      directions,
      params: init.specs.map((spec) => ({ name: spec.name, shape: spec.shape, values: Array.from(init.get(spec.name)) })),
      steps: steps.map((s) => ({ ...s, batches: s.batches.map((b) => ({ x: Array.from(b.x), y: Array.from(b.y) })) })),
      charnn,
    };
    const norms = charnn[defaultEngine].grad_norms;
    const clipped = norms.filter((n) => n > options.clip).length;
    process.stderr.write(
      `${cell}: V = ${vocab.size}, ${batchesPerEpoch} batches/epoch, clip ${options.clip}: ${clipped}/${K} steps clipped (norms ${norms.map((n) => n.toFixed(4)).join(' ')}), charnn losses ${charnn[defaultEngine].losses.map((l) => l.toFixed(6)).join(' ')}\n`,
    );
  }
  setEngine(defaultEngine);

  const doc = {
    generated_by: 'npx tsx scripts/reference-batches.ts ' + out,
    corpus: CORPUS,
    options: OPTIONS,
    K,
    cells,
  };
  writeFileSync(out, JSON.stringify(doc) + '\n');
}

await main();
