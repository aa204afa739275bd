/**
 * `charnn score [TEXT...|-]`: the probability of each sentence, one result line per sentence,
 * in KenLM / SRILM's conventions: log10 P (or --base e / 2), per-token perplexity, <UNK>
 * count, then the text. Tokens are the characters plus the closing <EOS>.
 */
import chalk from 'chalk';
import type { Command } from 'commander';
import { CharLM } from '../../model/charlm.js';
import { checkDirection } from '../../model/config.js';
import { positionAlternatives } from '../../scoring/distributions.js';
import { checkScoreOptions, SCORE_OPTIONS, type LOG_BASES, type ScoreOptions } from '../../scoring/score-options.js';
import { scoreJson, type PositionAlternatives } from '../../scoring/score-json.js';
import { SentenceScorer, type SentenceScore } from '../../scoring/sentence-scorer.js';
import { Vocab } from '../../tokenizer/vocab.js';
import { addFlags, cliOptionsFromFlags, optionsFromFlags } from '../flags.js';
import { heatmapLegend, heatmapLines } from '../heatmap.js';
import { checkInputArgs, sentences } from '../input.js';
import { writeOut, type CliIO } from '../io.js';
import { jsonLine } from '../json.js';
import { loadModelFile, modelFlag } from '../model-path.js';

type Base = (typeof LOG_BASES)[number];

/** What a line of output shows: the table's options, the command line's included. */
type ScoreFlags = ScoreOptions & ReturnType<typeof cliOptionsFromFlags<typeof SCORE_OPTIONS>>;

export function registerScore(program: Command, io: CliIO): void {
  const command = program
    .command('score')
    .description('probability of each sentence (arguments, or lines of stdin with -)')
    .argument('[text...]', 'sentences to score; - (or nothing, with piped input) reads one per line from stdin')
    .addOption(modelFlag());
  addFlags(command, SCORE_OPTIONS).action(async (texts: string[], parsed: Record<string, unknown>) => {
    checkInputArgs(texts, io, 'score');
    const flags: ScoreFlags = {
      ...(optionsFromFlags(SCORE_OPTIONS, parsed) as ScoreOptions),
      ...cliOptionsFromFlags(SCORE_OPTIONS, parsed),
    };
    checkScoreOptions(flags, 'cli');
    const { checkpoint } = loadModelFile(parsed.model as string | undefined, io.cwd);
    checkDirection(flags.direction, checkpoint.meta.model, 'cli');
    const model = new CharLM(checkpoint.meta.model, checkpoint.params);
    const vocab = Vocab.fromSymbols(checkpoint.meta.vocab);
    const scorer = new SentenceScorer(model, vocab);
    // The heatmap is for a reader: colour only when stdout is a terminal that takes it.
    const colour =
      flags.heatmap && (io.stdout as { isTTY?: boolean }).isTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb' && chalk.level > 0
        ? chalk
        : null;
    for await (const text of sentences(texts, io, 'score')) {
      const s = await scorer.score(text, flags.direction);
      if (flags.heatmap) {
        const bits = Array.from(s.perToken, (lp) => -lp / Math.LN2);
        const total = -s.logprobLn / Math.LN2;
        const summary = `${total.toFixed(1)} bits, ${(total / s.tokens).toFixed(3)} bpc`;
        await writeOut(io.stdout, heatmapLines(s.symbols, bits, summary, colour).join('\n') + '\n');
        continue;
      }
      const top =
        flags.top !== null ? await positionAlternatives(model, vocab, text, flags.direction as 'forward' | 'backward', flags.top) : null;
      await writeOut(io.stdout, flags.json ? jsonLine(scoreJson(s, flags, top)) + '\n' : toText(s, flags, top));
    }
    if (flags.heatmap) await writeOut(io.stdout, heatmapLegend(colour) + '\n');
  });
}

const LOG_OF_BASE: Record<Base, number> = { '10': Math.LN10, e: 1, '2': Math.LN2 };

function toText(s: SentenceScore, flags: ScoreFlags, top: PositionAlternatives | null): string {
  const k = LOG_OF_BASE[flags.base];
  const ppl = Math.exp(-s.logprobLn / s.tokens);
  let out = `${(s.logprobLn / k).toFixed(4)}\t${ppl.toFixed(4)}\t${s.unk}\t${s.text}\n`;
  if (flags.detail || top) {
    s.symbols.forEach((symbol, i) => {
      const shown = symbol === '\t' ? '\\t' : symbol;
      // PositionAlternatives: characters quoted as JSON strings (a space stays visible), <EOS>/<UNK> by name.
      const alts = top
        ? '\t' +
          top[i]
            .map(
              (t) =>
                `${t.symbol === '<EOS>' || t.symbol === '<UNK>' ? t.symbol : JSON.stringify(t.symbol)} ${Math.exp(t.logprobLn).toFixed(3)}`,
            )
            .join('  ')
        : '';
      out += `  ${shown}\t${(s.perToken[i] / k).toFixed(4)}${alts}\n`;
    });
  }
  return out;
}
