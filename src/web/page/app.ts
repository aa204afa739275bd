/**
 * The page `charnn export web` writes: loads the exported model (model.safetensors beside it),
 * runs it in the page through the library in the playground (the one charnn serve sends, over an
 * in-page backend), and offers training on your own text. It exposes
 * window.charnn (the library) and window.charnnModel (the model in use), so a page author, or a
 * test, can call the API directly.
 */
import * as charnn from '../../browser.js';
import { mountPlaygroundMarkup } from '../playground/playground-markup.js';
import { startPlayground } from '../playground/start-playground.js';
import { InPageBackend } from './in-page-backend.js';
import { catchEverything, clearMessage, guarded, showError } from './page-errors.js';
import { mountTrainPanel } from './train-panel.js';

declare global {
  interface Window {
    charnn: typeof charnn;
    charnnModel: charnn.LoadedModel | null;
    /** The playground's backend over the page's models (in-page-backend.ts). */
    charnnBackend: InPageBackend;
    /** Resolves once the page has loaded its model (or shown why it could not). */
    charnnReady: Promise<void>;
  }
}

const $ = (id: string) => document.getElementById(id)!;

catchEverything();
window.charnn = charnn;
window.charnnModel = null;
window.charnnBackend = new InPageBackend();
// The playground charnn serve sends, here over the models in the page (in-page-backend.ts).
mountPlaygroundMarkup($('playground'));
const playground = startPlayground(window.charnnBackend);

function useModel(model: charnn.LoadedModel, name: string): void {
  window.charnnModel = model;
  window.charnnBackend.add(name, model);
  void playground.refreshModels(name);
  const { cell, layers, hidden } = model.meta.model;
  const params = model.model.parameterCount().toLocaleString();
  $('model-name').textContent = `${name}: ${cell} ${layers} x ${hidden}, ${params} parameters, ${model.vocab.size} symbols`;
}

function showEnvironment(): void {
  const env = charnn.environment();
  $('environment').textContent =
    `engine ${env.engine}${env.kernels ? ` (${env.kernels})` : ''}, ` +
    (env.crossOriginIsolated ? `${env.threads} threads (cross-origin isolated)` : 'one thread (the page is not cross-origin isolated)');
}

async function loadExported(): Promise<void> {
  try {
    useModel(await charnn.loadModel('model.safetensors'), 'model.safetensors');
  } catch (e) {
    $('model-name').textContent = 'no model loaded';
    showError(e);
  }
}

function mountModelPicker(): void {
  const input = $('model-file') as HTMLInputElement;
  input.addEventListener(
    'change',
    guarded(async () => {
      const file = input.files?.[0];
      if (!file) return;
      clearMessage();
      useModel(await charnn.loadModel(file), file.name);
    }),
  );
}

showEnvironment();
mountModelPicker();
mountTrainPanel({ onTrained: useModel });
window.charnnReady = loadExported();
