// Lists the golden commands whose outputs differ from the recorded ones (names only), for
// working on a refactoring; test/golden/golden.test.ts is the check.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { GOLDEN_FILE, runGolden, type GoldenOutput } from '../test/golden/golden-run.js';

const expected = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as GoldenOutput[];
const actual = await runGolden();
let differ = 0;
for (let i = 0; i < expected.length; i++) {
  if (isDeepStrictEqual(actual[i], expected[i])) continue;
  differ++;
  const fields = (Object.keys(expected[i]) as (keyof GoldenOutput)[]).filter((k) => !isDeepStrictEqual(actual[i][k], expected[i][k]));
  console.log(`${expected[i].name}: ${fields.join(', ')}`);
}
console.log(`${differ} of ${expected.length} differ`);
