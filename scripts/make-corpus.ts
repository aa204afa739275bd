/**
 * Writes charnn's default training corpus to stdout:
 *
 *     npx tsx scripts/make-corpus.ts > corpora/default.txt
 *
 * The text comes from the seeded generator in corpus-generator.ts (the project's own word
 * list and sentence templates), so this command reproduces the committed file byte for byte.
 * Optional arguments: [seed] [targetBytes].
 */
import { DEFAULT_SEED, DEFAULT_TARGET_BYTES, generateCorpus } from './corpus-generator.js';

const seed = process.argv[2] !== undefined ? Number(process.argv[2]) : DEFAULT_SEED;
const bytes = process.argv[3] !== undefined ? Number(process.argv[3]) : DEFAULT_TARGET_BYTES;
if (!Number.isInteger(seed) || !Number.isInteger(bytes) || bytes < 1) {
  process.stderr.write('usage: tsx scripts/make-corpus.ts [seed] [targetBytes]\n');
  process.exit(2);
}
process.stdout.write(generateCorpus(seed, bytes));
