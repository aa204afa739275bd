/**
 * Builds the WebAssembly SIMD kernels from asm/kernels.ts, twice (git-ignored, rebuilt by
 * `npm run build`, which `prepare` and `pretest` run):
 *   dist/wasm/kernels.wasm      plain wasm SIMD
 *   dist/wasm/kernels-fma.wasm  with relaxed SIMD, whose fused multiply-add the matrix
 *                               products use (see madd in asm/matmul.ts)
 *
 *     node scripts/build-wasm.mjs          (npm run build:wasm)
 *
 * Then checks the binary against what src/engine/wasm/arena.ts assumes: it imports only
 * env.memory (shared, at most MAX_PAGES) and has no data segments, because active segments would
 * be copied into the shared memory at every instantiation (one per worker thread), over arena data.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'wasm');
/** Must match MAX_PAGES in src/engine/wasm/arena.ts (4 GiB, all of wasm32). */
const MAX_PAGES = 65536;

const variants = [
  { out: join(outDir, 'kernels.wasm'), features: [] },
  { out: join(outDir, 'kernels-fma.wasm'), features: ['--enable', 'relaxed-simd'] },
];

const common = [
  join(root, 'asm', 'kernels.ts'),
  // Release build: optimise for speed, drop assertions (there are none to keep).
  '-O3',
  '--noAssert',
  // No allocation in the kernels, so the smallest runtime; nothing else is linked.
  '--runtime',
  'stub',
  // The arena's shared memory is passed in; the module neither creates nor exports one.
  '--importMemory',
  '--sharedMemory',
  '--maximumMemory',
  String(MAX_PAGES),
  '--noExportMemory',
  '--enable',
  'simd',
  '--enable',
  'threads',
];

// Compiling the relaxed-SIMD module for the checks needs the flag the loader also turns on.
setFlagsFromString('--experimental-wasm-relaxed-simd');
mkdirSync(outDir, { recursive: true });
for (const { out, features } of variants) {
  const { error, stderr } = await asc.main([...common, '--outFile', out, ...features], { stdout: process.stdout, stderr: process.stderr });
  if (error) {
    console.error(`build-wasm: asc failed: ${error.message}`);
    if (stderr) console.error(stderr.toString());
    process.exit(1);
  }
  check(out);
}

/** Rejects (and deletes) a module the arena's assumptions do not hold for. */
function check(out) {
  const bytes = readFileSync(out);
  const problems = [];
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
  for (const i of imports) {
    if (!(i.module === 'env' && (i.name === 'memory' || i.name === 'abort'))) problems.push(`unexpected import ${i.module}.${i.name}`);
  }
  if (!imports.some((i) => i.module === 'env' && i.name === 'memory' && i.kind === 'memory')) problems.push('memory is not imported');
  if (sectionIds(bytes).includes(11)) problems.push('the module has data segments');
  if (problems.length > 0) {
    console.error(`build-wasm: ${out}: ${problems.join('; ')}`);
    rmSync(out); // never leave a module the loader would accept
    process.exit(1);
  }
  console.error(`build-wasm: wrote ${out} (${bytes.length} bytes)`);
}

/** Ids of the top-level sections of a wasm binary (each: id byte, LEB128 size, payload). */
function sectionIds(b) {
  const ids = [];
  let p = 8; // magic + version
  while (p < b.length) {
    const id = b[p++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = b[p++];
      size += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
    }
    ids.push(id);
    p += size;
  }
  return ids;
}
