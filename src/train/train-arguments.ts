/**
 * The arguments of the library's train(), checked before anything is read: the text (a string,
 * always the text itself, or a source such as fileSource(path)), the options by name (a
 * misspelt one is an error naming the closest known one) and the callbacks.
 */
import { isCodePointSource } from '../data/source.js';
import { UsageError } from '../errors.js';
import { checkOptionNames, closestName } from '../options/check-options.js';
import { describe, expectFunction, expectOptions, expectSignal, expectString } from '../util/arguments.js';
import { TRAIN_OPTIONS } from './train-options.js';

const CALLBACKS = ['onStart', 'onNotice', 'onStep', 'onEval'] as const;

export function checkTrainArguments(text: unknown, corpusName: unknown, options: unknown, callbacks: unknown, signal: unknown): void {
  if (typeof text !== 'string' && !isCodePointSource(text))
    throw new UsageError(`train: text must be a string (the text itself) or a source such as fileSource(path), got ${describe(text)}`);
  expectString('train', 'corpusName', corpusName);
  expectOptions('train', 'options', options);
  checkOptionNames('train', TRAIN_OPTIONS, options ?? {});
  expectOptions('train', 'callbacks', callbacks);
  for (const [key, value] of Object.entries(callbacks ?? {})) {
    if (!(CALLBACKS as readonly string[]).includes(key)) {
      const near = closestName(key, {}, CALLBACKS);
      throw new UsageError(
        `train has no callback ${JSON.stringify(key)}` + (near ? `: did you mean ${near}?` : `; its callbacks are ${CALLBACKS.join(', ')}`),
      );
    }
    expectFunction('train', `callbacks.${key}`, value);
  }
  expectSignal('train', 'signal', signal);
}
