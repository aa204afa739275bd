/**
 * The playground (score sentences as they are typed: a surprisal heatmap and each character's
 * alternatives; sample with sliders, streamed; fill gaps) over a backend (backend.ts): the HTTP
 * API of charnn serve (main.ts) or the models in the page itself (src/web/page/). Every failure
 * is shown in the page.
 */
import { showAlternatives } from './alternatives-view.js';
import { BackendError, type PlaygroundBackend } from './backend.js';
import { byId, el, showError } from './dom.js';
import { HeatmapView } from './heatmap-view.js';

/** Alternatives fetched per position. */
const TOP = 5;
/** Typing pauses this long before the text is scored. */
const DEBOUNCE_MS = 150;

function message(e: unknown): string {
  return e instanceof BackendError ? e.message : `unexpected error: ${(e as Error).message}`;
}

const isAbort = (e: unknown) => (e as Error).name === 'AbortError';

/** What a page holding the playground can ask of it after it starts. */
export interface Playground {
  /** Lists the backend's models again (one was added), selecting `select` when given. */
  refreshModels(select?: string): Promise<void>;
}

/**
 * Wires the playground's markup (playground-markup.ts, already in the document) to a backend,
 * and lists its models.
 */
export function startPlayground(backend: PlaygroundBackend): Playground {
  const modelSelect = byId<HTMLSelectElement>('model');
  const modelError = byId('model-error');
  const model = () => modelSelect.value;

  // ---- models
  const loadModels = (select?: string) =>
    backend.models().then(
      (models) => {
        showError(modelError, null);
        modelSelect.replaceChildren(
          ...models.map((m) => el('option', { value: m.id }, `${m.id} (${m.cell} ${m.layers} x ${m.hidden}, ${m.vocabSize} symbols)`)),
        );
        if (select !== undefined) modelSelect.value = select;
        scoreNow();
      },
      (e: unknown) => showError(modelError, message(e)),
    );
  modelSelect.addEventListener('change', () => scoreNow());

  // ---- score
  const scoreText = byId<HTMLTextAreaElement>('score-text');
  const scoreError = byId('score-error');
  const scoreStatus = byId('score-status');
  const alternatives = byId('alternatives');
  const heatmap = new HeatmapView(byId('heatmap'), (score, position) => showAlternatives(alternatives, score, position));
  let scoring: AbortController | null = null;
  let timer: number | undefined;
  function scoreNow(): void {
    scoring?.abort();
    const controller = (scoring = new AbortController());
    const lines = scoreText.value.split(/\r\n|\r|\n/).filter((line) => line.length > 0);
    if (!model()) return;
    scoreStatus.textContent = 'scoring…';
    Promise.all(lines.map((line) => backend.score(model(), line, TOP, controller.signal))).then(
      (scores) => {
        if (controller.signal.aborted) return;
        showError(scoreError, null);
        heatmap.show(scores);
        if (scores.length === 0) alternatives.replaceChildren();
        scoreStatus.textContent = `${scores.length} ${scores.length === 1 ? 'sentence' : 'sentences'} scored`;
      },
      (e: unknown) => {
        if (isAbort(e) || controller.signal.aborted) return;
        scoreStatus.textContent = '';
        showError(scoreError, message(e));
      },
    );
  }
  scoreText.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(scoreNow, DEBOUNCE_MS);
  });

  // ---- sample
  const sampleForm = byId<HTMLFormElement>('sample-form');
  const sampleOut = byId('sample-output');
  const sampleError = byId('sample-error');
  const sampleStatus = byId('sample-status');
  const stopButton = byId<HTMLButtonElement>('sample-stop');
  for (const id of ['temperature', 'top-p', 'length']) {
    const input = byId<HTMLInputElement>(id);
    const output = byId(`${id}-value`);
    const update = () => (output.textContent = input.value);
    input.addEventListener('input', update);
    update();
  }
  let sampling: AbortController | null = null;
  sampleForm.addEventListener('submit', (e) => {
    e.preventDefault();
    sampling?.abort();
    const controller = (sampling = new AbortController());
    const seedText = byId<HTMLInputElement>('seed').value.trim();
    const settings = {
      prime: byId<HTMLInputElement>('prime').value,
      temperature: Number(byId<HTMLInputElement>('temperature').value),
      topP: Number(byId<HTMLInputElement>('top-p').value),
      length: Number(byId<HTMLInputElement>('length').value),
      seed: seedText === '' ? null : Number(seedText),
    };
    sampleOut.textContent = '';
    showError(sampleError, null);
    sampleStatus.textContent = 'sampling…';
    stopButton.disabled = false;
    backend
      .sample(model(), settings, (text) => sampleOut.append(text), controller.signal)
      .then(
        (r) => {
          sampleOut.textContent = r.text;
          sampleStatus.textContent = `done: seed ${r.seed}, stopped by ${r.stoppedBy}`;
        },
        (e: unknown) => {
          sampleStatus.textContent = isAbort(e) ? 'stopped' : '';
          if (!isAbort(e)) showError(sampleError, message(e));
        },
      )
      .finally(() => {
        if (sampling === controller) stopButton.disabled = true;
      });
  });
  stopButton.addEventListener('click', () => sampling?.abort());

  // ---- fill
  const fillForm = byId<HTMLFormElement>('fill-form');
  const fillOut = byId('fill-output');
  const fillError = byId('fill-error');
  fillForm.addEventListener('submit', (e) => {
    e.preventDefault();
    showError(fillError, null);
    fillOut.replaceChildren();
    backend.fill(model(), byId<HTMLInputElement>('fill-text').value, 5).then(
      (candidates) => fillOut.replaceChildren(...candidates.map((c) => el('li', {}, `${c.text}  (log10 P ${c.logprobLog10.toFixed(2)})`))),
      (e: unknown) => showError(fillError, message(e)),
    );
  });

  void loadModels();
  return { refreshModels: loadModels };
}
