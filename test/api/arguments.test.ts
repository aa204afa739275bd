// The library's arguments (issue 15, items 6 and 7): every exported function checks what it is
// given and throws a UsageError naming the function and the argument, never a TypeError from
// inside the library; options are checked by name (a misspelt one names the closest known one);
// messages speak the library's names; score() takes one sentence or several; a string is
// always text, a file is a fileSource(path).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as charnn from '../../src/node.js';
import { tinyLM } from '../helpers/tiny-lm.js';

const { UsageError } = charnn;
let m: charnn.LoadedModel;
beforeAll(async () => {
  m = await tinyLM('lstm', 30);
});

/** A call that must fail with a UsageError whose message matches: thrown at once, or a rejected promise. */
async function refused(call: () => unknown, message: RegExp): Promise<void> {
  let error: unknown = null;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(error, String(call)).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(message);
}

// One bad call (at least) for every function the package exports; a new export must be added here.
const BAD_CALLS: Record<string, (() => unknown)[]> = {
  train: [
    () => charnn.train(undefined as never, 'x', {}),
    () => charnn.train('abc\n', 3 as never, {}),
    () => charnn.train('abc\n', 'x', 'fast' as never),
    () => charnn.train('abc\n', 'x', {}, { onStep: 3 } as never),
    () => charnn.train('abc\n', 'x', {}, {}, {} as never),
  ],
  bestPathOf: [() => charnn.bestPathOf(undefined as never)],
  loadModel: [() => charnn.loadModel(undefined as never), () => charnn.loadModel('')],
  saveModel: [() => charnn.saveModel('x.safetensors', {} as never), () => charnn.saveModel(5 as never, m)],
  decodeModel: [() => charnn.decodeModel('bytes' as never), () => charnn.decodeModel(new Uint8Array(8), 3 as never)],
  encodeModel: [() => charnn.encodeModel(undefined as never)],
  useWebGpu: [], // no arguments
  sample: [() => charnn.sample(undefined as never), () => charnn.sample(m, 7 as never)],
  beam: [() => charnn.beam(null as never), () => charnn.beam(m, { beam: 'wide' } as never)],
  fill: [() => charnn.fill(m, 5 as never), () => charnn.fill({} as never, 'a_')],
  score: [() => charnn.score(m, 5 as never), () => charnn.score(m, [1, 2] as never), () => charnn.score(undefined as never, 'x')],
  evaluate: [() => charnn.evaluate(m, 42 as never), () => charnn.evaluate(m, 'x\n', 'line' as never)],
  alternatives: [() => charnn.alternatives(m, ['x'] as never), () => charnn.alternatives(m, 'x', 0)],
  importTorchModel: [() => charnn.importTorchModel(undefined as never, [], 'lstm'), () => charnn.importTorchModel('w', [], 'tcn' as never)],
  bytesSource: [() => charnn.bytesSource('text' as never, 'x'), () => charnn.bytesSource(new Uint8Array(2), undefined as never)],
  fileSource: [() => charnn.fileSource(undefined as never)],
  saveCheckpoint: [() => charnn.saveCheckpoint('x.safetensors', {} as never, {} as never)],
  loadCheckpoint: [() => charnn.loadCheckpoint(7 as never)],
  decodeCheckpoint: [() => charnn.decodeCheckpoint('bytes' as never, 'x')],
  parseRunLog: [() => charnn.parseRunLog(undefined as never, 'x')],
  lossSvg: [() => charnn.lossSvg('runs' as never, { x: 'both' }), () => charnn.lossSvg([], { x: 'epochs' } as never)],
  setEngine: [() => charnn.setEngine('gpu' as never)],
  getEngine: [], // no arguments
  CharLM: [() => new charnn.CharLM({ cell: 'lstm' } as never, {} as never)],
  Vocab: [() => charnn.Vocab.fromSymbols('abc' as never), () => charnn.Vocab.build([] as never, 1)],
  checkCopies: [
    () => charnn.checkCopies(5 as never, 'corpus'),
    () => charnn.checkCopies('x', 5 as never),
    () => charnn.checkCopies('x', 'y', { span: 3 } as never),
  ],
  createServer: [() => charnn.createServer(undefined as never), () => charnn.createServer({ models: 'm.safetensors' } as never)],
  CharnnError: [], // any message
  UsageError: [],
};

describe('every exported function checks its arguments', () => {
  it('the table covers every function the package exports', () => {
    const exported = Object.entries(charnn)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(exported).toEqual(Object.keys(BAD_CALLS).sort());
  });

  it.each(Object.entries(BAD_CALLS).filter(([, calls]) => calls.length > 0))(
    '%s: a UsageError naming it, never a TypeError',
    async (name, calls) => {
      for (const call of calls) await refused(call, new RegExp(`^${name === 'Vocab' ? 'Vocab\\.\\w+' : name}: |^${name} (has no|option)`));
    },
  );

  it('the messages name the argument and what it is', async () => {
    await refused(() => charnn.loadModel(undefined as never), /^loadModel: path must be a path \(a non-empty string\), got undefined$/);
    await refused(() => charnn.score(m, 5 as never), /^score: sentences must be a string or an array of strings, got a number \(5\)$/);
    await refused(
      () => charnn.evaluate(m, 42 as never),
      /^evaluate: text must be a string \(the text itself\) or a source such as fileSource\(path\), got a number/,
    );
    await refused(() => charnn.sample(undefined as never), /^sample: model must be a loaded model/);
  });
});

describe('options are checked by name and named as the library names them (item 7)', () => {
  it.each([
    [() => charnn.train('a\n', 'x', { hiden: 64 } as never), /^train has no option "hiden": did you mean hidden\?$/],
    [() => charnn.train('a\n', 'x', { time: 5000 } as never), /^train has no option "time": did you mean timeMs\?$/],
    [() => charnn.sample(m, { temp: 0.1 } as never), /^sample has no option "temp": did you mean temperature\?$/],
    [() => charnn.sample(m, { topk: 3 } as never), /^sample has no option "topk": did you mean topK\?$/],
    [() => charnn.sample(m, { num: 3 } as never), /^sample has no option num: --num is the command line's alone$/],
    [() => charnn.beam(m, { widht: 3 } as never), /^beam has no option "widht"; its options are temperature, /],
    [() => charnn.evaluate(m, 'a\n', { rest: 'none' } as never), /^evaluate has no option "rest": did you mean reset\?$/],
    [() => charnn.train('a\n', 'x', {}, { onstep: () => 0 } as never), /^train has no callback "onstep": did you mean onStep\?$/],
    [() => charnn.lossSvg([], { x: 'both', widht: 3 } as never), /^lossSvg has no option "widht": did you mean width\?$/],
  ])('%#: %s', async (call, message) => refused(call, message));

  it('a wrong value is reported under the library name, the value shown as given', async () => {
    await refused(
      () => charnn.sample(m, { temperature: '0.8' as never }),
      /^sample option temperature is "0\.8": expected a number from 0 up$/,
    );
    await refused(() => charnn.train('a\n', 'x', { hidden: 0 }), /^train option hidden is 0: expected an integer from 1 up$/);
  });
});

describe('score() takes one sentence or several (item 6)', () => {
  it('a string gives one result; an array, an array of results; both the same numbers', async () => {
    const one = await charnn.score(m, 'the cat sat.');
    const many = await charnn.score(m, ['the cat sat.', 'a dog.']);
    expect(Array.isArray(one)).toBe(false);
    expect(one.text).toBe('the cat sat.');
    expect(many).toHaveLength(2);
    expect(many[0]).toEqual(one);
    expect(await charnn.score(m, [])).toEqual([]);
  });
});

describe('text and files cannot be confused (item 7)', () => {
  it('a string is always the text itself; a file is read through fileSource(path)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charnn-args-'));
    const path = join(dir, 'held-out.txt');
    writeFileSync(path, 'the cat sat on the mat.\na dog ate my hat.\n');
    const asText = await charnn.evaluate(m, path);
    expect(asText.chars).toBe([...path].length); // the path's own characters: a string is text
    expect(asText.lines).toBe(1);
    const fromFile = await charnn.evaluate(m, charnn.fileSource(path));
    expect(fromFile.lines).toBe(2);
    expect(fromFile.chars).toBe('the cat sat on the mat.a dog ate my hat.'.length);
  });
});
