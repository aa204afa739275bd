/**
 * `charnn score [TEXT...|-]`: the probability of each sentence, one result line per sentence,
 * in KenLM / SRILM's conventions: log10 P (or --base e / 2), per-token perplexity, <UNK>
 * count, then the text. Tokens are the characters plus the closing <EOS>.
 */
import type { Command } from 'commander';
import { CharLM } from '../../model/charlm.js';
import { SentenceScorer, type ScoreDirection, type SentenceScore } from '../../model/score.js';
import { Vocab } from '../../tokenizer/vocab.js';
import { checkDirection, directionOption } from '../direction.js';
import { checkInputArgs, sentences } from '../input.js';
import { writeOut, type CliIO } from '../io.js';
import { jsonLine } from '../json.js';
import { loadModelFile } from '../model-path.js';
import { choice } from '../parse.js';

const BASES = ['10', 'e', '2'] as const;
type Base = (typeof BASES)[number];

interface ScoreFlags {
  model?: string;
  base: Base;
  detail?: boolean;
  json?: boolean;
  direction: ScoreDirection;
}

export function registerScore(program: Command, io: CliIO): void {
  program
    .command('score')
    .description('probability of each sentence (arguments, or lines of stdin with -)')
    .argument('[text...]', 'sentences to score; - (or nothing, with piped input) reads one per line from stdin')
    .option('-m, --model <path>', 'checkpoint (default: the newest in checkpoints/)')
    .option('--base <b>', 'logarithm base of the printed log-probability: 10, e or 2', choice(BASES), '10')
    .option('--detail', 'add a per-character breakdown')
    .option('--json', 'one JSON object per sentence')
    .addOption(directionOption(true))
    .action(async (texts: string[], flags: ScoreFlags) => {
      checkInputArgs(texts, io, 'score');
      const { checkpoint } = loadModelFile(flags.model, io.cwd);
      checkDirection(flags.direction, checkpoint.meta.model);
      const scorer = new SentenceScorer(new CharLM(checkpoint.meta.model, checkpoint.params), Vocab.fromSymbols(checkpoint.meta.vocab));
      for await (const text of sentences(texts, io, 'score')) {
        const s = scorer.score(text, flags.direction);
        await writeOut(io.stdout, flags.json ? jsonLine(toJson(s, flags)) + '\n' : toText(s, flags));
      }
    });
}

const LOG_OF_BASE: Record<Base, number> = { '10': Math.LN10, e: 1, '2': Math.LN2 };

function toJson(s: SentenceScore, flags: ScoreFlags): Record<string, unknown> {
  const bits = -s.logprobLn / Math.LN2;
  const out: Record<string, unknown> = {
    text: s.text,
    logprob_log10: s.logprobLn / Math.LN10,
    logprob_ln: s.logprobLn,
    bits,
    chars: s.chars,
    tokens: s.tokens,
    unk: s.unk,
    ppl: Math.exp(-s.logprobLn / s.tokens),
    bpc: bits / s.tokens,
  };
  if (flags.direction !== 'forward') out.direction = flags.direction === 'both' ? 'mean of forward and backward' : 'backward';
  if (flags.detail) {
    out.detail = s.symbols.map((symbol, i) => ({ symbol, logprob_ln: s.perToken[i], bits: -s.perToken[i] / Math.LN2 }));
  }
  return out;
}

function toText(s: SentenceScore, flags: ScoreFlags): string {
  const k = LOG_OF_BASE[flags.base];
  const ppl = Math.exp(-s.logprobLn / s.tokens);
  let out = `${(s.logprobLn / k).toFixed(4)}\t${ppl.toFixed(4)}\t${s.unk}\t${s.text}\n`;
  if (flags.detail) {
    s.symbols.forEach((symbol, i) => {
      const shown = symbol === '\t' ? '\\t' : symbol;
      out += `  ${shown}\t${(s.perToken[i] / k).toFixed(4)}\n`;
    });
  }
  return out;
}
