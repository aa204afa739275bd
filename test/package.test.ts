// charnn as a user's project sees it: `import ... from 'charnn'` resolved through node_modules
// (a link to this package, as `npm install` would make), in JavaScript run by node and in
// TypeScript checked by tsc against the published types (dist/*.d.ts, built by `npm test`'s
// pretest; the entry is dist/node.js). Training with callbacks and an AbortSignal, loading,
// async sampling, scoring and evaluation (both return promises).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'charnn-user-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'charnn'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', type: 'module', private: true }));
});

const USER_CODE = `
import { train, loadModel, sample, score, evaluate, CharnnError } from 'charnn';

const text = 'the cat sat on the mat\\na dog ran in the fog\\n'.repeat(40);
const steps = [];
const stop = new AbortController();
const result = await train(text, 'pets', { hidden: 16, layers: 1, batch: 4, seq: 16, steps: 1000, threads: 1, out: 'pets.safetensors' }, {
  onStep: (r) => { steps.push(r.lossNats); if (r.step === 12) stop.abort(); },
}, stop.signal);
const model = loadModel('pets.safetensors');
let generated = '';
for await (const ch of sample(model, { seed: 3, length: 40, temperature: 0.8 })) generated += ch;
let again = '';
for await (const ch of sample(model, { seed: 3, length: 40, temperature: 0.8 })) again += ch;
let usage = null;
try { sample(model, { temperature: -1 }); } catch (e) { usage = e instanceof CharnnError ? e.name : 'other'; }
console.log(JSON.stringify({
  stoppedBy: result.stoppedBy, steps: result.steps, losses: steps.length,
  chars: [...generated].length, same: generated === again,
  logprob: (await score(model, ['the cat sat on the mat']))[0].logprobLn,
  one: (await score(model, 'the cat sat on the mat')).logprobLn,
  evalTokens: (await evaluate(model, 'the cat sat on the mat\\n')).tokens,
  usage,
}));
`;

const TYPED_CODE = `
import { train, loadModel, sample, score, checkCopies, type TrainOptions, type SampleRequest, type LoadedModel, type SentenceScore, type CopyReport } from 'charnn';

const options: Partial<TrainOptions> = { cell: 'gru', hidden: 32, steps: 10 };
const request: SampleRequest = { temperature: 0.8, topK: 5, prime: 'The ', signal: new AbortController().signal };
export async function use(path: string): Promise<number> {
  await train('abc\\n', 'x', options, { onEval: (r) => r.valNats });
  const m: LoadedModel = loadModel(path);
  for await (const ch of sample(m, request)) if (ch === '.') break;
  const one: SentenceScore = await score(m, 'abc'); // the overloads: a string gives one result,
  const many: SentenceScore[] = await score(m, ['abc']); // an array an array
  const copied: CopyReport = checkCopies('abc', 'abcd');
  return one.logprobLn + many[0].logprobLn + copied.copiedShare;
}
`;

function tsc(file: string) {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      files: [file],
    }),
  );
  return spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
}

const SERVER_CODE = `
import http from 'node:http';
import { train, createServer } from 'charnn';

await train('the cat sat\\n'.repeat(30), 'pets', { hidden: 8, layers: 1, batch: 2, seq: 8, steps: 2, threads: 1, out: 'pets.safetensors' });
const server = await createServer({ models: ['pets.safetensors'], port: 0, threads: 1 });
const url = await server.listen();
const scored = await (await fetch(url + '/v1/score', { method: 'POST', body: JSON.stringify({ text: 'the cat' }) })).json();
// Mounted in the program's own server.
await server.ready();
const own = http.createServer((req, res) => server.handle(req, res));
await new Promise((r) => own.listen(0, '127.0.0.1', r));
const health = await (await fetch('http://127.0.0.1:' + own.address().port + '/health')).json();
own.close();
await server.close();
console.log(JSON.stringify({ chars: scored.chars, status: health.status, models: health.models }));
`;

describe("import { ... } from 'charnn'", () => {
  it('createServer: a Node program starts the server, or mounts it in its own', () => {
    writeFileSync(join(dir, 'server.mjs'), SERVER_CODE);
    const r = spawnSync(process.execPath, ['server.mjs'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ chars: 7, status: 'ok', models: ['pets'] });
  }, 30_000);

  it('works from a JavaScript project: train (callbacks, AbortSignal), load, async sample, score, evaluate', () => {
    writeFileSync(join(dir, 'user.mjs'), USER_CODE);
    const r = spawnSync(process.execPath, ['user.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ stoppedBy: 'abort', steps: 12, losses: 12, chars: 40, same: true, evalTokens: 23, usage: 'UsageError' });
    expect(out.logprob).toBeLessThan(0);
    expect(out.one).toBe(out.logprob); // score() of one string: one result
  }, 30_000);

  it('type-checks in a TypeScript project, and the types catch a mistake', () => {
    writeFileSync(join(dir, 'typed.ts'), TYPED_CODE);
    const good = tsc('typed.ts');
    expect(good.stdout + good.stderr).toBe('');
    expect(good.status).toBe(0);
    writeFileSync(join(dir, 'wrong.ts'), TYPED_CODE.replace('temperature: 0.8', "temperature: 'hot'"));
    const bad = tsc('wrong.ts');
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/wrong\.ts.*error TS2322: Type 'string' is not assignable to type 'number'/);
  }, 60_000);
});
