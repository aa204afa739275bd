// Tests for corpus reading (the checks of the corpus sources, through the test helpers
// readCorpusFile / decodeCorpusBytes of test/helpers/corpus-text.ts), line splitting, character
// counting, encoding, and the deterministic default-corpus generator.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED, DEFAULT_TARGET_BYTES, generateCorpus } from '../../scripts/corpus-generator.js';
import { countChars, encodeCorpus, splitLines } from '../../src/data/corpus.js';
import { CharnnError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';
import { EOS_ID, UNK_ID, Vocab } from '../../src/tokenizer/vocab.js';
import { decodeCorpusBytes, readCorpusFile } from '../helpers/corpus-text.js';
import { runningAsRoot, unprivileged, whyPermissionsDoNotApply } from '../helpers/unprivileged.js';

/** The module under test (readCorpusFile), for a child process to load (through tsx) where it must run as nobody. */
const CORPUS_TEXT_TS = resolve(__dirname, '../helpers/corpus-text.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The encoding spelled out the slow, obvious way: [EOS] + each line's ids + EOS. */
function reference(text: string, vocab: Vocab): number[] {
  const out = [EOS_ID];
  for (const line of splitLines(text)) out.push(...vocab.encodeLine(line), EOS_ID);
  return out;
}

describe('splitLines', () => {
  it.each([
    ['', []],
    ['a', ['a']],
    ['a\n', ['a']],
    ['a\r\n', ['a']],
    ['a\r', ['a']],
    ['\n', ['']],
    ['\n\n', ['', '']],
    ['\r\n\r\n', ['', '']],
    ['a\r\nb\rc\nd', ['a', 'b', 'c', 'd']],
    ['a\n\nb\n', ['a', '', 'b']],
    ['a\r\rb', ['a', '', 'b']],
    ['a\n\r', ['a', '']], // LF then CR: two line ends, not one
  ])('%j -> %j', (text, lines) => {
    expect(splitLines(text)).toEqual(lines);
  });
});

describe('countChars', () => {
  it('counts code points and excludes line ends', () => {
    const c = countChars('aab\r\nb😀\r😀\n日');
    expect(Object.fromEntries(c)).toEqual({ a: 2, b: 2, '😀': 2, 日: 1 });
  });

  it('counts the parts of a ZWJ sequence separately', () => {
    const c = countChars('👩‍👧');
    expect(c.get('👩')).toBe(1);
    expect(c.get('\u200d')).toBe(1);
    expect(c.get('👧')).toBe(1);
  });

  it('is empty for empty text', () => {
    expect(countChars('').size).toBe(0);
  });
});

describe('encodeCorpus', () => {
  const vocab = Vocab.build(countChars('abcé日😀\u0301'), 1);
  const id = (ch: string) => vocab.idOf(ch);

  it('lays out [EOS, line, EOS, line, EOS] with line starts', () => {
    const c = encodeCorpus('ab\nc\n', vocab);
    expect(Array.from(c.ids)).toEqual([EOS_ID, id('a'), id('b'), EOS_ID, id('c'), EOS_ID]);
    expect(c.lines).toBe(2);
    expect(c.chars).toBe(3);
    expect(c.unk).toBe(0);
    expect(Array.from(c.lineStarts)).toEqual([1, 4, 6]);
  });

  it('closes an unterminated last line and treats CRLF / CR / LF alike', () => {
    const a = encodeCorpus('ab\r\nc\rd\ne', vocab);
    const b = encodeCorpus('ab\nc\nd\ne\n', vocab);
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
    expect(a.lines).toBe(4);
  });

  it('encodes an empty line as just <EOS>', () => {
    const c = encodeCorpus('a\n\nb\n', vocab);
    expect(Array.from(c.ids)).toEqual([EOS_ID, id('a'), EOS_ID, EOS_ID, id('b'), EOS_ID]);
    expect(Array.from(c.lineStarts)).toEqual([1, 3, 4, 6]);
    // Line 1 is empty: its "first character" position holds its EOS.
    expect(c.ids[c.lineStarts[1]]).toBe(EOS_ID);
  });

  it('handles empty text and text of only line ends', () => {
    const e = encodeCorpus('', vocab);
    expect(Array.from(e.ids)).toEqual([EOS_ID]);
    expect(e.lines).toBe(0);
    expect(Array.from(e.lineStarts)).toEqual([1]);
    const n = encodeCorpus('\r\n\n\r', vocab);
    expect(Array.from(n.ids)).toEqual([EOS_ID, EOS_ID, EOS_ID, EOS_ID]);
    expect(n.lines).toBe(3);
    expect(n.chars).toBe(0);
  });

  it('uses one id per code point and counts <UNK>', () => {
    const c = encodeCorpus('é😀x\n日🦊e\u0301\n', vocab);
    expect(c.chars).toBe(7);
    expect(c.unk).toBe(3); // x, 🦊, e (the combining accent alone is known)
    expect(Array.from(c.ids)).toEqual([EOS_ID, id('é'), id('😀'), UNK_ID, EOS_ID, id('日'), UNK_ID, UNK_ID, id('\u0301'), EOS_ID]);
    expect(vocab.decode(c.ids)).toBe('\né😀\uFFFD\n日\uFFFD\uFFFD\u0301\n');
  });

  it('matches the line-by-line reference on random texts', () => {
    const rng = new Rng(42);
    const alphabet = ['a', 'b', 'c', 'é', '日', '😀', '🦊', 'x', '\n', '\r', '\r\n', '\u0301', ' '];
    for (let trial = 0; trial < 200; trial++) {
      let text = '';
      const len = Math.floor(rng.next() * 30);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(rng.next() * alphabet.length)];
      const c = encodeCorpus(text, vocab);
      const lines = splitLines(text);
      expect(Array.from(c.ids)).toEqual(reference(text, vocab));
      expect(c.lines).toBe(lines.length);
      expect(c.chars).toBe(lines.reduce((s, l) => s + Array.from(l).length, 0));
      expect(c.ids.length).toBe(1 + c.chars + c.lines);
      expect(c.lineStarts.length).toBe(c.lines + 1);
      for (let i = 0; i < c.lines; i++) {
        const start = c.lineStarts[i];
        const end = c.lineStarts[i + 1] - 1; // this line's EOS
        expect(c.ids[start - 1]).toBe(EOS_ID);
        expect(c.ids[end]).toBe(EOS_ID);
        expect(Array.from(c.ids.subarray(start, end))).toEqual(Array.from(vocab.encodeLine(lines[i])));
      }
    }
  });
});

describe('readCorpusFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'charnn-corpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, bytes: string | Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CharnnError);
      const m = (e as Error).message;
      expect(m).not.toContain('\n');
      return m;
    }
    throw new Error('expected a CharnnError');
  };

  it('reads UTF-8 text', () => {
    expect(readCorpusFile(file('ok.txt', 'café 😀\r\nnaïve\n'))).toBe('café 😀\r\nnaïve\n');
  });

  it('strips a leading BOM (only a leading one)', () => {
    expect(readCorpusFile(file('bom.txt', '\uFEFFab\uFEFF\n'))).toBe('ab\uFEFF\n');
  });

  it('accepts empty files and files of only line ends', () => {
    expect(readCorpusFile(file('empty.txt', ''))).toBe('');
    expect(readCorpusFile(file('bom-only.txt', '\uFEFF'))).toBe('');
    expect(readCorpusFile(file('newlines.txt', '\n\r\n'))).toBe('\n\r\n');
  });

  it('reports a missing file', () => {
    expect(message(() => readCorpusFile(join(dir, 'nope.txt')))).toMatch(/no such file: .*nope\.txt/);
  });

  it('reports a directory', () => {
    expect(message(() => readCorpusFile(dir))).toMatch(/is a directory/);
  });

  it('reports a binary file', () => {
    const p = file('bin.dat', new Uint8Array([0x61, 0x62, 0x00, 0xff, 0x10]));
    expect(message(() => readCorpusFile(p))).toMatch(/looks like a binary file.*offset 2/);
  });

  it.each([
    ['a stray continuation byte', [0x61, 0x62, 0x80, 0x63], 2],
    ['Latin-1 é', [0x63, 0x61, 0x66, 0xe9, 0x0a], 3],
    ['a truncated sequence', [0x61, 0xe6, 0x97], 1],
    ['an overlong slash', [0x61, 0x61, 0x61, 0xc0, 0xaf], 3],
    ['an encoded surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
  ])('reports invalid UTF-8 (%s) with its byte offset', (_label, bytes, offset) => {
    const p = file('bad.txt', new Uint8Array(bytes));
    expect(message(() => readCorpusFile(p))).toMatch(new RegExp(`not valid UTF-8 .*offset ${offset}\\b`));
  });

  it('reports an unreadable file (as nobody, in a child process, when run as root)', (ctx) => {
    const locked = mkdtempSync(join(tmpdir(), 'charnn-locked-'));
    chmodSync(locked, 0o755);
    const why = whyPermissionsDoNotApply(locked);
    if (why) ctx.skip(why);
    writeFileSync(join(locked, 'open.txt'), 'abc');
    writeFileSync(join(locked, 'secret.txt'), 'abc');
    chmodSync(join(locked, 'secret.txt'), 0o000);
    type Outcome = { text: string } | { error: string; message: string };
    const outcome = (f: () => string): Outcome => {
      try {
        return { text: f() };
      } catch (e) {
        return { error: (e as Error).constructor.name, message: (e as Error).message };
      }
    };
    // Root reads any file: as root, the same call in a child that runs as nobody, on this
    // source (through tsx, its cache off: nobody cannot write the run's temporary directory).
    const inChild = (name: string): Outcome => {
      const code = `const { readCorpusFile } = await import(${JSON.stringify(pathToFileURL(CORPUS_TEXT_TS).href)});
        try { process.stdout.write(JSON.stringify({ text: readCorpusFile(${JSON.stringify(join(locked, name))}) })); }
        catch (e) { process.stdout.write(JSON.stringify({ error: e.constructor.name, message: e.message })); }`;
      const r = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', code], {
        encoding: 'utf8',
        env: { ...process.env, TSX_DISABLE_CACHE: '1' },
        ...unprivileged,
      });
      expect(String(r.stderr)).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(String(r.stdout));
    };
    const read = runningAsRoot ? inChild : (name: string) => outcome(() => readCorpusFile(join(locked, name)));
    expect(read('open.txt')).toEqual({ text: 'abc' }); // the directory is reachable: only the mode stops it
    expect(read('secret.txt')).toEqual({
      error: 'CharnnError',
      message: expect.stringMatching(/^cannot read .*secret\.txt: permission denied$/),
    });
  });

  it('decodeCorpusBytes applies the same checks to bytes from elsewhere (stdin)', () => {
    expect(decodeCorpusBytes(new TextEncoder().encode('\uFEFFhi\n'), '<stdin>')).toBe('hi\n');
    expect(message(() => decodeCorpusBytes(new Uint8Array([0]), '<stdin>'))).toMatch(/<stdin> looks like a binary file/);
  });
});

describe('default corpus generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateCorpus(7, 20_000);
    expect(generateCorpus(7, 20_000)).toBe(a);
    expect(generateCorpus(8, 20_000)).not.toBe(a);
  });

  it('writes at least the target size, one non-empty sentence per line', () => {
    const t = generateCorpus(3, 20_000);
    expect(Buffer.byteLength(t)).toBeGreaterThanOrEqual(20_000);
    expect(Buffer.byteLength(t)).toBeLessThan(21_000);
    expect(t.endsWith('\n')).toBe(true);
    for (const line of splitLines(t)) expect(line.trim().length).toBeGreaterThan(0);
  });

  it('keeps a moderate alphabet with a few accented letters', () => {
    const chars = countChars(generateCorpus(1, 100_000));
    expect(chars.size).toBeLessThan(100);
    expect(chars.has('é')).toBe(true);
    expect(chars.has('ï')).toBe(true);
    for (const ch of chars.keys()) expect(ch).toMatch(/^[A-Za-z0-9 .,!?:'\-\u00c0-\u00ff]$/);
  });

  it('reproduces the committed corpora/default.txt byte for byte', () => {
    const committed = readFileSync(new URL('../../corpora/default.txt', import.meta.url), 'utf8');
    expect(generateCorpus(DEFAULT_SEED, DEFAULT_TARGET_BYTES) === committed).toBe(true);
  });
});
