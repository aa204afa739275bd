/**
 * `npm run check:structure`: the shape of src/ that tsc and ESLint do not check (docs/ARCHITECTURE.md, "Rules").
 *
 *   1. No import cycles. Imports flow one way (front ends -> ... -> engine); a cycle means two
 *      modules are one idea split in two, or a layer reaches up. Every relative import counts:
 *      static, `export ... from`, dynamic `import()`, and type-only ones. A cycle that needs a
 *      type-only import to close is none at runtime, so it is reported apart; but it is still
 *      reported: it ties the modules' designs together all the same.
 *   2. The core does not import Node (`node:fs`, or a bare builtin such as 'fs'), type-only
 *      imports included: its types must not need @types/node either. The core is src/ minus the
 *      front ends (src/cli, src/server), the Node platform (src/platform/node), where
 *      everything that needs Node lives, and the package's entry for Node (src/node.ts). Nor does the core import those folders' files, which
 *      would bring Node (or a terminal library) in through the back door: a front end hands the
 *      core its platform.
 *   3. No source file over 400 lines: small files with one idea each.
 *
 * One line per problem, then exit 1; exit 0 when there is none. The checks are a function of a
 * directory (checkStructure) so that test/scripts/check-structure.test.ts runs them on small trees.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export const MAX_LINES = 400;

/** Folders of src/ (and their subfolders) outside the core: they may import Node. */
export const NON_CORE = ['cli', 'platform/node', 'server'];
/** Entry points in src/ outside those folders: each installs its platform (src/node.ts: Node's). */
export const ENTRY_POINTS = ['node.ts'];

export interface Problem {
  kind: 'cycle' | 'type-cycle' | 'node-import' | 'core-imports-outside' | 'too-long' | 'unresolved';
  /** The file the problem is reported on, relative to the root, with '/'. */
  file: string;
  /** One line, starting with the file. */
  message: string;
}

/**
 * How a file imports another: `static` (import/export ... from), `dynamic` (`import()`, loaded
 * when called), `type` (erased from the JavaScript: `import type`, `export type ... from`,
 * `import('x').T`). Listed from the strongest: two imports of one file count as the stronger.
 */
type Kind = 'static' | 'dynamic' | 'type';
const STRENGTH: Record<Kind, number> = { static: 2, dynamic: 1, type: 0 };
/** How each step of a printed cycle is drawn. */
const ARROW: Record<Kind, string> = { static: ' -> ', dynamic: ' -(import())-> ', type: ' -(type)-> ' };

interface Import {
  specifier: string;
  kind: Kind;
}

/** file -> the files it imports under src/, each with the strongest kind of import. */
type Graph = Map<string, Map<string, Kind>>;

const SOURCE = /\.[cm]?tsx?$/;
const NODE_BUILTINS = new Set(builtinModules);

/** The problems of the .ts files under `root`/src, in a stable order. */
export function checkStructure(root: string): Problem[] {
  const src = join(root, 'src');
  if (!existsSync(src)) throw new Error(`${src}: no such folder`); // not a pass: nothing was checked
  const files = sourceFiles(src);
  const known = new Set(files);
  const name = (file: string) => relative(root, file).split(sep).join('/');
  const problems: Problem[] = [];
  const graph: Graph = new Map();

  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const lines = countLines(text);
    if (lines > MAX_LINES) {
      problems.push({ kind: 'too-long', file: name(file), message: `${name(file)}: ${lines} lines, over the limit of ${MAX_LINES}` });
    }
    const core = isCore(relative(src, file));
    const targets = new Map<string, Kind>();
    graph.set(file, targets);
    for (const { specifier, kind } of importsOf(file, text)) {
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (target === null) {
          problems.push({
            kind: 'unresolved',
            file: name(file),
            message: `${name(file)}: import '${specifier}' does not resolve to a file`,
          });
        } else if (known.has(target)) {
          const had = targets.get(target);
          if (had === undefined || STRENGTH[kind] > STRENGTH[had]) targets.set(target, kind);
          if (core && !isCore(relative(src, target))) {
            problems.push({
              kind: 'core-imports-outside',
              file: name(file),
              message: `${name(file)}: ${imports(kind)} ${name(target)} from the core (the core does not depend on ${NON_CORE.map((d) => `src/${d}`).join(', ')})`,
            });
          }
        }
      } else if (core && isNodeBuiltin(specifier)) {
        problems.push({
          kind: 'node-import',
          file: name(file),
          message: `${name(file)}: ${imports(kind)} '${specifier}' in the core (Node belongs in src/platform/node, src/cli or src/server)`,
        });
      }
    }
  }

  // Cycles are strongly connected groups of files. One line per group, with its shortest cycle
  // through the group's first file as an example: breaking that one may leave another in the same
  // group, reported on the next run. Cycles at runtime (static and dynamic imports) first; then
  // the groups that only type-only imports close, which are not cycles at runtime.
  const report = (group: string[], within: Graph, kind: 'cycle' | 'type-cycle', what: string): void => {
    const cycle = cycleThrough(group, within);
    let path = name(cycle[0]);
    for (let i = 1; i < cycle.length; i++) path += ARROW[graph.get(cycle[i - 1])!.get(cycle[i])!] + name(cycle[i]);
    const tangle = group.length > cycle.length - 1 ? ` (${group.length} files in this tangle)` : '';
    problems.push({ kind, file: name(cycle[0]), message: `${name(cycle[0])}: ${what}: ${path}${tangle}` });
  };
  const runtime = subgraph(graph, (kind) => kind !== 'type');
  const runtimeGroups = stronglyConnected(runtime);
  for (const group of runtimeGroups) report(group, runtime, 'cycle', 'import cycle');
  const inRuntimeCycle = new Set(runtimeGroups.flat());
  for (const group of stronglyConnected(graph)) {
    if (group.some((file) => inRuntimeCycle.has(file))) continue; // fix the runtime cycle first
    report(group, graph, 'type-cycle', 'import cycle through a type-only import (none at runtime)');
  }
  return problems;
}

function subgraph(graph: Graph, keep: (kind: Kind) => boolean): Graph {
  const out: Graph = new Map();
  for (const [file, targets] of graph) out.set(file, new Map([...targets].filter(([, kind]) => keep(kind))));
  return out;
}

/** Every TypeScript file under dir, sorted, declaration files excluded. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** Lines as `wc -l` counts them, plus a last line without its newline. */
function countLines(text: string): number {
  if (text === '') return 0;
  const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return /[\r\n]$/.test(text) ? breaks : breaks + 1;
}

function isCore(pathInSrc: string): boolean {
  const p = pathInSrc.split(sep).join('/');
  return !ENTRY_POINTS.includes(p) && !NON_CORE.some((dir) => p.startsWith(`${dir}/`));
}

function imports(kind: Kind): string {
  return kind === 'type' ? 'a type-only import of' : 'imports';
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier);
}

/**
 * The module specifiers a file imports, read from its syntax tree (no type checking). With
 * `verbatimModuleSyntax` (tsconfig.json) only `import type` / `export type` are erased:
 * `import { type A } from './a.js'` stays in the JavaScript as `import {} from './a.js'` and
 * loads the module, so it is a runtime import.
 */
function importsOf(file: string, text: string): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const out: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ specifier: node.moduleSpecifier.text, kind: node.importClause?.isTypeOnly ? 'type' : 'static' });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ specifier: node.moduleSpecifier.text, kind: node.isTypeOnly ? 'type' : 'static' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) out.push({ specifier: arg.text, kind: 'dynamic' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ specifier: node.argument.literal.text, kind: 'type' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/**
 * The file a relative specifier names, as NodeNext resolution finds the source of the compiled
 * file: './x.js' -> './x.ts', './x.mjs' -> './x.mts', './dir/index.js' as it is; also './x' and
 * './dir' (-> './dir/index.ts'), which bundlers accept. Other files (JSON, wasm) resolve to
 * themselves. null when nothing exists.
 */
function resolveRelative(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    base.replace(/\.cjs$/, '.cts'),
    base.replace(/\.jsx$/, '.tsx'),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** Tarjan's algorithm: the groups of more than one file, or of one file importing itself. */
function stronglyConnected(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || graph.get(v)?.has(v)) groups.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return groups.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** A shortest cycle from the group's first file back to itself (breadth first), start repeated at the end. */
function cycleThrough(group: string[], graph: Graph): string[] {
  const members = new Set(group);
  const start = group[0];
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = previous.get(u)!) path.unshift(u);
        return [start, ...path];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start]; // unreachable for a strongly connected group
}

function main(): void {
  const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
  const started = performance.now();
  let problems: Problem[];
  try {
    problems = checkStructure(root);
  } catch (e) {
    process.stderr.write(`check:structure: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  for (const p of problems) process.stderr.write(`${p.message}\n`);
  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (problems.length > 0) {
    process.stderr.write(`check:structure: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${took})\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`check:structure: no import cycles, no Node imports in the core, no file over ${MAX_LINES} lines (${took})\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
