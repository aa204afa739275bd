// Several files and folders through the CLI and the library (issue 15, item 1): train takes
// files, folders and -, names what it skipped and says what it read; eval takes a folder as one
// text, score --file the lines of files and folders; a run of several files resumes from the
// paths it recorded.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { fileSource, train } from '../../src/node.js';
import { cliIn, expectCleanError } from '../helpers/cli.js';

const CORPUS = fileURLToPath(new URL('../../corpora/default.txt', import.meta.url));
const MODEL = fileURLToPath(new URL('../fixtures/golden/old-lstm.safetensors', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'charnn-corpus-files-'));
const at = (...p: string[]) => join(dir, ...p);
const lines = readFileSync(CORPUS, 'utf8').split('\n');
const SMALL = ['--hidden', '8', '--layers', '1', '--batch', '4', '--seq', '16', '--samples', '0', '--threads', '1', '--no-eval-samples'];

beforeAll(() => {
  mkdirSync(at('texts', 'more'), { recursive: true });
  writeFileSync(at('texts', 'one.txt'), lines.slice(0, 300).join('\n') + '\n');
  writeFileSync(at('texts', 'more', 'two.txt'), lines.slice(300, 400).join('\n')); // no final line end
  writeFileSync(at('texts', 'three.txt'), lines.slice(400, 600).join('\r\n') + '\r\n');
  writeFileSync(at('texts', 'cover.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00]));
  writeFileSync(at('texts', 'old.txt'), Buffer.from('na\xefve\n', 'latin1'));
});

/** The folder's text as one file would hold it: the files in walking order (more/, one.txt,
 *  three.txt: names sorted at each level), each ending a line. */
const folderText = () => [...lines.slice(300, 400), ...lines.slice(0, 300), ...lines.slice(400, 600)].join('\n') + '\n';

describe('train PATH...', () => {
  it('a folder: skipped files named, what was read said (files, lines, tokens, the validation text the end of each file)', async () => {
    const r = await cliIn(dir, ['train', at('texts'), ...SMALL, '--steps', '3', '-o', at('folder.safetensors')]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`note: skipped ${at('texts', 'cover.jpg')}: looks like a binary file (NUL byte at offset 3)\n`);
    expect(r.err).toContain(`note: skipped ${at('texts', 'old.txt')}: is not valid UTF-8 (invalid byte at offset 2)\n`);
    const summary =
      /^texts: 3 files, 600 lines: ([\d,]+) training and ([\d,]+) validation tokens \(the end of each file\), vocabulary \d+/m.exec(r.err);
    expect(summary, r.err).not.toBeNull();
    const tokens = [...folderText()].length + 1; // characters, an <EOS> per line, and the leading one
    const [trainTokens, valTokens] = [summary![1], summary![2]].map((n) => Number(n.replace(/,/g, '')));
    expect(trainTokens + valTokens - 1).toBe(tokens); // the training text's last <EOS> is the validation text's first input
    expect(valTokens / tokens).toBeGreaterThan(0.08);
    expect(valTokens / tokens).toBeLessThan(0.12);
    // The checkpoint is named after the folder and records where the corpus was read from.
    expect(loadCheckpoint(at('folder.safetensors')).meta.training.corpusPath).toBe(at('texts'));
  });

  it('files and a folder together, resumed from the paths recorded', async () => {
    const args = [at('texts', 'one.txt'), at('texts', 'more')];
    const first = await cliIn(dir, ['train', ...args, ...SMALL, '--steps', '3', '-o', at('two.safetensors')]);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/^one: 2 files, 400 lines: /m);
    expect(loadCheckpoint(at('two.safetensors')).meta.training.corpusPaths).toEqual(args);
    const resumed = await cliIn(dir, ['train', '--resume', at('two.safetensors'), '--steps', '5']);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toMatch(/resuming .*two\.safetensors at step 3/);
    expect(resumed.err).toMatch(/Trained 5 steps/);
  });

  it('- among files: stdin is one of them; twice is a usage error; a missing path an error before any work', async () => {
    const r = await cliIn(dir, ['train', at('texts', 'one.txt'), '-', ...SMALL, '--steps', '2', '-o', at('stdin.safetensors')], {
      stdinText: lines.slice(700, 800).join('\n') + '\n',
    });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^one: 2 files, 400 lines: /m);
    expectCleanError(await cliIn(dir, ['train', '-', '-', '--steps', '2'], { stdinText: 'a\n' }), 2, /'-' \(stdin\) can be given once/);
    expectCleanError(await cliIn(dir, ['train', at('texts'), at('nope.txt'), '--steps', '2']), 1, /no such file: .*nope\.txt/);
  });

  it('the library: train(fileSource(folder)) reads the same files', async () => {
    let info: { files: number; lines: number } | null = null;
    await train(
      fileSource(at('texts')),
      'texts',
      { hidden: 8, layers: 1, batch: 4, seq: 16, steps: 1, threads: 1, out: null },
      {
        onStart: (s) => (info = { files: s.files, lines: s.lines }),
      },
    );
    expect(info).toEqual({ files: 3, lines: 600 });
  });
});

describe('eval and score take files and folders', () => {
  it('eval FOLDER: one result, the figures of its text as one file', async () => {
    writeFileSync(at('joined.txt'), folderText());
    for (const reset of ['line', 'none']) {
      const folder = await cliIn(dir, ['eval', '-m', MODEL, '--json', '--reset', reset, at('texts')]);
      const file = await cliIn(dir, ['eval', '-m', MODEL, '--json', '--reset', reset, at('joined.txt')]);
      expect(folder.code).toBe(0);
      const { file: _a, files, ...a } = JSON.parse(folder.out);
      const { file: _b, ...b } = JSON.parse(file.out);
      expect(files).toBe(3);
      expect(a, reset).toEqual(b);
    }
  });

  it('score --file: the lines of files and folders, as score - of the same lines', async () => {
    const viaFiles = await cliIn(dir, ['score', '-m', MODEL, '--file', at('texts', 'more'), '--file', at('texts', 'one.txt')]);
    const viaStdin = await cliIn(dir, ['score', '-m', MODEL, '-'], {
      stdinText: [...lines.slice(300, 400), ...lines.slice(0, 300)].join('\n') + '\n',
    });
    expect(viaFiles.code).toBe(0);
    expect(viaFiles.out).toBe(viaStdin.out);
    expect(viaFiles.out.split('\n')).toHaveLength(401);
    expectCleanError(await cliIn(dir, ['score', '-m', MODEL, '--file', at('texts'), 'a sentence']), 2, /not both/);
  });
});
