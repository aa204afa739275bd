/** Files that ship with the package, found relative to this module (src/cli or dist/cli). */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_CORPUS = join(PACKAGE_ROOT, 'corpora', 'default.txt');
