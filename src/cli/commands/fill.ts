/**
 * `charnn fill [TEXT...|-]`: fill the gaps of each sentence (`_` one character, `*` one to
 * --max-gap characters) with the model, and print the best --top candidates: for a bilstm,
 * proposed by both directions and ranked by the mean of their log-probabilities of the whole
 * sentence (see src/generation/fill.ts); for other models, by the forward model alone (with a note).
 */
import type { Command } from 'commander';
import { FILL_OPTIONS, checkFillOptions, type FillOptions } from '../../generation/fill-options.js';
import { fillJson } from '../../generation/fill-json.js';
import { fillGaps, type FillResult } from '../../generation/fill.js';
import { CharLM } from '../../model/charlm.js';
import { Vocab } from '../../tokenizer/vocab.js';
import { addFlags, cliOptionsFromFlags, optionsFromFlags } from '../flags.js';
import { checkInputArgs, sentences } from '../input.js';
import type { CliIO } from '../io.js';
import { jsonLine } from '../json.js';
import { loadModelFile, modelFlag } from '../model-path.js';

export function registerFill(program: Command, io: CliIO): void {
  const command = program
    .command('fill')
    .description('fill the gaps of sentences: _ is one missing character, * a gap of unknown length (best with a bilstm)')
    .argument('[text...]', 'sentences with gaps; - (or nothing, with piped input) reads one per line from stdin')
    .addOption(modelFlag());
  addFlags(command, FILL_OPTIONS).action(async (texts: string[], flags: Record<string, unknown>) => {
    checkInputArgs(texts, io, 'fill');
    const options = optionsFromFlags(FILL_OPTIONS, flags) as FillOptions;
    const cli = cliOptionsFromFlags(FILL_OPTIONS, flags);
    checkFillOptions(options, 'cli');
    const { checkpoint } = loadModelFile(flags.model as string | undefined, io);
    const model = new CharLM(checkpoint.meta.model, checkpoint.params);
    const vocab = Vocab.fromSymbols(checkpoint.meta.vocab);
    if (model.config.cell !== 'bilstm') {
      io.stderr.write(
        `note: a ${model.config.cell} model has no backward direction: candidates are proposed and ranked by the forward model alone (a bilstm uses both)\n`,
      );
    }
    let first = true;
    for await (const text of sentences(texts, io, 'fill')) {
      const result = await fillGaps(model, vocab, text, options);
      if (cli.json) io.stdout.write(jsonLine(fillJson(result)) + '\n');
      else {
        if (!first) io.stdout.write('\n');
        io.stdout.write(toText(result));
      }
      first = false;
    }
  });
}

const log10 = (ln: number) => ln / Math.LN10;

/** One line per candidate: log10 P ranked by, forward, backward (- if none), the sentence. */
function toText(r: FillResult): string {
  return r.candidates
    .map((c) => {
      const backward = c.backwardLogprobLn === null ? '-' : log10(c.backwardLogprobLn).toFixed(4);
      return `${log10(c.logprobLn).toFixed(4)}\t${log10(c.forwardLogprobLn).toFixed(4)}\t${backward}\t${c.text}\n`;
    })
    .join('');
}
