/**
 * `charnn score [TEXT...|-]`: the probability of each sentence, one result line per sentence,
 * in KenLM / SRILM's conventions: log10 P (or --base e / 2), per-token perplexity, <UNK>
 * count, then the text. Tokens are the characters plus the closing <EOS>.
 */
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
import { checkInputArgs, fileLines, sentences } from '../input.js';
import { UsageError } from '../../errors.js';
import { coloursOf, writeOut, type CliIO } from '../io.js';
import { activityLine } from '../activity.js';
import { jsonLine } from '../json.js';
import { loadModelFile, modelFlag } from '../model-path.js';

type Base = (typeof LOG_BASES)[number];

/** What a line of output shows: the table's options, the command line's included. */
type ScoreFlags = ScoreOptions & ReturnType<typeof cliOptionsFromFlags<typeof SCORE_OPTIONS>>;

export function registerScore(program: Command, io: CliIO): void {
  const command = program
    .command('score')
    .description('probability of each sentence (arguments, lines of stdin with -, or lines of files with --file)')
    .argument('[text...]', 'sentences to score; - (or nothing, with piped input) reads one per line from stdin')
    .addOption(modelFlag());
  addFlags(command, SCORE_OPTIONS).action(async (texts: string[], parsed: Record<string, unknown>) => {
    const flags: ScoreFlags = {
      ...(optionsFromFlags(SCORE_OPTIONS, parsed) as ScoreOptions),
      ...cliOptionsFromFlags(SCORE_OPTIONS, parsed),
    };
    if (flags.file.length > 0 && texts.length > 0)
      throw new UsageError('score: give sentences as arguments, or - for stdin, or --file, not both', 'charnn score --help');
    if (flags.file.length === 0) checkInputArgs(texts, io, 'score');
    checkScoreOptions(flags, 'cli');
    const { checkpoint } = loadModelFile(parsed.model as string | undefined, io);
    checkDirection(flags.direction, checkpoint.meta.model, 'cli');
    const model = new CharLM(checkpoint.meta.model, checkpoint.params);
    const vocab = Vocab.fromSymbols(checkpoint.meta.vocab);
    const scorer = new SentenceScorer(model, vocab);
    // The heatmap is for a reader: colour as --color and the environment decide for stdout.
    const stdoutColours = coloursOf(io, 'stdout');
    const colour = flags.heatmap && stdoutColours.level > 0 ? stdoutColours : null;
    // Many lines into a file or a pipe: a sign of life on the terminal (on one, the output is that already).
    const activity = activityLine(io.stderr, io.fancy && !(io.stdout as { isTTY?: boolean }).isTTY, 'score', 'lines', null);
    let lines = 0;
    try {
      for await (const text of flags.file.length > 0 ? fileLines(flags.file, io) : sentences(texts, io, 'score')) {
        await scoreOne(text);
        activity.update(++lines);
      }
    } finally {
      activity.done();
    }
    if (flags.heatmap) await writeOut(io.stdout, heatmapLegend(colour) + '\n');

    async function scoreOne(text: string): Promise<void> {
      const s = await scorer.score(text, flags.direction);
      if (flags.heatmap) {
        const bits = Array.from(s.perToken, (lp) => -lp / Math.LN2);
        const total = -s.logprobLn / Math.LN2;
        const summary = `${total.toFixed(1)} bits, ${(total / s.tokens).toFixed(3)} bpc`;
        await writeOut(io.stdout, heatmapLines(s.symbols, bits, summary, colour).join('\n') + '\n');
        return;
      }
      const top =
        flags.top !== null ? await positionAlternatives(model, vocab, text, flags.direction as 'forward' | 'backward', flags.top) : null;
      await writeOut(io.stdout, flags.json ? jsonLine(scoreJson(s, flags, top)) + '\n' : toText(s, flags, top));
    }
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
