/**
 * `charnn sample`: generate text from a model, streamed to stdout as it is generated
 * (forward), or right to left ending with the prime (a bilstm's backward model); or, with
 * --beam, the most likely continuation of the prime.
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { CharLM } from '../../model/charlm.js';
import type { Direction } from '../../model/config.js';
import { checkGenerateOptions, generate, MAX_BEAM, type GenerateEnd, type GenerateOptions } from '../../generation/generate.js';
import { DEFAULT_REPEAT_LAST, defaultLength } from '../../generation/sample.js';
import { Vocab } from '../../tokenizer/vocab.js';
import { randomSeed, Rng } from '../../util/rng.js';
import { checkDirection, directionOption } from '../direction.js';
import { writeOut, type CliIO } from '../io.js';
import { jsonLine } from '../json.js';
import { loadModelFile } from '../model-path.js';
import { escapedString, integer, number, repeatable } from '../parse.js';

interface SampleFlags {
  model?: string;
  temp: number;
  topK: number;
  topP: number;
  minP: number;
  repeatPenalty: number;
  repeatLast: number;
  seed?: number;
  prime: string;
  length?: number;
  lines?: number;
  stop?: string[];
  beam?: number;
  num: number;
  json?: boolean;
  direction: Direction;
}

/** Flags that shape the drawing distribution, which a beam search does not draw from. */
const SHAPING = [
  ['temp', '--temp'],
  ['topK', '--top-k'],
  ['topP', '--top-p'],
  ['minP', '--min-p'],
  ['repeatPenalty', '--repeat-penalty'],
  ['repeatLast', '--repeat-last'],
] as const;

export function registerSample(program: Command, io: CliIO): void {
  program
    .command('sample')
    .description('generate text from a trained model')
    .option('-m, --model <path>', 'checkpoint (default: the newest in checkpoints/)')
    .option('--temp <t>', 'temperature: 0 = greedy, 1 = the model as it is, higher = wilder', number({ min: 0, max: 100 }), 1)
    .option('--top-k <k>', 'sample only from the k most likely characters (0 = all; 1 = greedy)', integer(0, 1_000_000), 0)
    .option('--top-p <p>', 'sample only from the most likely characters whose probabilities add up to p (1 = all; 0 = greedy)', number({ min: 0, max: 1 }), 1)
    .option('--min-p <p>', 'sample only from characters at least p times as likely as the most likely one (0 = all)', number({ min: 0, max: 1 }), 0)
    .option('--repeat-penalty <r>', 'divide positive logits (multiply negative ones) of characters seen in the last --repeat-last by r (1 = off)', number({ min: 1, max: 100 }), 1)
    .option('--repeat-last <n>', 'the repetition penalty window: the last n characters read or generated', integer(1, 1_000_000), DEFAULT_REPEAT_LAST)
    .option('--seed <n>', 'random seed (printed to stderr when not given)', integer(0, 2 ** 32 - 1))
    .option('--prime <text>', 'text to start from (printed first); with --direction backward, the text to end with', '')
    .option('--length <n>', 'at most n characters per sample, a line end counting as one (default: 500, or 10000 with --lines or --stop)', integer(0, 100_000_000))
    .option('--lines <n>', 'stop after n generated lines (line ends)', integer(1, 100_000_000))
    .option('--stop <text>', 'stop when the generated text ends with this (not printed); repeatable; \\n is a line end', repeatable(escapedString))
    .option('--beam <k>', `print the most likely continuation by beam search of width k (1 = greedy), instead of sampling`, integer(1, MAX_BEAM))
    .option('--num <n>', 'number of samples', integer(1, 1_000_000), 1)
    .option('--json', 'one JSON object per sample')
    .addOption(directionOption(false))
    .action(async function (this: Command, flags: SampleFlags) {
      if (flags.beam !== undefined) {
        const given = SHAPING.filter(([key]) => this.getOptionValueSource(key) === 'cli').map(([, flag]) => flag);
        if (given.length > 0) throw new UsageError(`--beam follows the model's own distribution: it cannot be combined with ${given.join(', ')}`);
        if (flags.num > 1) throw new UsageError('--beam is deterministic: --num would print the same text again', 'drop --num, or sample without --beam');
      }
      const { checkpoint } = loadModelFile(flags.model, io.cwd);
      const { meta, params } = checkpoint;
      checkDirection(flags.direction, meta.model);
      const model = new CharLM(meta.model, params);
      const vocab = Vocab.fromSymbols(meta.vocab);
      const seed = flags.seed ?? randomSeed();
      if (flags.seed === undefined) io.stderr.write(`seed: ${seed}\n`);
      const options: GenerateOptions = {
        temperature: flags.temp,
        topK: flags.topK,
        topP: flags.topP,
        minP: flags.minP,
        repeatPenalty: flags.repeatPenalty,
        repeatLast: flags.repeatLast,
        prime: flags.prime,
        length: flags.length ?? defaultLength(flags.stop, flags.lines),
        lines: flags.lines ?? 0,
        stop: flags.stop ?? [],
        beam: flags.beam ?? 0,
        direction: flags.direction,
        rng: new Rng(seed),
      };
      checkGenerateOptions(options);
      for (let i = 0; i < flags.num; i++) {
        if (flags.json || flags.direction === 'backward') {
          // Whole samples: JSON needs the full text, and backward text is generated right to left.
          const backward = flags.direction === 'backward';
          const { text: generated, end } = await collect(generate(model, vocab, options), backward);
          const text = backward ? generated + flags.prime : flags.prime + generated;
          await writeOut(io.stdout, flags.json ? jsonLine(toJson(i, seed, text, end, flags)) + '\n' : text + '\n');
          continue;
        }
        await writeOut(io.stdout, flags.prime);
        let pending = '';
        const chars = generate(model, vocab, options);
        for (let r = await chars.next(); !r.done; r = await chars.next()) {
          pending += r.value;
          if (r.value === '\n' || pending.length >= 64) {
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
 * A generator's symbols as one string, in their order or reversed, and how it ended; joined a
 * few thousand at a time (a long string built by += is a chain of small pieces, many times the
 * memory of its text).
 */
async function collect(symbols: AsyncGenerator<string, GenerateEnd, void>, reversed: boolean): Promise<{ text: string; end: GenerateEnd }> {
  const parts: string[] = [];
  let batch: string[] = [];
  const flush = () => {
    parts.push((reversed ? batch.reverse() : batch).join(''));
    batch = [];
  };
  for (;;) {
    const r = await symbols.next();
    if (r.done) {
      flush();
      return { text: (reversed ? parts.reverse() : parts).join(''), end: r.value };
    }
    batch.push(r.value);
    if (batch.length === 4096) flush();
  }
}

function toJson(index: number, seed: number, text: string, end: GenerateEnd, flags: SampleFlags): Record<string, unknown> {
  const out: Record<string, unknown> = { index, seed };
  if (flags.beam !== undefined) {
    out.beam = flags.beam;
  } else {
    out.temperature = flags.temp;
  }
  out.text = text;
  out.stopped_by = end.stoppedBy;
  out.symbols = end.symbols;
  if (end.logprobLn !== undefined) {
    out.logprob_ln = end.logprobLn;
    out.logprob_log10 = end.logprobLn / Math.LN10;
  }
  return out;
}
