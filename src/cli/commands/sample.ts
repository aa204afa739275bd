/**
 * `charnn sample`: generate text from a model, streamed to stdout as it is generated
 * (forward), or right to left ending with the prime (a bilstm's backward model); or, with
 * --beam, the most likely continuation of the prime.
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { generate, type GenerateEnd } from '../../generation/generate.js';
import { sampleJson } from '../../generation/sample-json.js';
import { SAMPLE_OPTIONS, sampleSettings, type SampleValues } from '../../generation/sample-options.js';
import { checkDirection } from '../../model/config.js';
import { CharLM } from '../../model/charlm.js';
import { Vocab } from '../../tokenizer/vocab.js';
import { randomSeed, Rng } from '../../util/rng.js';
import { addFlags, cliOptionsFromFlags, givenOnCommandLine, optionsFromFlags } from '../flags.js';
import { writeOut, type CliIO } from '../io.js';
import { checkCopies, COPY_SPAN } from '../../copycheck/copy-check.js';
import type { CodePointSource } from '../../data/source.js';
import { fileSource } from '../../platform/node/corpus-files.js';
import { jsonLine } from '../json.js';
import { loadModelFile, modelFlag } from '../model-path.js';

export function registerSample(program: Command, io: CliIO): void {
  const command = program.command('sample').description('generate text from a trained model').addOption(modelFlag());
  addFlags(command, SAMPLE_OPTIONS).action(async function (this: Command, flags: Record<string, unknown>) {
    const ask = optionsFromFlags(SAMPLE_OPTIONS, flags) as SampleValues;
    const cli = cliOptionsFromFlags(SAMPLE_OPTIONS, flags);
    if (ask.beam !== null && cli.num > 1)
      throw new UsageError('--beam is deterministic: --num would print the same text again', 'drop --num, or sample without --beam');
    let seed = 0;
    const options = sampleSettings(
      ask,
      (given) => new Rng((seed = given ?? randomSeed())),
      'cli',
      (key) => givenOnCommandLine(this, SAMPLE_OPTIONS, key),
    );
    // The corpus to check copies against: its paths checked now, before anything is generated.
    const corpus = cli.corpus.length > 0 ? fileSource(cli.corpus) : null;
    for (const s of corpus?.skipped ?? []) io.stderr.write(`note: skipped ${s.path}: ${s.why}\n`);
    const { checkpoint } = loadModelFile(flags.model as string | undefined, io);
    const { meta, params } = checkpoint;
    checkDirection(options.direction, meta.model, 'cli');
    const model = new CharLM(meta.model, params);
    const vocab = Vocab.fromSymbols(meta.vocab);
    if (ask.seed === null) io.stderr.write(`seed: ${seed}\n`);
    // With --corpus: each sample's generated text (the prime left out), and its JSON held until checked.
    const generatedTexts: string[] = [];
    const held: Record<string, unknown>[] = [];
    for (let i = 0; i < cli.num; i++) {
      if (cli.json || options.direction === 'backward') {
        // Whole samples: JSON needs the full text, and backward text is generated right to left.
        const backward = options.direction === 'backward';
        const { text: generated, end } = await collect(generate(model, vocab, options), backward);
        const text = backward ? generated + options.prime : options.prime + generated;
        if (corpus) generatedTexts.push(generated);
        if (corpus && cli.json) held.push(sampleJson(i, seed, text, end, ask));
        else await writeOut(io.stdout, cli.json ? jsonLine(sampleJson(i, seed, text, end, ask)) + '\n' : text + '\n');
        continue;
      }
      await writeOut(io.stdout, options.prime);
      let pending = '';
      const parts: string[] = [];
      const pieces = generate(model, vocab, options);
      for (let r = await pieces.next(); !r.done; r = await pieces.next()) {
        pending += r.value;
        if (corpus) parts.push(r.value);
        if (r.value.endsWith('\n') || pending.length >= 64) {
          await writeOut(io.stdout, pending);
          pending = '';
          // Let a closed pipe (sample | head) be noticed instead of generating on.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      await writeOut(io.stdout, pending + '\n');
      if (corpus) generatedTexts.push(parts.join(''));
    }
    if (corpus) await reportCopies(io, corpus, generatedTexts, held);
  });
}

/**
 * The copy check (--corpus): one pass over the corpus for every sample at once. On stderr one
 * line per sample; with --json, the fields in each sample's object (held back until now).
 */
async function reportCopies(io: CliIO, corpus: CodePointSource, texts: string[], held: Record<string, unknown>[]): Promise<void> {
  const reports = checkCopies(texts, corpus);
  for (let i = 0; i < reports.length; i++) {
    const r = reports[i];
    if (held.length > 0) {
      const copied = { longest_copied: { chars: r.longestCopied.chars, text: r.longestCopied.text }, copied_share: r.copiedShare };
      await writeOut(io.stdout, jsonLine({ ...held[i], ...copied }) + '\n');
      continue;
    }
    const span = r.longestCopied.chars > 0 ? `${r.longestCopied.chars} characters, ${JSON.stringify(r.longestCopied.text)}` : 'none';
    io.stderr.write(
      `sample ${i + 1}: longest copied span ${span}; ${(100 * r.copiedShare).toFixed(1)}% of its ${r.chars} characters in spans of ${COPY_SPAN}+ found in the corpus\n`,
    );
  }
}

/**
 * A generator's text as one string, in its order or (for the backward model, which generates
 * right to left) reversed, and how it ended. The pieces are kept apart until the end (a long
 * string built by += is a chain of small pieces, many times the memory of its text).
 */
async function collect(pieces: AsyncGenerator<string, GenerateEnd, void>, reversed: boolean): Promise<{ text: string; end: GenerateEnd }> {
  const parts: string[] = [];
  for (;;) {
    const r = await pieces.next();
    if (r.done) return { text: (reversed ? parts.reverse() : parts).join(''), end: r.value };
    parts.push(reversed ? Array.from(r.value).reverse().join('') : r.value);
  }
}
