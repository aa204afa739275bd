/**
 * `charnn export web -m MODEL -o DIR`: a static folder that runs the model in a web page, from
 * any static host (or `npx serve DIR`), offline: the page built into dist/web/ by `npm run
 * build` (scripts/build-web.mjs: the page, the library, its worker, the wasm kernels) and the
 * model as DIR/model.safetensors, the model alone (the training state a run's latest checkpoint
 * carries is left out: the page has no use for it, and it is twice the model's size with Adam).
 * Headers files for hosts that read them ask for cross-origin isolation, under which the page
 * uses threads.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { CharnnError } from '../../errors.js';
import { encodeCheckpoint } from '../../io/checkpoint.js';
import { writeFileAtomic } from '../../platform/node/atomic-file.js';
import type { CliIO } from '../io.js';
import { formatCount } from '../format.js';
import { loadModelFile, modelFlag } from '../model-path.js';
import { PACKAGE_ROOT } from '../paths.js';

const PAGE_DIR = join(PACKAGE_ROOT, 'dist', 'web');
/** Written in every exported folder: it says the folder is ours to overwrite. */
const MARKER = 'charnn-web.json';
const MODEL_FILE = 'model.safetensors';

/** COOP + COEP: the page is then cross-origin isolated and trains and evaluates on several threads. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
/** `npx serve DIR` reads serve.json; Netlify and Cloudflare Pages read _headers. */
const SERVE_JSON = JSON.stringify(
  { headers: [{ source: '**/*', headers: Object.entries(ISOLATION).map(([key, value]) => ({ key, value })) }] },
  null,
  2,
);
const HEADERS_FILE = `/*\n${Object.entries(ISOLATION)
  .map(([k, v]) => `  ${k}: ${v}`)
  .join('\n')}\n`;

export function registerExportWeb(parent: Command, io: CliIO): void {
  parent
    .command('web')
    .description('a static web page that runs the model (playground, training on your own text)')
    .addOption(modelFlag())
    .requiredOption('-o, --out <dir>', 'folder to write (created; an earlier export there is replaced)')
    .action((flags: { model?: string; out: string }) => {
      const { path, checkpoint } = loadModelFile(flags.model, io.cwd);
      const dir = resolve(io.cwd, flags.out);
      const page = pageFiles();
      checkTarget(dir, flags.out);
      const model = encodeCheckpoint(checkpoint.params, checkpoint.meta, undefined, path);
      for (const name of page) writeFileAtomic(join(dir, name), readFileSync(join(PAGE_DIR, name)), { makeDirs: true });
      writeFileAtomic(join(dir, MODEL_FILE), model);
      writeFileAtomic(join(dir, 'serve.json'), SERVE_JSON + '\n');
      writeFileAtomic(join(dir, '_headers'), HEADERS_FILE);
      writeFileAtomic(
        join(dir, MARKER),
        JSON.stringify({ model: path, files: [...page, MODEL_FILE, 'serve.json', '_headers'] }, null, 2) + '\n',
      );
      const { pageLoadGzipBytes } = JSON.parse(readFileSync(join(PAGE_DIR, 'sizes.json'), 'utf8')) as { pageLoadGzipBytes: number };
      const m = checkpoint.meta.model;
      io.stderr.write(
        `Exported ${path} (${m.cell} ${m.layers} x ${m.hidden}, ${formatCount(checkpoint.params.data.length)} parameters) to ${flags.out}/\n` +
          `The page loads ${(pageLoadGzipBytes / 1024).toFixed(0)} KB gzipped of code and kernels, and the model: ` +
          `${(model.length / 1024).toFixed(0)} KB (${(gzipSync(model).length / 1024).toFixed(0)} KB gzipped).\n` +
          `Open it from any static web server, e.g. npx serve ${flags.out}\n`,
      );
    });
}

/** The built page's files; an error when it was not built. */
function pageFiles(): string[] {
  if (!existsSync(join(PAGE_DIR, 'index.html'))) {
    throw new CharnnError(`the web page is not built (no ${join(PAGE_DIR, 'index.html')})`, 'run `npm run build` in the charnn package');
  }
  return readdirSync(PAGE_DIR).filter((f) => f !== 'sizes.json');
}

/** A new or empty folder, or an earlier export (which is replaced); anything else is refused. */
function checkTarget(dir: string, shown: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new CharnnError(`${shown} exists and is not a folder`);
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new CharnnError(`${shown} is not empty and holds no earlier export`, 'choose a new or empty folder');
  }
}
