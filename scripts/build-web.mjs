/**
 * Builds the page of `charnn export web` into dist/web/ (git-ignored; run by `npm run build`):
 *
 *   index.html, style.css   the page (src/web/page/); playground.css the playground's, which it holds
 *   app.js                  the page's code; charnn.js the library (src/browser.ts, for a page of
 *                           one's own that loads it as a module); worker.js the script of every
 *                           worker (training, threads); chunk-*.js the code they share
 *   kernels-fma.wasm, kernels.wasm   the WebAssembly kernels (only one is fetched)
 *
 * And the playground that `charnn serve` serves at / (src/web/playground/) into dist/playground/:
 * index.html, playground.css and main.js (its TypeScript bundled), apart from the exported page.
 *
 * One flat folder, so it works from any static host. Bundled by esbuild (ES modules, code split
 * between the page and its workers, minified). Then prints what a page loads, gzipped, and fails
 * past the budget (issue 13): 150 KB gzipped of JS and wasm, the model excluded.
 *
 *     node scripts/build-web.mjs          (npm run build:web)
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
const BUDGET = 150 * 1024;

/** src/platform/browser/asset-urls.ts finds the kernels in ../../wasm/ (the package's dist/
 *  layout); in this flat folder they sit beside the code. */
const flatAssets = {
  name: 'flat-assets',
  setup(b) {
    b.onLoad({ filter: /asset-urls\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes("'../../wasm/")) throw new Error(`${args.path}: no '../../wasm/' URL to rewrite`);
      return { contents: source.replaceAll("'../../wasm/", "'./"), loader: 'ts' };
    });
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    app: 'src/web/page/app.ts',
    charnn: 'src/browser.ts',
    worker: 'src/platform/browser/worker.ts',
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  metafile: true,
  legalComments: 'none',
  plugins: [flatAssets],
  logLevel: 'warning',
});
for (const file of ['index.html', 'style.css']) copyFileSync(join(root, 'src', 'web', 'page', file), join(out, file));
copyFileSync(join(root, 'src', 'web', 'playground', 'playground.css'), join(out, 'playground.css')); // the page holds the playground
for (const file of ['kernels-fma.wasm', 'kernels.wasm']) copyFileSync(join(root, 'dist', 'wasm', file), join(out, file));

// What the exported page loads: its JS (app.js and the chunks it imports; worker.js when it
// trains), one build of the kernels, the HTML and CSS. charnn.js is for pages of one's own.
const sizes = Object.fromEntries(readdirSync(out).map((f) => [f, gzipSync(readFileSync(join(out, f)), { level: 9 }).length]));
const outputs = result.metafile.outputs;
const js = Object.keys(outputs)
  .map((p) => p.split('/').pop())
  .filter((f) => f.endsWith('.js') && f !== 'charnn.js');
const loaded = [...js, 'kernels-fma.wasm', 'index.html', 'style.css', 'playground.css'];
const total = loaded.reduce((sum, f) => sum + sizes[f], 0);
writeFileSync(
  join(out, 'sizes.json'),
  JSON.stringify({ gzipBytes: sizes, pageLoad: loaded, pageLoadGzipBytes: total, budget: BUDGET }, null, 1) + '\n',
);
console.error(
  `build-web: wrote ${out}: the page loads ${(total / 1024).toFixed(1)} KB gzipped (${loaded.length} files, the model excluded)`,
);
if (total > BUDGET) {
  console.error(`build-web: over the budget of ${BUDGET / 1024} KB gzipped`);
  process.exit(1);
}

// The playground of `charnn serve` (src/server/routes/playground-routes.ts reads this folder).
const playground = join(root, 'dist', 'playground');
rmSync(playground, { recursive: true, force: true });
mkdirSync(playground, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/web/playground/main.ts' },
  outdir: playground,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['index.html', 'playground.css']) copyFileSync(join(root, 'src', 'web', 'playground', file), join(playground, file));
console.error(`build-web: wrote ${playground}: the playground of charnn serve`);
