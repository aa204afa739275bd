/**
 * "Train on your own text": paste a text or drop a text file, choose a few options, watch the
 * loss fall and the one-line samples improve, stop when you like, then download the model (a
 * .safetensors file the CLI loads) or use it in the playground. Training runs in a Web Worker
 * (charnn's train() in a page), so this page stays responsive.
 */
import * as charnn from '../../browser.js';
import { LossChart } from './loss-chart.js';
import { clearMessage, guarded, showError, showMessage } from './page-errors.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export interface TrainPanelHooks {
  /** A trained model, to use in the playground. */
  onTrained(model: charnn.LoadedModel, name: string): void;
}

export function mountTrainPanel(hooks: TrainPanelHooks): void {
  const text = $<HTMLTextAreaElement>('train-text');
  const count = $('train-count');
  const fileInput = $<HTMLInputElement>('train-file');
  const start = $<HTMLButtonElement>('train-start');
  const stop = $<HTMLButtonElement>('train-stop');
  const download = $<HTMLButtonElement>('train-download');
  const use = $<HTMLButtonElement>('train-use');
  const status = $('train-status');
  const samples = $('train-samples');
  let file: File | null = null;
  let running: AbortController | null = null;
  let trained: { model: charnn.LoadedModel; name: string } | null = null;

  const showCount = () => {
    if (file) count.textContent = `${file.name}: ${file.size.toLocaleString()} bytes`;
    else {
      const value = text.value;
      const lines = value === '' ? 0 : value.split(/\r\n|\r|\n/).filter((l, i, all) => i < all.length - 1 || l !== '').length;
      count.textContent = `${[...value].length.toLocaleString()} characters, ${lines.toLocaleString()} lines`;
    }
  };
  text.addEventListener('input', () => {
    file = null;
    fileInput.value = '';
    showCount();
  });
  fileInput.addEventListener('change', () => {
    file = fileInput.files?.[0] ?? null;
    showCount();
  });
  text.addEventListener('dragover', (e) => e.preventDefault());
  text.addEventListener('drop', (e) => {
    const dropped = e.dataTransfer?.files[0];
    if (!dropped) return;
    e.preventDefault();
    file = dropped;
    showCount();
  });
  showCount();

  start.addEventListener(
    'click',
    guarded(async () => {
      clearMessage();
      const steps = numberOf('train-steps');
      const options: charnn.PageTrainOptions = {
        cell: ($<HTMLSelectElement>('train-cell').value as charnn.CellType) || 'lstm',
        hidden: numberOf('train-hidden'),
        layers: numberOf('train-layers'),
        steps,
        seed: numberOf('train-seed'),
        batch: 16,
        seq: 64,
        evalEvery: Math.max(1, Math.round(steps / 10)),
      };
      const corpus: charnn.PageCorpus = file ?? text.value;
      const name = file ? file.name.replace(/\.[^.]*$/, '') || 'text' : 'text';
      const chart = new LossChart($<SVGSVGElement & HTMLElement>('train-chart'), steps);
      samples.textContent = '';
      running = new AbortController();
      start.disabled = true;
      stop.disabled = false;
      status.textContent = 'starting…';
      try {
        const result = await charnn.train(
          corpus,
          name,
          options,
          {
            onStart: (info) => {
              status.textContent = `${info.options.cell} ${info.options.layers} x ${info.options.hidden}, ${info.parameters.toLocaleString()} parameters, ${info.trainTokens.toLocaleString()} training characters, ${info.threads} thread(s)`;
            },
            onNotice: (message) => showMessage(message, 'info'),
            onStep: (r) => {
              chart.addStep(r.step, r.lossNats);
              status.textContent = `step ${r.step} / ${steps}: loss ${r.lossNats.toFixed(3)} nats, ${Math.round(r.charsPerSec).toLocaleString()} chars/s`;
            },
            onEval: (r) => {
              chart.addEval(r.step, r.valNats);
              if (r.sample !== null) {
                const li = document.createElement('li');
                li.textContent = `step ${r.step}: ${r.sample}`;
                samples.append(li);
              }
            },
          },
          running.signal,
        );
        trained = { model: result, name };
        status.textContent = `trained ${result.steps} steps (${result.stoppedBy}): loss ${result.lossNats.toFixed(3)} nats${result.valNats !== null ? `, validation ${result.valNats.toFixed(3)} nats` : ''}`;
        download.disabled = false;
        use.disabled = false;
      } catch (e) {
        status.textContent = 'not trained';
        showError(e);
      } finally {
        running = null;
        start.disabled = false;
        stop.disabled = true;
      }
    }),
  );
  stop.addEventListener('click', () => running?.abort());
  download.addEventListener(
    'click',
    guarded(async () => {
      if (!trained) return;
      const bytes = await charnn.saveModel(trained.model);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      link.download = `${trained.name}.safetensors`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    }),
  );
  use.addEventListener('click', () => {
    if (trained) hooks.onTrained(trained.model, `${trained.name} (trained in this page)`);
  });
}

function numberOf(id: string): number {
  const input = $<HTMLInputElement>(id);
  const value = Number(input.value);
  if (input.value.trim() === '' || !Number.isFinite(value)) throw new Error(`${input.name || id}: not a number`);
  return value;
}
