/**
 * What the playground page asks of a charnn backend: the models, a sentence's score with each
 * character's surprisal and the alternatives the model expected there, a sample streamed as it
 * is generated, and gap filling. The page talks only to this interface: charnn serve provides an
 * HTTP implementation (http-backend.ts); a backend running the models in the page itself can
 * stand beside it.
 */

export interface ModelInfo {
  id: string;
  cell: string;
  layers: number;
  hidden: number;
  vocabSize: number;
}

/** One symbol of a sentence: a character, or '<EOS>' (the end of the sentence). */
export interface CharacterScore {
  symbol: string;
  /** Surprisal: -log2 P of this symbol where it stands. */
  bits: number;
  /** The most likely symbols at this position, most likely first ('<EOS>', '<UNK>' by name). */
  top: { symbol: string; prob: number }[];
}

export interface SentenceScore {
  text: string;
  bits: number;
  bpc: number;
  ppl: number;
  symbols: CharacterScore[];
}

export interface SampleSettings {
  prime: string;
  length: number;
  temperature: number;
  topP: number;
  /** null: the backend picks one (and reports it). */
  seed: number | null;
}

export interface SampleResult {
  /** The whole text, prime included. */
  text: string;
  seed: number;
  stoppedBy: string;
}

export interface FillCandidate {
  text: string;
  logprobLog10: number;
}

export interface PlaygroundBackend {
  models(): Promise<ModelInfo[]>;
  score(model: string, text: string, top: number, signal?: AbortSignal): Promise<SentenceScore>;
  /** Calls onText with each piece of text as it comes (the prime first). */
  sample(model: string, settings: SampleSettings, onText: (text: string) => void, signal?: AbortSignal): Promise<SampleResult>;
  fill(model: string, text: string, top: number, signal?: AbortSignal): Promise<FillCandidate[]>;
}

/** A failure to show in the page: one line. */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}
