/**
 * The shape of a character language model: what a checkpoint must record to rebuild it.
 *
 * Cells: `rnn` (tanh), `lstm`, `gru`, and `bilstm`, which is the biLM of ELMo: a forward
 * LSTM language model and a backward one (a forward model over reversed text), each with
 * its own layers and decoder (docs/ARCHITECTURE.md, "bilstm").
 */
import { UsageError } from '../errors.js';
import type { CellName } from '../nn/cell.js';

export const CELLS = ['rnn', 'lstm', 'gru', 'bilstm'] as const;
export type CellType = (typeof CELLS)[number];

export interface ModelConfig {
  cell: CellType;
  /** V: vocabulary size, `<EOS>` and `<UNK>` included. */
  vocabSize: number;
  /** H: hidden units per layer. */
  hidden: number;
  /** L: stacked layers (per direction for bilstm). */
  layers: number;
  /** Dropout probability on the outputs of every layer but the last (training only). */
  dropout: number;
}

/** Directions of a model: a bilstm has a forward and a backward language model. */
export type Direction = 'forward' | 'backward';

export function directionsOf(cell: CellType): Direction[] {
  return cell === 'bilstm' ? ['forward', 'backward'] : ['forward'];
}

/** The recurrent cell that each direction runs: bilstm is two LSTM language models. */
export type BaseCell = CellName;

export function baseCellOf(cell: CellType): BaseCell {
  return cell === 'bilstm' ? 'lstm' : cell;
}

/** G: gates per cell, fused in PyTorch's order (lstm: i, f, g, o; gru: r, z, n). */
export function gatesOf(cell: BaseCell): number {
  return cell === 'rnn' ? 1 : cell === 'lstm' ? 4 : 3;
}

export function isCellType(x: unknown): x is CellType {
  return typeof x === 'string' && (CELLS as readonly string[]).includes(x);
}

/** True for a well-formed ModelConfig. */
export function isModelConfig(x: unknown): x is ModelConfig {
  const c = x as Partial<ModelConfig> | null;
  const count = (n: unknown, min: number) => typeof n === 'number' && Number.isInteger(n) && n >= min;
  return (
    typeof c === 'object' &&
    c !== null &&
    isCellType(c.cell) &&
    count(c.vocabSize, 2) &&
    count(c.hidden, 1) &&
    count(c.layers, 1) &&
    typeof c.dropout === 'number' &&
    c.dropout >= 0 &&
    c.dropout < 1
  );
}

/**
 * Only a bilstm has a backward model (and so 'backward' and 'both'). The message names the
 * option as the caller does: `direction` in the library, `--direction` on the command line.
 */
export function checkDirection(direction: string, config: ModelConfig, naming: 'library' | 'cli' | 'json'): void {
  if (direction !== 'forward' && config.cell !== 'bilstm') {
    throw new UsageError(`${naming === 'cli' ? '--direction' : 'direction'} ${direction} needs a bilstm model; this one is ${config.cell}`);
  }
}
