// charnn plot: --log files in, one SVG out (written whole, or to stdout with -o -); a bad log
// is exit 1 with one line naming the file and line, a bad flag exit 2; nothing is written then.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliIn } from '../helpers/cli.js';
import { allElements, parseXml } from '../helpers/xml.js';

const entry = (step: number, loss: number, val?: number) =>
  JSON.stringify({
    step,
    epoch: step / 50,
    loss_nats: loss,
    ...(val !== undefined ? { val_nats: val } : {}),
    chars_per_s: 900,
    elapsed_s: step / 5,
    lr: 0.002,
  });
const log = (scale: number) =>
  [10, 20, 30, 40, 50].map((s) => entry(s, scale * (1 + 3 / s), s % 20 === 0 ? scale * (1.1 + 3 / s) : undefined)).join('\n') + '\n';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'charnn-plot-'));
  writeFileSync(join(dir, 'lstm.jsonl'), log(1));
  writeFileSync(join(dir, 'gru.jsonl'), log(1.2));
  return dir;
}

const legend = (svg: string) =>
  allElements(parseXml(svg))
    .filter((e) => e.attrs.class === 'legend-label')
    .map((e) => e.text);

describe('charnn plot', () => {
  it('writes one SVG for several logs, labelled by file name; nothing on stdout', async () => {
    const dir = workspace();
    const r = await cliIn(dir, ['plot', 'lstm.jsonl', 'gru.jsonl', '-o', 'loss.svg']);
    expect(r).toEqual({ code: 0, out: '', err: '' });
    const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
    expect(legend(svg)).toEqual(['lstm', 'gru']);
    const root = parseXml(svg);
    expect(allElements(root).filter((e) => e.name === 'polyline' && e.attrs.class === 'train')).toHaveLength(4); // 2 runs x 2 panels
    expect(allElements(root).filter((e) => e.name === 'circle' && e.attrs.class === 'val-point')).toHaveLength(8); // evaluations at steps 20 and 40
    expect(readdirSync(dir).sort()).toEqual(['gru.jsonl', 'loss.svg', 'lstm.jsonl']); // no temp file left
  });

  it('--label, --x steps, --title, and -o - for stdout', async () => {
    const dir = workspace();
    const r = await cliIn(dir, [
      'plot',
      'lstm.jsonl',
      'gru.jsonl',
      '--label',
      'LSTM 2x64',
      '--label',
      'GRU <2x64>',
      '--x',
      'steps',
      '--title',
      'cells',
      '-o',
      '-',
    ]);
    expect(r.code).toBe(0);
    expect(legend(r.out)).toEqual(['LSTM 2x64', 'GRU <2x64>']);
    expect(
      allElements(parseXml(r.out))
        .filter((e) => e.attrs.class === 'panel')
        .map((e) => e.attrs['data-x']),
    ).toEqual(['steps']);
  });

  it('replaces an existing file whole', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'loss.svg'), 'old');
    expect((await cliIn(dir, ['plot', 'lstm.jsonl', '-o', 'loss.svg'])).code).toBe(0);
    expect(readFileSync(join(dir, 'loss.svg'), 'utf8')).toMatch(/^<\?xml/);
  });

  it.each([
    ['missing', null, /^charnn: no such file: nope\.jsonl$/m],
    ['empty', '\n', /^charnn: bad\.jsonl: empty log/m],
    ['malformed', `${entry(10, 3)}\n{"step": 20, "loss_nats": 2.5\n`, /^charnn: bad\.jsonl:2: not JSON/m],
    ['no loss', `${entry(10, 3)}\n${entry(20, 2)}\n{"step": 30, "elapsed_s": 6}\n`, /^charnn: bad\.jsonl:3: "loss_nats" is missing$/m],
  ])('a %s log: exit 1, one line naming the file (and line), no SVG written', async (_what, content, message) => {
    const dir = workspace();
    const file = content === null ? 'nope.jsonl' : 'bad.jsonl';
    if (content !== null) writeFileSync(join(dir, file), content);
    const r = await cliIn(dir, ['plot', 'lstm.jsonl', file, '-o', 'loss.svg']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(r.err.split('\n').filter((l) => l.startsWith('charnn:'))).toHaveLength(1);
    expect(r.out).toBe('');
    expect(existsSync(join(dir, 'loss.svg'))).toBe(false);
  });

  it('an unwritable output: exit 1 naming it', async () => {
    const r = await cliIn(workspace(), ['plot', 'lstm.jsonl', '-o', 'no/such/dir/loss.svg']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot write .*loss\.svg: ENOENT/);
  });

  it('a log whose steps go back: a note on stderr, the chart still made', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'twice.jsonl'), log(1) + log(0.9));
    const r = await cliIn(dir, ['plot', 'twice.jsonl', '-o', 'loss.svg']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^note: twice\.jsonl:6: the steps go back to 10/);
  });

  it.each([
    [['plot', 'lstm.jsonl'], /-o, --out/],
    [['plot', '-o', 'x.svg'], /missing required argument/],
    [['plot', 'lstm.jsonl', '-o', 'x.svg', '--x', 'epochs'], /--x/],
    [['plot', 'lstm.jsonl', 'gru.jsonl', '-o', 'x.svg', '--label', 'one'], /--label was given 1 time\(s\) for 2 log file/],
    [['plot', 'lstm.jsonl', '-o', 'x.svg', '--width', '10'], /--width/],
  ])('usage error %j -> exit 2', async (args, message) => {
    const dir = workspace();
    const r = await cliIn(dir, args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(existsSync(join(dir, 'x.svg'))).toBe(false);
  });
});
