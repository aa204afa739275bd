/**
 * Exports, per cell, a small seeded model as a charnn checkpoint plus the logits our engine
 * computes for a fixed id sequence, so bench/torch_logits_check.py can load the same file into
 * PyTorch and confirm the logits agree (the parameter layout promise of docs/ARCHITECTURE.md, "Checkpoints").
 *
 *   npx tsx bench/export_logits.ts OUTDIR
 *
 * Writes OUTDIR/<cell>.safetensors and OUTDIR/<cell>.json =
 *   { ids: number[], logits: number[][] (T x V), backward_logits?: number[][] (bilstm only) }
 * backward_logits are the backward model's logits over the reversed ids (it reads text right to
 * left, so the caller reverses, as sentenceIds in src/scoring/sentence-scorer.ts does). The logits
 * come from the training path (DirectionRunner) through test/helpers/forward-logits.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint, type CheckpointMeta } from '../src/io/checkpoint.js';
import { CharLM } from '../src/model/charlm.js';
import { CELLS, type ModelConfig } from '../src/model/config.js';
import { hostParams, paramSpecs } from '../src/model/param-set.js';
import type { Floats } from '../src/engine/floats.js';
import { nodePlatform } from '../src/platform/node/node-platform.js';
import { installPlatform } from '../src/platform/platform.js';
import { Rng } from '../src/util/rng.js';
import { forwardLogits } from '../test/helpers/forward-logits.js';

installPlatform(nodePlatform); // files and the wasm engine's kernels

const VOCAB = ['<EOS>', '<UNK>', ...'abcdefghij']; // V = 12
const HIDDEN = 16;
const LAYERS = 2;
const T = 24;

function rows(flat: Floats, V: number): number[][] {
  return Array.from({ length: flat.length / V }, (_, t) => Array.from(flat.subarray(t * V, (t + 1) * V)));
}

function main(): void {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: npx tsx bench/export_logits.ts OUTDIR\n');
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });

  CELLS.forEach((cell, c) => {
    const model: ModelConfig = { cell, vocabSize: VOCAB.length, hidden: HIDDEN, layers: LAYERS, dropout: 0.1 };
    const rng = new Rng(1234 + c);
    const params = hostParams(paramSpecs(model));
    for (let i = 0; i < params.data.length; i++) params.data[i] = rng.uniform(-0.3, 0.3);
    // A sentence as scoring sees it: <EOS> first, then characters (and the odd <UNK>).
    const ids = Int32Array.from({ length: T }, (_, t) => (t === 0 ? 0 : Math.floor(rng.next() * VOCAB.length)));

    const meta: CheckpointMeta = {
      model,
      vocab: VOCAB,
      training: { seed: 1234 + c, note: 'bench/export_logits.ts' },
      progress: { step: 0, epoch: 0, bestValNats: null, valNats: null, charsSeen: 0 },
    };
    const path = join(out, `${cell}.safetensors`);
    saveCheckpoint(path, params, meta);

    // Logits from the reloaded file, so the check covers our loader as well as our writer.
    const loaded = loadCheckpoint(path);
    const lm = new CharLM(loaded.meta.model, loaded.params);
    const result: { ids: number[]; logits: number[][]; backward_logits?: number[][] } = {
      ids: Array.from(ids),
      logits: rows(forwardLogits(lm, 'forward', ids), VOCAB.length),
    };
    if (cell === 'bilstm') {
      result.backward_logits = rows(forwardLogits(lm, 'backward', ids.slice().reverse()), VOCAB.length);
    }
    writeFileSync(join(out, `${cell}.json`), JSON.stringify(result));
    process.stdout.write(`wrote ${path} and ${cell}.json (${params.data.length} parameters)\n`);
  });
}

main();
