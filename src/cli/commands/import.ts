/**
 * `charnn import WEIGHTS.safetensors --vocab VOCAB.json --cell lstm [-o MODEL.safetensors]`:
 * a state_dict saved from PyTorch becomes a charnn checkpoint that sample, score and eval use.
 */
import { basename, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { saveCheckpoint } from '../../io/checkpoint.js';
import { importStateDict, readVocabJson } from '../../io/torch-import.js';
import { CELLS, type CellType } from '../../model/config.js';
import type { CliIO } from '../io.js';
import { formatCount } from '../format.js';
import { CHECKPOINT_DIR } from '../model-path.js';
import { choice } from '../parse.js';

interface ImportFlags {
  vocab: string;
  cell: CellType;
  out?: string;
}

export function registerImport(program: Command, io: CliIO): void {
  program
    .command('import')
    .description('turn a PyTorch state_dict (safetensors) into a charnn checkpoint')
    .argument('<weights>', 'safetensors file of the state_dict, with the tensor names of the README ("Continue in PyTorch")')
    .requiredOption('--vocab <file>', 'JSON array of the symbols in id order, "<EOS>" and "<UNK>" included')
    .requiredOption('--cell <cell>', `the model's cell: ${CELLS.join(', ')}`, choice(CELLS))
    .option('-o, --out <path>', `checkpoint to write (default: ${CHECKPOINT_DIR}/<weights-name>.safetensors)`)
    .action((weights: string, flags: ImportFlags) => {
      const weightsPath = resolve(io.cwd, weights);
      const out = resolve(io.cwd, flags.out ?? join(CHECKPOINT_DIR, `${basename(weights, extname(weights))}.safetensors`));
      if (out === weightsPath) throw new UsageError(`--out ${flags.out ?? out} would overwrite the PyTorch weights: choose another path`);
      const { params, meta } = importStateDict(weightsPath, readVocabJson(resolve(io.cwd, flags.vocab)), flags.cell, weights);
      saveCheckpoint(out, params, meta);
      const m = meta.model;
      io.stderr.write(
        `Imported a ${m.cell} ${m.layers} x ${m.hidden} model (${m.vocabSize} symbols, ${formatCount(params.data.length)} parameters) from ${weights}\nSaved ${flags.out ?? out}\n`,
      );
    });
}
