// Files and folders as a corpus (issue 15, item 1): a folder is walked in a stable order for its
// text files, hidden entries left out, binary and non-UTF-8 files inside skipped with the reason,
// a file reached twice read once; a bad file named directly is still an error, when read; and
// fileSource(path) is the library's way to all of it.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countSource } from '../../../src/data/corpus.js';
import { CharnnError } from '../../../src/errors.js';
import { fileSource, textFiles } from '../../../src/platform/node/corpus-files.js';
import { BIN, plainEnv } from '../../helpers/cli.js';
import { unprivileged, whyPermissionsDoNotApply } from '../../helpers/unprivileged.js';

const MODEL = fileURLToPath(new URL('../../fixtures/golden/old-lstm.safetensors', import.meta.url));

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'charnn-files-'));
  mkdirSync(join(dir, 'b-sub', 'deeper'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'a.txt'), 'first file\nsecond line\n');
  writeFileSync(join(dir, 'C.txt'), 'upper case sorts first'); // no line end
  writeFileSync(join(dir, 'b-sub', 'x.md'), 'in a folder\n');
  writeFileSync(join(dir, 'b-sub', 'deeper', 'y'), 'deeper\r\n');
  writeFileSync(join(dir, 'photo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
  writeFileSync(join(dir, 'latin1.txt'), Buffer.from('caf\xe9\n', 'latin1'));
  writeFileSync(join(dir, '.hidden'), 'not read\n');
  writeFileSync(join(dir, '.git', 'config'), '[core]\n');
  symlinkSync(join(dir, 'a.txt'), join(dir, 'z-link.txt')); // a.txt again
  return dir;
}

const text = (source: ReturnType<typeof fileSource>) => {
  let s = '';
  source.forEachChunk((cps, n) => {
    for (let i = 0; i < n; i++) s += String.fromCodePoint(cps[i]);
  });
  return s;
};

describe('walking a folder', () => {
  it('text files in a stable sorted order, recursively; hidden ones left out; the others skipped with why', () => {
    const dir = tree();
    const { files, skipped } = textFiles([dir]);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['C.txt', 'a.txt', 'b-sub/deeper/y', 'b-sub/x.md']);
    expect(skipped.map((s) => [s.path.slice(dir.length + 1), s.why])).toEqual([
      ['latin1.txt', 'is not valid UTF-8 (invalid byte at offset 3)'],
      ['photo.png', 'looks like a binary file (NUL byte at offset 4)'],
    ]);
  });

  it('fileSource(folder): one text, each file ending a line, as the files list says', () => {
    const dir = tree();
    const source = fileSource(dir);
    expect(source.files).toHaveLength(4);
    expect(source.skipped).toHaveLength(2);
    expect(text(source)).toBe('upper case sorts first\nfirst file\nsecond line\ndeeper\nin a folder\n');
    expect(countSource(source).partLines).toEqual([1, 2, 1, 1]);
    // A list of paths: the same, in the order given.
    const listed = fileSource([join(dir, 'b-sub'), join(dir, 'a.txt')]);
    expect(text(listed)).toBe('deeper\nin a folder\nfirst file\nsecond line\n');
  });

  it('one file is the plain file source; a bad file named directly is an error when read, a missing path at once', () => {
    const dir = tree();
    const one = fileSource(join(dir, 'C.txt'));
    expect(one.name).toBe(join(dir, 'C.txt'));
    expect(countSource(one).partLines).toBeNull();
    const bad = fileSource([join(dir, 'a.txt'), join(dir, 'photo.png')]);
    expect(() => countSource(bad)).toThrow(/photo\.png looks like a binary file \(NUL byte at offset 4\)/);
    expect(() => fileSource(join(dir, 'nope'))).toThrow(CharnnError);
    expect(() => fileSource([join(dir, 'a.txt'), join(dir, 'nope')])).toThrow(/no such file: .*nope/);
  });

  it('a folder without text files is an error naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'charnn-files-'));
    writeFileSync(join(dir, 'data.bin'), Buffer.from([0, 1, 2]));
    expect(() => fileSource(dir)).toThrow(/no text files to read \(skipped 1: .*data\.bin looks like a binary file/);
  });

  it('an unreadable file inside a folder is skipped and named (through the CLI, as a user file permissions apply to)', (ctx) => {
    const dir = tree();
    chmodSync(dir, 0o755);
    for (const sub of ['b-sub', 'b-sub/deeper']) chmodSync(join(dir, sub), 0o755);
    copyFileSync(MODEL, join(dir, 'model.safetensors'));
    chmodSync(join(dir, 'model.safetensors'), 0o644);
    const why = whyPermissionsDoNotApply(dir);
    if (why !== null) ctx.skip(why);
    chmodSync(join(dir, 'a.txt'), 0o000);
    const r = spawnSync(process.execPath, [BIN, 'score', '-m', 'model.safetensors', '--file', '.'], {
      cwd: dir,
      env: plainEnv(),
      encoding: 'utf8',
      ...unprivileged,
    });
    expect(String(r.stderr)).toContain('note: skipped a.txt: cannot be read: permission denied\n');
    expect(r.status).toBe(0);
    expect(
      String(r.stdout)
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[3]),
    ).toEqual(['upper case sorts first', 'deeper', 'in a folder']);
  });
});
