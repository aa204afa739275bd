/**
 * The copy check (`charnn sample --corpus`, issue 15 item 4) on a 100 MB corpus: wall time of
 * `charnn sample` with and without it, measured alternately in the same run, with the time of
 * one plain read of the corpus (UTF-8 decoding only, through the same file source) as the floor
 * the check cannot beat. Peak memory of the check from /usr/bin/time -v when it is there.
 *
 *   npx tsx bench/copy-check.mts                       # 100 MB of corpora/default.txt repeated, 3 rounds
 *   npx tsx bench/copy-check.mts --corpus FILE --mb 100 --rounds 3
 *
 * Needs the build (npm run build). Prints a Markdown table for BENCHMARKS.md.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixed, median } from './lib/format.mjs';
import { expectOk, run } from './lib/proc.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'charnn.js');
const MODEL = join(ROOT, 'test', 'fixtures', 'golden', 'old-lstm.safetensors');

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: join(ROOT, 'corpora', 'default.txt') },
    mb: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
  },
});
const rounds = Number(values.rounds);
const tmp = mkdtempSync(join(tmpdir(), 'charnn-copy-bench-'));
const big = join(tmp, 'big.txt');

try {
  const unit = readFileSync(values.corpus);
  const fd = openSync(big, 'w');
  for (let written = 0; written < Number(values.mb) * 2 ** 20; written += unit.length) writeSync(fd, unit);
  closeSync(fd);
  const sizeMB = statSync(big).size / 2 ** 20;
  console.error(`corpus: ${values.corpus} repeated to ${sizeMB.toFixed(1)} MB; model ${MODEL}; ${rounds} rounds`);

  const sample = ['sample', '-m', MODEL, '--seed', '1', '--length', '500', '--temp', '0.8'];
  const rows: { name: string; args: string[] }[] = [
    { name: 'sample, 500 characters (no check)', args: [BIN, ...sample] },
    { name: 'sample, 500 characters, --corpus (100 MB)', args: [BIN, ...sample, '--corpus', big] },
    { name: 'sample --num 10, 500 characters each, --corpus (100 MB)', args: [BIN, ...sample, '--num', '10', '--corpus', big] },
    {
      name: 'reading the corpus alone (UTF-8 decoding through the file source)',
      args: ['--input-type=module', '-e', readOnly(big)],
    },
  ];
  const times = rows.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    // Each round in another order, so a slow moment of the machine does not fall on one row.
    const order = rows.map((_, i) => (i + r) % rows.length);
    for (const i of order) {
      const res = expectOk(await run(process.execPath, rows[i].args, { cwd: tmp, timeoutS: 600 }), process.execPath, rows[i].args);
      times[i].push(res.wallS);
      console.error(`round ${r + 1}: ${rows[i].name}: ${res.wallS.toFixed(2)} s`);
    }
  }
  let peak = 'n/a';
  if (existsSync('/usr/bin/time')) {
    const res = await run('/usr/bin/time', ['-v', process.execPath, ...rows[1].args], { cwd: tmp, timeoutS: 600 });
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr);
    if (m) peak = `${Math.round(Number(m[1]) / 1024)} MB`;
  }
  console.log(
    `Machine: ${cpus().length} cores, ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}, ${rounds} rounds\n`,
  );
  console.log('| work | median wall time | per round |');
  console.log('|---|---|---|');
  rows.forEach((row, i) => console.log(`| ${row.name} | ${fixed(median(times[i]))} s | ${times[i].map((t) => fixed(t)).join(' ')} |`));
  console.log(`\nPeak RSS of \`sample --corpus\` on the ${sizeMB.toFixed(0)} MB corpus: ${peak}.`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/** A script that reads the file once through charnn's file source (decoding, counting nothing but the chunks). */
function readOnly(path: string): string {
  const dist = (p: string) => JSON.stringify(new URL(`../dist/${p}`, import.meta.url).href);
  return [
    `import ${dist('node.js')};`,
    `import { fileSource } from ${dist('platform/node/file-source.js')};`,
    `let n = 0; fileSource(${JSON.stringify(path)}).forEachChunk((cps, k) => { n += k; });`,
    'console.log(n);',
  ].join('\n');
}
