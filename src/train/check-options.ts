/**
 * What `train` accepts: the ranges and choices of its option table (train-options.ts), checked
 * by the table itself, and the limits on the size of what it builds, which no single option's
 * range can express. The CLI's flag parsers are made from the same table, and train() checks the
 * options it is given, so a library caller gets a one-line error instead of a crash or an
 * out-of-memory deep inside a run.
 */
import { UsageError } from '../errors.js';
import type { CellType } from '../model/config.js';
import { paramSpecs, totalSize } from '../model/param-set.js';
import { checkOptions, nameOf, type Naming } from '../options/check-options.js';
import type { NumberSpec } from '../options/option-spec.js';
import { formatCount } from '../util/format-count.js';
import { TRAIN_OPTIONS, type TrainOptions } from './train-options.js';

export { inRange, libraryAccepts } from '../options/check-options.js';

type NumericOption = {
  [K in keyof typeof TRAIN_OPTIONS]: (typeof TRAIN_OPTIONS)[K] extends NumberSpec ? K : never;
}[keyof typeof TRAIN_OPTIONS];

/** The range of every numeric train option (views of the table). */
export const TRAIN_RANGES = Object.fromEntries(Object.entries(TRAIN_OPTIONS).filter(([, s]) => s.kind === 'number')) as Record<
  NumericOption,
  NumberSpec
>;

/** Usage errors for options train() cannot run with (null = not set, for the optional ones):
 *  the CLI's ranges, but for the bounds that only guard the command line (NumberSpec.openAbove). */
export function checkTrainOptions(o: TrainOptions): void {
  checkOptions('train', TRAIN_OPTIONS, o);
  checkTrainRules(o, 'library');
  checkTrainSize(o, 'library');
}

/** Usage errors for options that need others: extendVocab needs init, patience needs validation text. */
export function checkTrainRules(o: Pick<TrainOptions, 'extendVocab' | 'init' | 'patience' | 'valFrac'>, naming: Naming): void {
  const name = (key: keyof typeof TRAIN_OPTIONS) => nameOf(TRAIN_OPTIONS, key, naming);
  if (o.extendVocab && o.init === null)
    throw new UsageError(
      `${name('extendVocab')} needs ${name('init')}: it adds the new text's characters to the vocabulary of the model given there`,
    );
  if (o.patience !== null && o.valFrac === 0)
    throw new UsageError(
      `${name('patience')} needs validation text to stop on, but ${name('valFrac')} is 0`,
      `give ${name('valFrac')} above 0`,
    );
}

/**
 * Usage errors for schedule options that the schedule does not use, checked for a new run (a
 * resumed one has its checkpoint's): --warmup and --lr-floor with char-rnn, --lr-decay and
 * --lr-decay-after other than their defaults with cosine or linear (the library's options always
 * carry those, so only a value that differs is known to be given).
 */
export function checkScheduleRules(
  o: Pick<TrainOptions, 'schedule' | 'warmup' | 'lrFloor' | 'lrDecay' | 'lrDecayAfter'>,
  naming: Naming,
): void {
  const name = (key: keyof typeof TRAIN_OPTIONS) => nameOf(TRAIN_OPTIONS, key, naming);
  const schedule = `${name('schedule')} ${o.schedule}`;
  if (o.schedule === 'char-rnn') {
    const unused = (['warmup', 'lrFloor'] as const).filter((k) => o[k] !== null);
    if (unused.length > 0)
      throw new UsageError(
        `${unused.map(name).join(' and ')} ${unused.length > 1 ? 'apply' : 'applies'} to the cosine and linear schedules, not to ${schedule}`,
        `give ${name('schedule')} cosine or linear, or leave out ${unused.map(name).join(' and ')}`,
      );
  } else {
    const unused = (['lrDecay', 'lrDecayAfter'] as const).filter((k) => o[k] !== TRAIN_OPTIONS[k].default);
    if (unused.length > 0)
      throw new UsageError(
        `${unused.map(name).join(' and ')} ${unused.length > 1 ? 'apply' : 'applies'} to the char-rnn schedule, not to ${schedule} (which decays to ${name('lrFloor')} x ${name('lr')} as the run ends)`,
        `give ${name('schedule')} char-rnn, or leave out ${unused.map(name).join(' and ')}`,
      );
  }
}

/**
 * Training takes about 80 bytes per parameter (weights, gradients, Adam's moments, the threads'
 * chunks) and about 52 bytes per unit of batch x seq x layers x hidden (each step's activations
 * and their gradients, per direction), as measured on the wasm engine.
 */
export const MAX_PARAMETERS = 50_000_000; // about 4 GB
export const MAX_ACTIVATIONS = 1 << 26; // batch x seq x layers x hidden (x 2 for a bilstm): about 3.5 GB

/** Parameters of a model without its vocabulary (a lower bound: the corpus adds V x (G + 1) x H + V). */
export function parametersWithoutVocab(cell: CellType, hidden: number, layers: number): number {
  return totalSize(paramSpecs({ cell, hidden, layers, vocabSize: 0, dropout: 0 }));
}

/** Usage errors for a model or batch too big to train, naming the options to lower. */
export function checkTrainSize(o: { cell: CellType; hidden: number; layers: number; batch: number; seq: number }, naming: Naming): void {
  const name = (key: keyof typeof TRAIN_OPTIONS) => nameOf(TRAIN_OPTIONS, key, naming);
  const params = parametersWithoutVocab(o.cell, o.hidden, o.layers);
  if (params > MAX_PARAMETERS) {
    throw new UsageError(
      `${name('cell')} ${o.cell} ${name('hidden')} ${o.hidden} ${name('layers')} ${o.layers} is a model of ${formatCount(params)} parameters; at most ${formatCount(MAX_PARAMETERS)} (about 4 GB to train)`,
      `lower ${name('hidden')} or ${name('layers')}`,
    );
  }
  const directions = o.cell === 'bilstm' ? 2 : 1;
  const units = o.batch * o.seq * o.layers * o.hidden * directions;
  if (units > MAX_ACTIVATIONS) {
    throw new UsageError(
      `${name('batch')} ${o.batch} x ${name('seq')} ${o.seq} x ${name('layers')} ${o.layers} x ${name('hidden')} ${o.hidden}${directions > 1 ? ' x 2 directions' : ''} = ${formatCount(units)} activations per step; at most ${formatCount(MAX_ACTIVATIONS)} (about 3.5 GB)`,
      `lower ${name('batch')} or ${name('seq')}`,
    );
  }
}
