/**
 * scripts/check-structure.ts on tiny trees: each kind of problem is found and said in one line
 * naming the file, and a clean tree (with every kind of import it must follow) has none.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkStructure, MAX_LINES } from '../../scripts/check-structure.js';

const roots: string[] = [];

/** A project root whose files (paths relative to it) have the given contents. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'charnn-structure-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const lines = (n: number) => 'export const x = 1;\n'.repeat(n);

describe('checkStructure', () => {
  it('passes a clean tree that uses every kind of import', () => {
    const root = tree({
      'src/index.ts': "export * from './model/index.js';\nexport { run } from './run.js';\n",
      'src/model/index.ts': "import type { Options } from '../options.js';\nexport const model = (o: Options) => o;\n",
      'src/options.ts': 'export interface Options { n: number }\n',
      'src/run.ts': "export async function run() { return (await import('./model/index.js')).model; }\n",
      'src/data.ts': "import corpus from '../corpora/words.json' with { type: 'json' };\nexport const words = corpus;\n",
      'corpora/words.json': '[]\n',
      // Node is allowed outside the core, and a package is not a Node builtin.
      'src/cli/main.ts':
        "import { readFileSync } from 'node:fs';\nimport { Command } from 'commander';\nexport { readFileSync, Command };\n",
      'src/platform/node/files.ts': "import * as fs from 'fs';\nexport { fs };\n",
      'src/server/http.ts': "import type { Server } from 'node:http';\nexport type { Server };\n",
      'src/long-enough.ts': lines(MAX_LINES),
      // Outside src/: not checked.
      'test/a.test.ts': "import { readFileSync } from 'node:fs';\nimport './b.test.js';\n",
      'test/b.test.ts': "import './a.test.js';\n",
    });
    expect(checkStructure(root)).toEqual([]);
  });

  it('reports an import cycle with its path, whichever way the imports are written', () => {
    const root = tree({
      'src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/b.ts': "export { c as b } from './dir/index.js';\n",
      'src/dir/index.ts': "export async function c() { return import('../a.js'); }\n",
      'src/self.ts': "import * as me from './self.js';\nexport const x = me;\n",
    });
    const problems = checkStructure(root);
    expect(problems.map((p) => p.kind)).toEqual(['cycle', 'cycle']);
    expect(problems[0].message).toBe('src/a.ts: import cycle: src/a.ts -> src/b.ts -> src/dir/index.ts -(import())-> src/a.ts');
    expect(problems[1].message).toBe('src/self.ts: import cycle: src/self.ts -> src/self.ts');
  });

  it('reports a cycle closed only by type-only imports apart, as none at runtime', () => {
    const root = tree({
      'src/a.ts': "import { B } from './b.js';\nexport class A { b = new B(); }\n",
      'src/b.ts': "import type { A } from './a.js';\nexport class B { a?: A; }\n",
      'src/c.ts': "export type { D } from './d.js';\nexport interface C { n: number }\n",
      'src/d.ts': "export type D = import('./c.js').C;\n",
    });
    expect(checkStructure(root).map((p) => p.message)).toEqual([
      'src/a.ts: import cycle through a type-only import (none at runtime): src/a.ts -> src/b.ts -(type)-> src/a.ts',
      'src/c.ts: import cycle through a type-only import (none at runtime): src/c.ts -(type)-> src/d.ts -(type)-> src/c.ts',
    ]);
  });

  it('counts `import { type X }` as a runtime import (verbatimModuleSyntax keeps it)', () => {
    const root = tree({
      'src/a.ts': "import { type B } from './b.js';\nexport type A = B;\n",
      'src/b.ts': "import { type A } from './a.js';\nexport type B = A | 1;\n",
    });
    expect(checkStructure(root).map((p) => p.kind)).toEqual(['cycle']);
  });

  it('reports one line per tangle, with its size', () => {
    const root = tree({
      'src/a.ts': "import './b.js';\nimport './c.js';\n",
      'src/b.ts': "import './a.js';\n",
      'src/c.ts': "import './a.js';\n",
    });
    expect(checkStructure(root).map((p) => p.message)).toEqual([
      'src/a.ts: import cycle: src/a.ts -> src/b.ts -> src/a.ts (3 files in this tangle)',
    ]);
  });

  it('reports Node imports in the core, `node:` or bare, type-only ones too', () => {
    const root = tree({
      'src/io/file.ts': "import { readFileSync } from 'node:fs';\nimport { join } from 'path';\nexport { readFileSync, join };\n",
      'src/model/threads.ts':
        "export type { Worker } from 'node:worker_threads';\nexport async function load() { return import('fs/promises'); }\n",
      'src/clip/x.ts': "import 'node:os';\n", // not src/cli/
    });
    expect(checkStructure(root).map((p) => p.message)).toEqual([
      "src/clip/x.ts: imports 'node:os' in the core (Node belongs in src/platform/node, src/cli or src/server)",
      "src/io/file.ts: imports 'node:fs' in the core (Node belongs in src/platform/node, src/cli or src/server)",
      "src/io/file.ts: imports 'path' in the core (Node belongs in src/platform/node, src/cli or src/server)",
      "src/model/threads.ts: a type-only import of 'node:worker_threads' in the core (Node belongs in src/platform/node, src/cli or src/server)",
      "src/model/threads.ts: imports 'fs/promises' in the core (Node belongs in src/platform/node, src/cli or src/server)",
    ]);
  });

  it('reports a core file importing a front end or the Node platform (Node through the back door)', () => {
    const root = tree({
      'src/io/read.ts': "import { readText } from '../platform/node/files.js';\nexport const read = readText;\n",
      'src/model/log.ts': "import type { Io } from '../cli/io.js';\nexport type Log = Io;\n",
      'src/platform/node/files.ts': 'export const readText = (p: string) => p;\n',
      'src/cli/io.ts': "import { read } from '../io/read.js';\nexport interface Io { read: typeof read }\n",
    });
    expect(checkStructure(root).map((p) => p.message)).toEqual([
      'src/io/read.ts: imports src/platform/node/files.ts from the core (the core does not depend on src/cli, src/platform/node, src/server)',
      'src/model/log.ts: a type-only import of src/cli/io.ts from the core (the core does not depend on src/cli, src/platform/node, src/server)',
    ]);
  });

  it(`reports a file over ${MAX_LINES} lines, counted as wc -l does`, () => {
    const root = tree({
      'src/ok.ts': lines(MAX_LINES),
      'src/ok-no-final-newline.ts': lines(MAX_LINES).slice(0, -1),
      'src/long.ts': lines(MAX_LINES + 1),
      'src/deep/long-crlf.ts': lines(MAX_LINES + 2).replaceAll('\n', '\r\n'),
    });
    expect(checkStructure(root).map((p) => p.message)).toEqual([
      `src/deep/long-crlf.ts: ${MAX_LINES + 2} lines, over the limit of ${MAX_LINES}`,
      `src/long.ts: ${MAX_LINES + 1} lines, over the limit of ${MAX_LINES}`,
    ]);
  });

  it('reports a relative import that resolves to no file (it would hide a cycle)', () => {
    const root = tree({ 'src/a.ts': "import { b } from './b.js';\nexport const a = b;\n" });
    expect(checkStructure(root)).toEqual([
      { kind: 'unresolved', file: 'src/a.ts', message: "src/a.ts: import './b.js' does not resolve to a file" },
    ]);
  });

  it('refuses a root without src/ rather than passing it', () => {
    expect(() => checkStructure(tree({ 'lib/a.ts': '' }))).toThrow(/src: no such folder/);
  });
});
