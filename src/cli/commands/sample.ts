/**
 * `charnn sample`: generate text from a model, streamed to stdout as it is generated
 * (forward), or right to left ending with the prime (a bilstm's backward model).
 */
import type { Command } from 'commander';
import { CharLM } from '../../model/charlm.js';
import type { Direction } from '../../model/config.js';
import { sampleText } from '../../model/sample.js';
import { Vocab } from '../../tokenizer/vocab.js';
import { randomSeed, Rng } from '../../util/rng.js';
import { checkDirection, directionOption } from '../direction.js';
import { writeOut, type CliIO } from '../io.js';
import { jsonLine } from '../json.js';
import { loadModelFile } from '../model-path.js';
import { integer, number } from '../parse.js';

interface SampleFlags {
  model?: string;
  temp: number;
  topK: number;
  topP: number;
  seed?: number;
  prime: string;
  length: number;
  num: number;
  json?: boolean;
  direction: Direction;
}

export function registerSample(program: Command, io: CliIO): void {
  program
    .command('sample')
    .description('generate text from a trained model')
    .option('-m, --model <path>', 'checkpoint (default: the newest in checkpoints/)')
    .option('--temp <t>', 'temperature: 0 = greedy, 1 = the model as it is, higher = wilder', number({ min: 0, max: 100 }), 1)
    .option('--top-k <k>', 'sample only from the k most likely characters (0 = all; 1 = greedy)', integer(0, 1_000_000), 0)
    .option('--top-p <p>', 'sample only from the most likely characters whose probabilities add up to p (1 = all; 0 = greedy)', number({ min: 0, max: 1 }), 1)
    .option('--seed <n>', 'random seed (printed to stderr when not given)', integer(0, 2 ** 32 - 1))
    .option('--prime <text>', 'text to start from (printed first); with --direction backward, the text to end with', '')
    .option('--length <n>', 'characters to generate per sample (a line end counts as one)', integer(0, 100_000_000), 500)
    .option('--num <n>', 'number of samples', integer(1, 1_000_000), 1)
    .option('--json', 'one JSON object per sample')
    .addOption(directionOption(false))
    .action(async (flags: SampleFlags) => {
      const { checkpoint } = loadModelFile(flags.model, io.cwd);
      const { meta, params } = checkpoint;
      checkDirection(flags.direction, meta.model);
      const model = new CharLM(meta.model, params);
      const vocab = Vocab.fromSymbols(meta.vocab);
      const seed = flags.seed ?? randomSeed();
      if (flags.seed === undefined) io.stderr.write(`seed: ${seed}\n`);
      const rng = new Rng(seed);
      const options = { temperature: flags.temp, topK: flags.topK, topP: flags.topP, prime: flags.prime, length: flags.length, direction: flags.direction, rng };
      for (let i = 0; i < flags.num; i++) {
        if (flags.json || flags.direction === 'backward') {
          // Whole samples: JSON needs the full text, and backward text is generated right to left.
          const backward = flags.direction === 'backward';
          const generated = collect(sampleText(model, vocab, options), backward);
          const text = backward ? generated + flags.prime : flags.prime + generated;
          await writeOut(io.stdout, flags.json ? jsonLine({ index: i, seed, temperature: flags.temp, text }) + '\n' : text + '\n');
          continue;
        }
        await writeOut(io.stdout, flags.prime);
        let pending = '';
        for (const ch of sampleText(model, vocab, options)) {
          pending += ch;
          if (ch === '\n' || pending.length >= 64) {
            await writeOut(io.stdout, pending);
            pending = '';
            // Let a closed pipe (sample | head) be noticed instead of generating on.
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
        await writeOut(io.stdout, pending + '\n');
      }
    });
}

/**
 * The symbols as one string, in their order or reversed, joined a few thousand at a time (a
 * long string built by += is a chain of small pieces, many times the memory of its text).
 */
function collect(symbols: Iterable<string>, reversed: boolean): string {
  const parts: string[] = [];
  let batch: string[] = [];
  const flush = () => {
    parts.push((reversed ? batch.reverse() : batch).join(''));
    batch = [];
  };
  for (const symbol of symbols) {
    batch.push(symbol);
    if (batch.length === 4096) flush();
  }
  flush();
  return (reversed ? parts.reverse() : parts).join('');
}
