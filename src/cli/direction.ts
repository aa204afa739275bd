/** --direction for a bilstm: which language model(s) to use. Other cells have only 'forward'. */
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import type { ModelConfig } from '../model/config.js';
import type { ScoreDirection } from '../scoring/sentence-scorer.js';

export function directionOption(allowBoth: boolean): Option {
  const choices = allowBoth ? ['forward', 'backward', 'both'] : ['forward', 'backward'];
  return new Option('--direction <dir>', 'bilstm only: which language model to use').choices(choices).default('forward');
}

export function checkDirection(direction: ScoreDirection, config: ModelConfig): void {
  if (direction !== 'forward' && config.cell !== 'bilstm') {
    throw new UsageError(`--direction ${direction} needs a bilstm model; this one is ${config.cell}`);
  }
}
