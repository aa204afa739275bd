/**
 * `charnn export torch -m MODEL [--corpus FILE ...] -o DIR`: a self-contained folder that trains
 * the model further with PyTorch, with charnn train's semantics, on one process or many
 * (torchrun, DistributedDataParallel), and writes checkpoints charnn reads as they are:
 *
 *   README.md, train.py and its modules, score.py   the package's templates/torch/, as they are
 *   start.safetensors   the model, byte for byte (with its run's training state, if it has one)
 *   corpus.ids, corpus.json   the corpus as ids in the model's vocabulary (export/exported-corpus.ts)
 *
 * Every file is written whole or not at all; corpus.json last.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CharnnError, UsageError } from '../../errors.js';
import { CORPUS_IDS_FILE, CORPUS_JSON_FILE, exportCorpus, type CorpusManifest, type ExportedCorpus } from '../../export/exported-corpus.js';
import { EXPORT_TORCH_OPTIONS, type ExportTorchOptions } from '../../export/torch-export-options.js';
import { decodeCheckpoint, type Checkpoint } from '../../io/checkpoint.js';
import { FileReadError, platform } from '../../platform/platform.js';
import { Vocab } from '../../tokenizer/vocab.js';
import { addFlags, optionsFromFlags } from '../flags.js';
import { formatCount, formatCountOf } from '../format.js';
import { corpusFrom } from '../input.js';
import type { CliIO } from '../io.js';
import { modelFlag, resolveModelPath } from '../model-path.js';
import { PACKAGE_ROOT } from '../paths.js';

/** The trainer's files, in the package (templates/torch/) and in the folder written. */
export const TORCH_TEMPLATE_FILES = [
  'README.md',
  'train.py',
  'options.py',
  'model.py',
  'checkpoint.py',
  'data.py',
  'objective.py',
  'state.py',
  'saving.py',
  'parallel.py',
  'score.py',
] as const;
export const TORCH_TEMPLATES = join(PACKAGE_ROOT, 'templates', 'torch');
export const START_CHECKPOINT = 'start.safetensors';

export function registerExportTorch(parent: Command, io: CliIO): void {
  const command = parent
    .command('torch')
    .description('a folder that trains the model further with PyTorch: one process (CPU or CUDA), or many with torchrun')
    .addOption(modelFlag());
  addFlags(command, EXPORT_TORCH_OPTIONS).action(async (parsed: Record<string, unknown>) => {
    const options = { corpus: [], ...optionsFromFlags(EXPORT_TORCH_OPTIONS, parsed) } as ExportTorchOptions;
    if (!options.out) throw new UsageError('give the folder to write: -o DIR');
    const given = parsed.model as string | undefined;
    const modelPath = resolve(io.cwd, resolveModelPath(given, io.cwd));
    const bytes = readCheckpointBytes(modelPath);
    const checkpoint = decodeCheckpoint(bytes, modelPath, { trainState: true }); // checked whole before anything is written
    const { files, name } = corpusOf(options.corpus, checkpoint.meta.training, modelPath, io.cwd);
    const dir = resolve(io.cwd, options.out);
    checkTarget(dir, options.out);

    // Read as `charnn train` reads them: files, folders' text files, each file's end a line end.
    const input = await corpusFrom(files, io);
    const training = checkpoint.meta.training;
    const exported = exportCorpus(input.source, Vocab.fromSymbols(checkpoint.meta.vocab), {
      name,
      sources: files,
      valFrac: options.valFrac ?? (typeof training.valFrac === 'number' ? training.valFrac : 0.1),
      minCount: typeof training.minCount === 'number' ? training.minCount : 2,
    });
    writeFolder(dir, options.out, bytes, exported);
    io.stderr.write(summary(given ?? modelPath, checkpoint, exported.manifest, options.out));
  });
}

/** The corpus files (--corpus, else the one the model's run recorded) and the corpus's name. */
function corpusOf(given: readonly string[], training: Record<string, unknown>, modelPath: string, cwd: string) {
  if (given.length > 0) return { files: given.map((f) => resolve(cwd, f)), name: basename(given[0], extname(given[0])) || 'corpus' };
  if (typeof training.corpusPath !== 'string')
    throw new UsageError(`${modelPath} does not record the corpus it was trained on: give it with --corpus FILE`);
  const path = training.corpusPath;
  return { files: [path], name: typeof training.corpus === 'string' ? training.corpus : basename(path, extname(path)) || 'corpus' };
}

/** Every file whole or not at all; corpus.json, which marks a complete export, last. */
function writeFolder(dir: string, shown: string, model: Uint8Array, { manifest, bytes }: ExportedCorpus): void {
  const write = (file: string, data: Uint8Array | string) => {
    try {
      platform().writeFileAtomic(join(dir, file), typeof data === 'string' ? new TextEncoder().encode(data) : data);
    } catch (e) {
      throw new CharnnError(`cannot write ${join(shown, file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  for (const file of TORCH_TEMPLATE_FILES) write(file, readFileSync(join(TORCH_TEMPLATES, file)));
  write(START_CHECKPOINT, model);
  write(CORPUS_IDS_FILE, bytes);
  // One field a line, each compact (the vocabulary on one line).
  const fields = Object.entries(manifest).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  write(CORPUS_JSON_FILE, `{\n${fields.join(',\n')}\n}\n`);
}

/** What was exported, and the commands that train it. */
function summary(model: string, checkpoint: Checkpoint, manifest: CorpusManifest, out: string): string {
  const { model: config, progress } = checkpoint.meta;
  const valTokens = manifest.ids.count - manifest.val_start;
  const runTokens = checkpoint.trainState?.json.train_tokens;
  const sameRun = runTokens === undefined || runTokens === manifest.train_tokens;
  // Limits count from the start of the run it continues (from 0 for a new run).
  const steps = (checkpoint.hasTrainState && sameRun ? progress.step : 0) + 1000;
  const newRun = sameRun ? '' : ' --new-run';
  const unk = manifest.unk > 0 ? `, ${formatCountOf(manifest.unk, 'character')} outside the vocabulary as <UNK>` : '';
  const state = checkpoint.hasTrainState ? ', with its training state' : '';
  return (
    `Exported ${model} (${config.cell} ${config.layers} x ${config.hidden}, step ${formatCount(progress.step)}${state}) ` +
    `and ${manifest.name} (${formatCount(manifest.train_tokens)} training and ${formatCount(valTokens)} validation tokens${unk}) to ${out}\n` +
    (sameRun
      ? ''
      : `note: the model's run trained on another text (${formatCount(Number(runTokens))} training tokens): train.py can start a new run from its weights (--new-run), not continue that one\n`) +
    `It needs Python 3 with PyTorch (torch), nothing else. In ${out}:\n` +
    `  python3 train.py${newRun} --steps ${steps}                        # one process, CPU or CUDA\n` +
    `  torchrun --nproc_per_node 2 train.py${newRun} --steps ${steps}    # two processes (DDP)\n`
  );
}

function readCheckpointBytes(path: string): Uint8Array {
  try {
    return platform().readFile(path);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    throw new CharnnError(e.message, 'train a model first with `charnn train <corpus>`, or pass --model');
  }
}

/** The folder must be new, empty, or an earlier export (so that `-o .` or `-o ~` never litters a folder). */
function checkTarget(dir: string, shown: string): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`-o ${shown} is a file, not a folder`);
    entries = readdirSync(dir);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CharnnError(`cannot use ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // An export (complete, perhaps with a run's files beside it), or one cut short (only our files).
  const complete = entries.includes(CORPUS_JSON_FILE) && entries.includes('train.py');
  const ours = new Set<string>([...TORCH_TEMPLATE_FILES, START_CHECKPOINT, CORPUS_IDS_FILE]);
  if (!complete && !entries.every((e) => ours.has(e) || e.startsWith('.'))) {
    throw new UsageError(
      `-o ${shown} is a folder with other files in it: give a new or empty folder (or an earlier export, to replace it)`,
    );
  }
}
