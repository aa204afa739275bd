import type { CharLM } from '../model/charlm.js';
import type { Vocab } from '../tokenizer/vocab.js';

/** A model a service's thread holds, with its vocabulary. */
export interface ServedModel {
  model: CharLM;
  vocab: Vocab;
}
