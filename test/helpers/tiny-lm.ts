// A small model trained in-process in about a second (no checkpoint written), for tests that
// need a model that has learnt something: sampling, beam search, gap filling.
import type { LoadedModel } from '../../src/index.js';
import type { CellType } from '../../src/model/config.js';
import { train } from '../../src/train/loop.js';
import { CHAR_RNN } from './char-rnn.js';

/** Short sentences over a few letters, repeated: small enough to be memorised. */
export const TINY_SENTENCES = ['the cat sat on the mat.', 'a dog ate my hat.', 'my cat is on a mat.', 'the dog sat.'];

export async function tinyLM(cell: CellType, steps: number, sentences = TINY_SENTENCES): Promise<LoadedModel> {
  const text = Array.from({ length: 20 }, () => sentences.join('\n')).join('\n') + '\n';
  const r = await train(
    text,
    'tiny',
    {
      ...CHAR_RNN,
      cell,
      hidden: 32,
      layers: 1,
      batch: 8,
      seq: 24,
      lr: 1e-2,
      steps,
      valFrac: 0.05,
      minCount: 1,
      seed: 3,
      threads: 1,
      out: null,
    },
    {},
  );
  const meta = {
    model: r.model.config,
    vocab: [...r.vocab.symbols],
    training: {},
    progress: { step: r.steps, epoch: r.epoch, bestValNats: null, valNats: null, charsSeen: 0 },
  };
  return { model: r.model, vocab: r.vocab, meta };
}
