/**
 * The playground's page and style beside its compiled scripts (tsc -p src/web/tsconfig.json
 * writes dist/web/playground/*.js): dist/web/playground/ is then the whole page, which
 * charnn serve serves (npm run build:web, part of npm run build).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'web', 'playground');
const to = join(root, 'dist', 'web', 'playground');
mkdirSync(to, { recursive: true });
for (const name of ['index.html', 'playground.css']) copyFileSync(join(from, name), join(to, name));
