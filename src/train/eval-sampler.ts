/**
 * The short sample `charnn train` (and a page training a model) shows at each evaluation (as char-rnn does): one line of at
 * most 100 characters at temperature 0.8, from the checkpoint just written, with a random
 * stream of its own seeded from the run's seed and the step. It reads the checkpoint file and
 * never the training model or the training random streams, so it cannot change the run.
 */
import { loadCheckpoint } from '../io/checkpoint.js';
import { CharLM } from '../model/charlm.js';
import { sampleText } from '../generation/sample.js';
import { Vocab } from '../tokenizer/vocab.js';
import { Rng } from '../util/rng.js';

export const EVAL_SAMPLE_CHARS = 100;
export const EVAL_SAMPLE_TEMPERATURE = 0.8;

/** The seed of the sample at `step`: the same for the same run and step, different per step. */
export function evalSampleSeed(runSeed: number, step: number): number {
  return (Math.imul(runSeed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0;
}

export class EvalSampler {
  /** One model for every sample of the run, its weights overwritten from each checkpoint:
   *  engine memory is never freed, so a new model per evaluation would grow it. */
  private model: CharLM | null = null;
  private vocab: Vocab | null = null;

  /** One line sampled from the checkpoint at `path`, from the start of a line. */
  async sample(path: string, runSeed: number, step: number): Promise<string> {
    const checkpoint = loadCheckpoint(path);
    if (this.model === null || this.vocab === null) {
      this.model = new CharLM(checkpoint.meta.model, checkpoint.params);
      this.vocab = Vocab.fromSymbols(checkpoint.meta.vocab);
    } else {
      this.model.engine.write(this.model.params.data, checkpoint.params.data);
    }
    const rng = new Rng(evalSampleSeed(runSeed, step));
    let line = '';
    const options = {
      temperature: EVAL_SAMPLE_TEMPERATURE,
      topK: 0,
      topP: 1,
      prime: '',
      length: EVAL_SAMPLE_CHARS,
      direction: 'forward' as const,
      rng,
    };
    for await (const ch of sampleText(this.model, this.vocab, options)) {
      if (ch === '\n') {
        if (line.length > 0) break; // one line: an empty one (an <EOS> first) is skipped
        continue;
      }
      line += ch;
    }
    return line;
  }
}
