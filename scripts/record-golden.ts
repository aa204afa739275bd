/**
 * Records the outputs of the golden commands (test/golden/golden-commands.ts) with the current
 * build into test/fixtures/golden/outputs.json, which test/golden/golden.test.ts compares every
 * later build against byte for byte. Run it only on a build whose outputs are the reference:
 *
 *   npm run build && npx tsx scripts/record-golden.ts
 */
import { writeFileSync } from 'node:fs';
import { GOLDEN_FILE, runGolden } from '../test/golden/golden-run.js';

const outputs = await runGolden();
writeFileSync(GOLDEN_FILE, JSON.stringify(outputs, null, 1) + '\n');
const failed = outputs.filter((o) => o.code !== 0).map((o) => `${o.name} (exit ${o.code}): ${o.err.trim()}`);
console.log(`recorded ${outputs.length} commands in ${GOLDEN_FILE}`);
if (failed.length > 0) console.log(`failed:\n${failed.join('\n')}`);
