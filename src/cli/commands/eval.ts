/**
 * `charnn eval [FILE...|-]`: perplexity of a text under a model. Each line is a sentence;
 * --reset line scores every line from the zero state (the sum of `score` over the lines),
 * --reset none carries the state through the file (as training's validation loss).
 * Stdin is evaluated as it arrives, in bounded memory (but for the backward model with --reset
 * none, which reads the text from its end), with the same totals as the same text in a file.
 */
import type { Command } from 'commander';
import { encodeSource } from '../../data/corpus.js';
import { CharnnError } from '../../errors.js';
import { CharLM } from '../../model/charlm.js';
import { checkDirection } from '../../model/config.js';
import { CorpusEvaluator, type EvalResult } from '../../scoring/evaluate.js';
import { evalFigures, evalJson } from '../../scoring/eval-json.js';
import { EVAL_OPTIONS, type EvalOptions } from '../../scoring/score-options.js';
import { Vocab } from '../../tokenizer/vocab.js';
import { addFlags, cliOptionsFromFlags, optionsFromFlags } from '../flags.js';
import { checkInputArgs, corpusFrom, stdinPieces, wantsStdin } from '../input.js';
import type { CliIO } from '../io.js';
import { activityLine, type Activity } from '../activity.js';
import { jsonLine } from '../json.js';
import { loadModelFile, modelFlag } from '../model-path.js';

type EvalFlags = EvalOptions & { json: boolean };

export function registerEval(program: Command, io: CliIO): void {
  const command = program
    .command('eval')
    .description('perplexity and bits per character of text files (or stdin with -)')
    .argument(
      '[files...]',
      'text files, one sentence per line, one result each (a folder: its text files, as one text); - (or nothing, with piped input) reads stdin',
    )
    .addOption(modelFlag());
  addFlags(command, EVAL_OPTIONS).action(async (files: string[], parsed: Record<string, unknown>) => {
    // Argument mistakes first: they need no model to report.
    checkInputArgs(files, io, 'eval', 'give one or more text files');
    const flags: EvalFlags = { ...(optionsFromFlags(EVAL_OPTIONS, parsed) as EvalOptions), ...cliOptionsFromFlags(EVAL_OPTIONS, parsed) };
    const inputs = wantsStdin(files, io) ? ['-'] : files;
    const { checkpoint } = loadModelFile(parsed.model as string | undefined, io);
    checkDirection(flags.direction, checkpoint.meta.model, 'cli');
    const model = new CharLM(checkpoint.meta.model, checkpoint.params);
    const vocab = Vocab.fromSymbols(checkpoint.meta.vocab);
    const directions = flags.direction === 'both' ? 2 : 1;
    for (const file of inputs) {
      const name = file === '-' ? 'stdin' : file;
      let scored = 0;
      let files: number | null = null; // a folder's text files
      let activity: Activity | null = null;
      const evaluator = new CorpusEvaluator(model, flags.direction, flags.reset, {
        threads: flags.threads ?? undefined,
        onProgress: (tokens) => activity?.update((scored += tokens)),
      });
      try {
        if (file === '-' && !evaluator.needsWholeText) {
          // Stdin streamed a piece of whole lines at a time: bounded memory, the file's totals.
          activity = activityLine(io.stderr, io.fancy, `eval ${name}`, 'tokens', null);
          for await (const piece of stdinPieces(io, vocab)) await evaluator.add(piece);
        } else {
          // Bytes to compact ids in two passes (count, encode): no string of the whole file.
          const input = await corpusFrom([file], io); // a folder: its text files, as one text
          for (const s of input.skipped) io.stderr.write(`note: skipped ${s.path}: ${s.why}\n`);
          if (input.several) files = input.files;
          const corpus = encodeSource(input.source, vocab);
          activity = activityLine(io.stderr, io.fancy, `eval ${name}`, 'tokens', (corpus.ids.length - 1) * directions);
          await evaluator.add(corpus);
        }
      } finally {
        activity?.done();
      }
      const result = await evaluator.result();
      if (result.tokens === 0) throw new CharnnError(`${name} is empty: no text to evaluate`, 'give a text with at least one line');
      io.stdout.write(
        flags.json
          ? jsonLine(evalJson(result, { ...flags, file: name, files })) + '\n'
          : toText(file, result, flags, inputs.length > 1, files),
      );
    }
  });
}

function toText(file: string, r: EvalResult, flags: EvalFlags, named: boolean, files: number | null): string {
  const f = evalFigures(r);
  const rows: [string, string][] = [];
  if (named) rows.push(['File', file === '-' ? 'stdin' : file]);
  if (files !== null) rows.push(['Files', String(files)]);
  rows.push(
    ['Tokens', String(r.tokens)],
    ['Lines', String(r.lines)],
    ['<UNK>', String(r.unk)],
    ['Log10 probability', (r.logprobLn / Math.LN10).toFixed(4)],
    ['Nats/token', f.natsPerToken.toFixed(6)],
    ['Bits/char (bpc)', f.bpc.toFixed(6)],
    ['Perplexity', f.ppl.toFixed(4)],
    ['Perplexity excl. <UNK>', Number.isFinite(f.pplExclUnk) ? f.pplExclUnk.toFixed(4) : 'n/a'],
    ['Reset', flags.reset],
  );
  if (flags.direction !== 'forward') rows.push(['Direction', flags.direction === 'both' ? 'mean of forward and backward' : 'backward']);
  return rows.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n' + (named ? '\n' : '');
}
