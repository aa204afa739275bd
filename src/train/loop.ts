/**
 * The training loop: truncated BPTT over B contiguous streams of T steps with the hidden state
 * carried from batch to batch, global-norm clipping, the optimizer, the learning-rate schedule,
 * periodic validation in stream mode, and checkpoints (the latest and the best by validation).
 * It never prints: it reports through callbacks and throws typed errors.
 */
import { CharnnError } from '../errors.js';
import type { CodePointSource } from '../data/source.js';
import { Batcher, planBatches } from '../data/batches.js';
import { saveCheckpoint, type CheckpointMeta } from '../io/checkpoint.js';
import { CharLM, initParams } from '../model/charlm.js';
import type { ModelConfig } from '../model/config.js';
import type { DirectionBatch } from '../model/objective.js';
import { engineParams } from '../model/param-set.js';
import { platform } from '../platform/platform.js';
import { streamNats } from '../scoring/evaluate.js';
import { Rng } from '../util/rng.js';
import { formatCountOf } from '../util/format-count.js';
import { yieldToEventLoop } from '../util/yield.js';
import { clipGlobalNorm } from './clip.js';
import { createOptimizer } from './optimizer.js';
import { TRAIN_OPTIONS, type TrainOptions } from './train-options.js';
import { recordedOptions } from '../options/option-spec.js';
import { prepareCorpus } from './prepare.js';
import { defaultWarmup, Schedule } from './schedule.js';
import { readResumePoint, trainStateOf, type ResumePoint } from './resume.js';
import { runOptions } from './run-options.js';
import { checkSameRun, loadResumable, type Resumable } from './resumable.js';
import type { StepReport, TrainCallbacks, TrainResult } from './reports.js';
import { UpdateUndo } from './update-undo.js';

export type { EvalReport, StepReport, TrainCallbacks, TrainResult, TrainStart } from './reports.js';
import { carriedStateSize } from './threads/shards.js';
import { checkTrainArguments } from './train-arguments.js';
import { EarlyStop } from './early-stop.js';
import { baseVocabOf, extendWeights, initRecord, loadInit, vocabularyNotes, type InitModel } from './init-from.js';
import { UsageError } from '../errors.js';
import { expectPath } from '../util/arguments.js';
import { createGradientSource } from './threads/gradients.js';
import { resolveThreads } from './threads/count.js';

/** The best checkpoint sits beside the latest: run.safetensors -> run.best.safetensors. */
export function bestPathOf(out: string): string {
  expectPath('bestPathOf', 'out', out);
  return out.endsWith('.safetensors') ? out.slice(0, -'.safetensors'.length) + '.best.safetensors' : out + '.best';
}

/** Bad steps without a confirmed good update in between, after which training stops: the
 *  learning rate has been halved this many times (1/1024 of where it started). */
const MAX_BAD_STEPS = 10;

/** A mean loss above this many times ln V (what a model that knows nothing scores) is a model
 *  blown up by too large a step, not one still learning: --lr 100 gives thousands of nats, and a model left at several times ln V after that is still broken. */
const DIVERGED_LOSS_FACTOR = 3;

export async function train(
  text: string | CodePointSource,
  corpusName: string,
  overrides: Partial<TrainOptions>,
  callbacks: TrainCallbacks = {},
  signal?: AbortSignal,
): Promise<TrainResult> {
  checkTrainArguments(text, corpusName, overrides, callbacks, signal);
  overrides ??= {};
  callbacks ??= {};
  if (overrides.resume && overrides.init)
    throw new UsageError('train options resume and init cannot be combined: resume continues a run, init starts a new one from a model');
  const resuming = overrides.resume ? loadResumable(overrides.resume) : null;
  const init = !resuming && overrides.init ? loadInit(overrides.init) : null;
  const { options, changed } = runOptions(overrides, resuming, init);
  // One writer per checkpoint path, for the whole run.
  const lock = options.out ? platform().lockCheckpoint(options.out, [bestPathOf(options.out)]) : null;
  try {
    return await trainLocked(text, corpusName, options, changed, resuming, init, callbacks, signal);
  } finally {
    lock?.release();
  }
}

/** train() once the options are resolved and the checkpoint path is ours. */
async function trainLocked(
  text: string | CodePointSource,
  corpusName: string,
  options: TrainOptions,
  changed: string[],
  resuming: Resumable | null,
  init: InitModel | null,
  callbacks: TrainCallbacks,
  signal: AbortSignal | undefined,
): Promise<TrainResult> {
  // A run from a model (or resuming one) keeps the model's vocabulary, perhaps extended.
  const base = init ?? (resuming && options.init ? { path: resuming.path, checkpoint: resuming.checkpoint } : null);
  const prepared = prepareCorpus(
    text,
    corpusName,
    options.minCount,
    options.valFrac,
    base && baseVocabOf(base, !resuming && options.extendVocab),
  );
  const { vocab, split } = prepared;
  for (const note of vocabularyNotes(prepared)) callbacks.onNotice?.(note);
  if (options.patience !== null && split.val.length < 2)
    throw new UsageError(`${corpusName}: no validation text to stop early on (patience needs some: raise valFrac, or give a longer text)`);
  const plan = planBatches(split.train.length, options.batch, options.seq);
  const { streams: B, steps: T, batchesPerEpoch } = plan;
  if (batchesPerEpoch < 1) throw new CharnnError(`${corpusName}: the training text is too short for one batch`);
  if (plan.reduced) {
    callbacks.onNotice?.(
      `the training text (${formatCountOf(split.train.length - 1, 'character')}) is shorter than --batch x --seq (${options.batch} x ${options.seq}): training with ${formatCountOf(B, 'stream')} of ${T} steps`,
    );
  }
  if (options.dropout > 0 && options.layers === 1) {
    // As torch.nn.LSTM (which warns too): dropout acts on the outputs of all layers but the last.
    callbacks.onNotice?.(`--dropout ${options.dropout} has no effect with --layers 1: dropout applies between layers`);
  }

  const config: ModelConfig = {
    cell: options.cell,
    vocabSize: vocab.size,
    hidden: options.hidden,
    layers: options.layers,
    dropout: options.dropout,
  };
  if (resuming) checkSameRun(resuming, config, vocab, split.train.length, plan);
  const model = new CharLM(
    config,
    resuming
      ? resuming.checkpoint.params
      : init
        ? extendWeights(init.checkpoint.params, init.checkpoint.meta.model, config, new Rng(options.seed))
        : initParams(config, new Rng(options.seed)),
  );
  // What a fine-tuned run started from, recorded in its checkpoints (carried over on resume).
  const initFrom = init ? initRecord(init) : (resuming?.checkpoint.meta.training.init_from ?? null);
  const engine = model.engine;
  const P = model.parameterCount();
  const grads = engineParams(engine, model.params.specs);
  const optimizer = createOptimizer(options.optimizer, engine, P);
  const dropoutRng = new Rng(options.seed + 1);
  const carriedSize = carriedStateSize(model.directions.length, config.layers, B, config.hidden);
  const point = resuming
    ? readResumePoint(resuming.path, resuming.state, { moments: optimizer.moments.length, params: P, carried: carriedSize })
    : null;
  if (point) {
    optimizer.steps = point.optimizerSteps;
    point.moments.forEach((m, i) => engine.write(optimizer.moments[i], m));
    dropoutRng.setState(point.dropoutRng);
  }
  const early = options.patience !== null ? new EarlyStop(options.patience, point?.earlyStopping ?? undefined) : null;

  // Each direction walks its own stream: the backward model reads the training text reversed
  // (its Batcher reads the ids from the end: no reversed copy of the corpus).
  const batchers = model.directions.map((d) => new Batcher(split.train, plan, d === 'backward'));
  const batches: DirectionBatch[] = batchers.map(() => ({ x: new Int32Array(T * B), y: new Int32Array(T * B) }));

  const stepLimit = Math.min(options.steps ?? Infinity, options.epochs !== null ? options.epochs * batchesPerEpoch : Infinity);
  const evalEvery = options.evalEvery ?? batchesPerEpoch;
  // The options are this run's own (runOptions' copy): the warm-up is resolved with the run's
  // length, before anything reads or records it (a resumed run has its own already).
  if (options.schedule !== 'char-rnn') options.warmup ??= defaultWarmup(stepLimit, init !== null);
  const schedule = new Schedule(options, batchesPerEpoch, stepLimit);
  // Where the learning rate follows the clock, the time limit is the run's training time, counted
  // from its start as --steps is (so the decay ends with the run); elsewhere it limits this session.
  const trainMsBefore = schedule.followsTime ? (point?.trainMs ?? 0) : 0;
  const threads = resolveThreads(options.threads, B);
  const gradients = await createGradientSource(model, T, B, threads, options.dropout);
  try {
    if (point) gradients.loadState(point.carried);
    callbacks.onStart?.({
      vocabSize: vocab.size,
      parameters: model.parameterCount(),
      trainTokens: split.train.length,
      valTokens: split.val.length,
      unk: prepared.unk,
      lines: prepared.lines,
      files: prepared.parts,
      plan,
      plannedSteps: stepLimit,
      sessionTimeMs: options.timeMs !== null ? Math.max(1, options.timeMs - trainMsBefore) : null,
      threads: gradients.threads,
      options,
    });
    if (point) {
      callbacks.onNotice?.(
        `resuming ${resuming!.path} at step ${point.step} (epoch ${(point.step / batchesPerEpoch).toFixed(2)}` +
          (schedule.followsTime ? `, ${(trainMsBefore / 1000).toFixed(1)} s of the run's time limit used` : '') +
          ')' +
          (changed.length > 0 ? `; changed: ${changed.join(', ')}` : ''),
      );
      if (schedule.followsTime && trainMsBefore >= options.timeMs!)
        callbacks.onNotice?.(
          `the run's time limit is used up (it counts the run's training time with ${options.schedule}): give a larger one to train on`,
        );
    }
    return await runSteps();
  } finally {
    await gradients.close();
  }

  // The loop proper; a closure so the gradient workers are stopped however it ends.
  async function runSteps(): Promise<TrainResult> {
    const started = performance.now();
    const firstStep = point?.step ?? 0;
    let step = firstStep;
    let lossNats = NaN;
    let valNats: number | null = resuming?.checkpoint.meta.progress.valNats ?? null;
    let bestValNats: number | null = resuming?.checkpoint.meta.progress.bestValNats ?? null;
    let lastEvalStep = point ? step : -1;
    let checkpoint: string | null = null;
    let bestCheckpoint: string | null = null;
    /** The latest checkpoint known good on disk, for messages when something goes wrong. */
    let lastSaved: { path: string; step: number } | null =
      resuming && point && resuming.path === options.out ? { path: resuming.path, step: point.step } : null;
    const lastSavedText = () =>
      lastSaved ? `the last checkpoint (${lastSaved.path}, step ${lastSaved.step}) is intact` : 'no checkpoint was written';
    /** A failed save (disk full, read-only) stops training; the previous file is untouched (atomic save). */
    const save = (write: () => void) => {
      try {
        write();
      } catch (e) {
        if (!(e instanceof CharnnError)) throw e;
        throw new CharnnError(
          `${e.message}; ${lastSavedText()}`,
          'free some space or choose another path with -o, then continue with --resume',
        );
      }
    };
    let stoppedBy: TrainResult['stoppedBy'] = 'steps';

    const elapsedS = () => (performance.now() - started) / 1000;
    /** The run's training time: this session's, plus the earlier ones' where the schedule follows the clock. */
    const trainMs = () => trainMsBefore + elapsedS() * 1000;
    const report = (gradNorm: number, lr: number): StepReport => ({
      step,
      epoch: step / batchesPerEpoch,
      lossNats,
      lr,
      charsPerSec: ((step - firstStep) * B * T) / Math.max(elapsedS(), 1e-9),
      elapsedS: elapsedS(),
      gradNorm,
    });

    const evaluateAndSave = async (base: StepReport) => {
      lastEvalStep = step;
      if (split.val.length >= 2) {
        let total = 0;
        for (const d of model.directions) total += await streamNats(model, split.val, d);
        valNats = total / model.directions.length;
      }
      const improved = valNats !== null && (bestValNats === null || valNats < bestValNats);
      if (improved) bestValNats = valNats;
      early?.observe(improved, step);
      if (options.out) {
        const weights = await model.hostWeights();
        const meta = (): CheckpointMeta => ({
          model: config,
          vocab: [...vocab.symbols],
          training: {
            ...recordedOptions(TRAIN_OPTIONS, options),
            resume: null,
            corpus: corpusName,
            streams: B,
            steps_per_batch: T,
            ...(initFrom ? { init_from: initFrom } : {}),
          },
          progress: { step, epoch: base.epoch, bestValNats, valNats, charsSeen: step * B * T },
        });
        // Best first, then the latest, so the newest file on disk is the run's latest state.
        if (improved) {
          const best = bestPathOf(options.out);
          save(() => saveCheckpoint(best, weights, meta()));
          bestCheckpoint = best;
        }
        // Only the latest checkpoint carries what resuming needs; the best one is the model alone.
        const moments: Float32Array[] = [];
        for (const m of optimizer.moments) {
          const host = new Float32Array(P);
          await engine.read(m, host);
          moments.push(host);
        }
        const state: ResumePoint = {
          step,
          optimizerSteps: optimizer.steps,
          moments,
          dropoutRng: dropoutRng.getState(),
          carried: await gradients.saveState(),
          trainTokens: split.train.length,
          streams: B,
          stepsPerBatch: T,
          lrScale,
          earlyStopping: early && { sinceBest: early.sinceBest, bestStep: early.bestStep },
          trainMs: schedule.followsTime ? trainMs() : null,
        };
        const out = options.out;
        save(() => saveCheckpoint(out, weights, meta(), trainStateOf(state, optimizer)));
        checkpoint = out;
        lastSaved = { path: out, step };
      }
      await callbacks.onEval?.({ ...base, valNats, bestValNats, checkpoint, improved });
    };

    let lr = options.lr;
    let gradNorm = 0;
    /** Non-finite steps in a row, and the learning-rate factor they have left (halved each time). */
    let badSteps = 0;
    let lastWasBad = false;
    const lastGood = new UpdateUndo(engine, P, optimizer.moments.length);
    lastGood.save(model.params.data, optimizer); // nothing to undo before the first update
    const divergedLoss = DIVERGED_LOSS_FACTOR * Math.log(Math.max(vocab.size, 2));
    let lrScale = point?.lrScale ?? 1;
    for (;;) {
      if (step >= stepLimit) {
        stoppedBy = options.steps !== null && step >= options.steps ? 'steps' : 'epochs';
        break;
      }
      if (options.timeMs !== null && trainMs() >= options.timeMs) {
        stoppedBy = 'time';
        break;
      }
      if (signal?.aborted) {
        stoppedBy = 'abort';
        break;
      }
      if (early?.exhausted) {
        stoppedBy = 'patience';
        break;
      }
      const j = step % batchesPerEpoch;
      if (j === 0) gradients.reset(); // a new epoch starts every stream from its beginning
      lr = schedule.rateAt(step, trainMs());
      for (let d = 0; d < batchers.length; d++) batchers[d].fill(j, batches[d].x, batches[d].y);
      engine.fill(grads.data, 0);
      const dropout = options.dropout > 0 ? { p: options.dropout, seed: dropoutRng.nextUint32() } : null;
      const loss = await gradients.step(batches, T, dropout, grads);
      gradNorm = await clipGlobalNorm(engine, grads.data, options.clip);
      const exploded = Number.isFinite(loss) && loss > divergedLoss;
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm) || exploded) {
        // This step's gradients are not applied. The last update may be what broke the weights,
        // so it is rolled back too (and the carried state, computed with them, is zeroed); then
        // the learning rate is halved and training goes on with the next batch. Several in a row
        // means halving does not help: stop.
        badSteps++;
        lastWasBad = true;
        const undone = lastGood.restore(model.params.data, optimizer);
        gradients.reset();
        const what = exploded
          ? `loss became ${loss.toPrecision(4)} nats (over ${DIVERGED_LOSS_FACTOR} x ln V = ${divergedLoss.toPrecision(3)}: the weights blew up)`
          : `${Number.isFinite(loss) ? 'gradient norm' : 'loss'} became ${Number.isFinite(loss) ? gradNorm : loss}`;
        if (badSteps > MAX_BAD_STEPS) {
          throw new CharnnError(
            `training diverged at step ${step + 1}: the ${what} ${badSteps} times without a good update in between, even at learning rate ${(lr * lrScale).toPrecision(3)}; ` +
              lastSavedText(),
            `try a lower --lr (e.g. ${(options.lr / 10).toPrecision(2)})${options.clip === 0 ? ' and gradient clipping (--clip 5)' : ''}`,
          );
        }
        lrScale /= 2;
        callbacks.onNotice?.(
          `step ${step + 1}: the ${what}; ${undone ? 'rolled back the last update, ' : ''}skipped that batch and halved the learning rate to ${(lr * lrScale).toPrecision(3)}`,
        );
        step++;
        continue;
      }
      // A finite loss right after a finite one confirms the update in between was good; one right
      // after a rollback does not (the update that follows may break the weights again).
      if (!lastWasBad) badSteps = 0;
      lastWasBad = false;
      lossNats = loss;
      lastGood.save(model.params.data, optimizer);
      optimizer.update(model.params.data, grads.data, lr * lrScale);
      step++;
      const stepReport = report(gradNorm, lr * lrScale);
      callbacks.onStep?.(stepReport);
      if (step % evalEvery === 0) await evaluateAndSave(stepReport);
      // Let timers, signals and progress rendering run between steps.
      await yieldToEventLoop();
    }
    if (lastEvalStep !== step && step > firstStep) await evaluateAndSave(report(gradNorm, lr * lrScale));

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
      early: early && { sinceBest: early.sinceBest, bestStep: early.bestStep },
    };
  }
}
