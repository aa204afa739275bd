/**
 * The training loop: truncated BPTT over B contiguous streams of T steps with the hidden state
 * carried from batch to batch, global-norm clipping, the optimizer, the learning-rate schedule,
 * periodic validation in stream mode, and checkpoints (the latest and the best by validation).
 * It never prints: it reports through callbacks and throws typed errors.
 */
import { CharnnError } from '../errors.js';
import type { CodePointSource } from '../data/source.js';
import { Batcher, planBatches, type BatchPlan } from '../data/batches.js';
import { saveCheckpoint, type CheckpointMeta } from '../io/checkpoint.js';
import { CharLM, initParams } from '../model/charlm.js';
import type { ModelConfig } from '../model/config.js';
import { streamNats } from '../model/evaluate.js';
import type { DirectionBatch } from '../model/objective.js';
import { ParamSet } from '../model/params.js';
import type { Vocab } from '../tokenizer/vocab.js';
import { Rng } from '../util/rng.js';
import { clipGlobalNorm } from './clip.js';
import { createOptimizer } from './optimizer.js';
import { DEFAULT_EPOCHS, TRAIN_DEFAULTS, type TrainOptions } from './options.js';
import { prepareCorpus } from './prepare.js';
import { learningRate } from './schedule.js';
import { createGradientSource } from './threads/gradients.js';
import { resolveThreads } from './threads/count.js';

export interface TrainStart {
  vocabSize: number;
  parameters: number;
  trainTokens: number;
  valTokens: number;
  unk: number;
  plan: BatchPlan;
  /** Steps the run will take if no time limit or abort stops it first. */
  plannedSteps: number;
  /** Threads computing gradients (the batch's streams are split between them). */
  threads: number;
  options: TrainOptions;
}

export interface StepReport {
  step: number;
  /** Epochs done, fractional (1.5 = halfway through the second). */
  epoch: number;
  lossNats: number;
  lr: number;
  charsPerSec: number;
  elapsedS: number;
  gradNorm: number;
}

export interface EvalReport extends StepReport {
  valNats: number | null;
  bestValNats: number | null;
  checkpoint: string | null;
  improved: boolean;
}

export interface TrainCallbacks {
  onStart?(info: TrainStart): void;
  onNotice?(message: string): void;
  onStep?(report: StepReport): void;
  onEval?(report: EvalReport): void;
}

export interface TrainResult {
  model: CharLM;
  vocab: Vocab;
  steps: number;
  epoch: number;
  lossNats: number;
  valNats: number | null;
  bestValNats: number | null;
  checkpoint: string | null;
  bestCheckpoint: string | null;
  stoppedBy: 'steps' | 'epochs' | 'time' | 'abort';
}

/** The best checkpoint sits beside the latest: run.safetensors -> run.best.safetensors. */
export function bestPathOf(out: string): string {
  return out.endsWith('.safetensors') ? out.slice(0, -'.safetensors'.length) + '.best.safetensors' : out + '.best';
}

export async function train(
  text: string | CodePointSource,
  corpusName: string,
  overrides: Partial<TrainOptions>,
  callbacks: TrainCallbacks = {},
  signal?: AbortSignal,
): Promise<TrainResult> {
  const options: TrainOptions = { ...TRAIN_DEFAULTS, ...overrides };
  if (options.epochs === null && options.steps === null && options.timeMs === null) options.epochs = DEFAULT_EPOCHS;
  const { vocab, corpus, split } = prepareCorpus(text, corpusName, options.minCount, options.valFrac);
  const plan = planBatches(split.train.length, options.batch, options.seq);
  const { streams: B, steps: T, batchesPerEpoch } = plan;
  if (batchesPerEpoch < 1) throw new CharnnError(`${corpusName}: the training text is too short for one batch`);
  if (plan.reduced) {
    callbacks.onNotice?.(`the training text (${split.train.length - 1} characters) is shorter than --batch x --seq (${options.batch} x ${options.seq}): training with ${B} stream(s) of ${T} steps`);
  }

  const config: ModelConfig = { cell: options.cell, vocabSize: vocab.size, hidden: options.hidden, layers: options.layers, dropout: options.dropout };
  const model = new CharLM(config, initParams(config, new Rng(options.seed)));
  const grads = ParamSet.zeros<Float32Array>(model.params.specs, Float32Array);
  const optimizer = createOptimizer(options.optimizer, model.params.data.length);
  const dropoutRng = new Rng(options.seed + 1);

  // Each direction walks its own stream: the backward model reads the training text reversed
  // (its Batcher reads the ids from the end: no reversed copy of the corpus).
  const batchers = model.directions.map((d) => new Batcher(split.train, plan, d === 'backward'));
  const batches: DirectionBatch[] = batchers.map(() => ({ x: new Int32Array(T * B), y: new Int32Array(T * B) }));

  const stepLimit = Math.min(options.steps ?? Infinity, options.epochs !== null ? options.epochs * batchesPerEpoch : Infinity);
  const evalEvery = options.evalEvery ?? batchesPerEpoch;
  const threads = resolveThreads(options.threads, B);
  const gradients = await createGradientSource(model, T, B, threads, options.dropout);
  try {
    callbacks.onStart?.({
      vocabSize: vocab.size,
      parameters: model.parameterCount(),
      trainTokens: split.train.length,
      valTokens: split.val.length,
      unk: corpus.unk,
      plan,
      plannedSteps: stepLimit,
      threads: gradients.threads,
      options,
    });
    return await runSteps();
  } finally {
    await gradients.close();
  }

  // The loop proper; a closure so the gradient workers are stopped however it ends.
  async function runSteps(): Promise<TrainResult> {
    const started = performance.now();
    let step = 0;
    let lossNats = NaN;
    let valNats: number | null = null;
    let bestValNats: number | null = null;
    let lastEvalStep = -1;
    let checkpoint: string | null = null;
    let bestCheckpoint: string | null = null;
    let stoppedBy: TrainResult['stoppedBy'] = 'steps';

    const elapsedS = () => (performance.now() - started) / 1000;
    const report = (gradNorm: number, lr: number): StepReport => ({
      step,
      epoch: step / batchesPerEpoch,
      lossNats,
      lr,
      charsPerSec: (step * B * T) / Math.max(elapsedS(), 1e-9),
      elapsedS: elapsedS(),
      gradNorm,
    });

    const evaluateAndSave = (base: StepReport) => {
      lastEvalStep = step;
      if (split.val.length >= 2) {
        const total = model.directions.reduce((sum, d) => sum + streamNats(model, split.val, d), 0);
        valNats = total / model.directions.length;
      }
      const improved = valNats !== null && (bestValNats === null || valNats < bestValNats);
      if (improved) bestValNats = valNats;
      if (options.out) {
        const meta = (): CheckpointMeta => ({
          model: config,
          vocab: [...vocab.symbols],
          training: { ...options, corpus: corpusName, streams: B, steps_per_batch: T },
          progress: { step, epoch: base.epoch, bestValNats, valNats, charsSeen: step * B * T },
        });
        // Best first, then the latest, so the newest file on disk is the run's latest state.
        if (improved) {
          bestCheckpoint = bestPathOf(options.out);
          saveCheckpoint(bestCheckpoint, model.params, meta());
        }
        saveCheckpoint(options.out, model.params, meta());
        checkpoint = options.out;
      }
      callbacks.onEval?.({ ...base, valNats, bestValNats, checkpoint, improved });
    };

    let lr = options.lr;
    let gradNorm = 0;
    for (;;) {
      if (step >= stepLimit) {
        stoppedBy = options.steps !== null && step >= options.steps ? 'steps' : 'epochs';
        break;
      }
      if (options.timeMs !== null && elapsedS() * 1000 >= options.timeMs) {
        stoppedBy = 'time';
        break;
      }
      if (signal?.aborted) {
        stoppedBy = 'abort';
        break;
      }
      const j = step % batchesPerEpoch;
      if (j === 0) gradients.reset(); // a new epoch starts every stream from its beginning
      const epoch = Math.floor(step / batchesPerEpoch);
      lr = learningRate(options.lr, epoch, options.lrDecay, options.lrDecayAfter);
      for (let d = 0; d < batchers.length; d++) batchers[d].fill(j, batches[d].x, batches[d].y);
      grads.data.fill(0);
      const dropout = options.dropout > 0 ? { p: options.dropout, seed: dropoutRng.nextUint32() } : null;
      lossNats = gradients.step(batches, T, dropout, grads);
      gradNorm = clipGlobalNorm(grads.data, options.clip);
      if (!Number.isFinite(lossNats) || !Number.isFinite(gradNorm)) {
        throw new CharnnError(
          `training diverged at step ${step + 1}: the loss or gradients became ${Number.isFinite(lossNats) ? gradNorm : lossNats}; no checkpoint was written for this step`,
          'try a lower --lr or a smaller --clip',
        );
      }
      optimizer.update(model.params.data, grads.data, lr);
      step++;
      const stepReport = report(gradNorm, lr);
      callbacks.onStep?.(stepReport);
      if (step % evalEvery === 0) evaluateAndSave(stepReport);
      // Let timers, signals and progress rendering run between steps.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (lastEvalStep !== step && step > 0) evaluateAndSave(report(gradNorm, lr));

    return {
      model,
      vocab,
      steps: step,
      epoch: step / batchesPerEpoch,
      lossNats,
      valNats,
      bestValNats,
      checkpoint,
      bestCheckpoint,
      stoppedBy,
    };
  }
}
