/** `charnn inspect`: what a checkpoint holds: cell, sizes, parameters, vocabulary, progress. */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { jsonLine } from '../json.js';
import { loadModelFile } from '../model-path.js';
import { formatCount, formatCountOf } from '../format.js';

export function registerInspect(program: Command, io: CliIO): void {
  program
    .command('inspect')
    .description('show what a checkpoint holds')
    .option('-m, --model <path>', 'checkpoint (default: the newest in checkpoints/)')
    .option('--json', 'one JSON object')
    .action((flags: { model?: string; json?: boolean }) => {
      const { path, checkpoint } = loadModelFile(flags.model, io);
      const { model, vocab, progress, training } = checkpoint.meta;
      const parameters = checkpoint.params.data.length;
      if (flags.json) {
        io.stdout.write(jsonLine({ path, ...model, parameters, vocab, progress, training }) + '\n');
        return;
      }
      const shown = vocab
        .slice(2)
        .map((c) => (c === ' ' ? '␠' : c === '\t' ? '\\t' : c))
        .join('');
      const lines = [
        `Model: ${path}`,
        `Cell: ${model.cell}${model.cell === 'bilstm' ? ' (a forward and a backward LSTM language model)' : ''}`,
        `Layers: ${model.layers} x ${model.hidden} hidden`,
        `Dropout: ${model.dropout}`,
        `Parameters: ${formatCount(parameters)}`,
        `Vocabulary: ${vocab.length} symbols (<EOS>, <UNK> and ${vocab.length - 2} characters)`,
        `Characters: ${shown}`,
        `Trained: ${formatCountOf(progress.step, 'step')}, ${progress.epoch.toFixed(2)} epochs, ${formatCount(progress.charsSeen)} characters`,
        `Validation loss: ${progress.valNats !== null ? `${progress.valNats.toFixed(4)} nats (${(progress.valNats / Math.LN2).toFixed(3)} bpc)` : 'n/a'}`,
        `Best validation loss: ${progress.bestValNats !== null ? `${progress.bestValNats.toFixed(4)} nats (${(progress.bestValNats / Math.LN2).toFixed(3)} bpc)` : 'n/a'}`,
      ];
      if (typeof training.corpus === 'string') lines.push(`Corpus: ${training.corpus}`);
      const from = training.init_from as { path?: unknown; steps?: unknown; corpus?: unknown } | undefined;
      if (typeof from === 'object' && from !== null && typeof from.path === 'string')
        lines.push(
          `Fine-tuned from: ${from.path}` +
            (typeof from.steps === 'number'
              ? ` (${formatCount(from.steps)} steps${typeof from.corpus === 'string' ? ` on ${from.corpus}` : ''})`
              : ''),
        );
      io.stdout.write(lines.join('\n') + '\n');
    });
}
