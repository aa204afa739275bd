// Colour (issue 15, item 5): one decision (src/cli/colour.ts) for every command: --color
// auto|always|never, FORCE_COLOR as chalk and Node read it (it wins over NO_COLOR), a NO_COLOR
// that is set and not empty turns colour off (an empty one does not, as no-color.org says).
// Through the CLI: the heatmap into a pipe, error messages, train's closing chart; and the real
// binary reading its real environment.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { colorChoiceOf, colourLevel, isFancyTerminal } from '../../src/cli/colour.js';
import { BIN, cliIn, plainEnv } from '../helpers/cli.js';

const MODEL = fileURLToPath(new URL('../fixtures/golden/old-lstm.safetensors', import.meta.url));
const ESC = /\u001b\[/;
const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('the decision', () => {
  it.each([
    // choice, env, stream, level
    ['auto', {}, tty, 1],
    ['auto', { TERM: 'xterm-256color' }, tty, 2],
    ['auto', { COLORTERM: 'truecolor' }, tty, 3],
    ['auto', {}, pipe, 0],
    ['auto', { TERM: 'dumb' }, tty, 0],
    ['auto', { NO_COLOR: '1' }, tty, 0],
    ['auto', { NO_COLOR: '' }, tty, 1], // empty: not set, as no-color.org says
    ['auto', { FORCE_COLOR: '1' }, pipe, 1],
    ['auto', { FORCE_COLOR: '' }, pipe, 1],
    ['auto', { FORCE_COLOR: 'true' }, pipe, 1],
    ['auto', { FORCE_COLOR: '2' }, pipe, 2],
    ['auto', { FORCE_COLOR: '3' }, pipe, 3],
    ['auto', { FORCE_COLOR: '0' }, tty, 0],
    ['auto', { FORCE_COLOR: 'false' }, tty, 0],
    ['auto', { FORCE_COLOR: '1', NO_COLOR: '1' }, pipe, 1], // Node: FORCE_COLOR takes precedence
    ['always', {}, pipe, 1],
    ['always', { NO_COLOR: '1' }, pipe, 1],
    ['always', { FORCE_COLOR: '0' }, pipe, 1],
    ['always', { TERM: 'xterm-256color' }, pipe, 2],
    ['never', { FORCE_COLOR: '3' }, tty, 0],
  ] as const)('--color %s with %o on %o: level %i', (choice, env, stream, level) => {
    expect(colourLevel(choice, env, stream)).toBe(level);
  });

  it('--color is read from the command line once, the last one given', () => {
    expect(colorChoiceOf(['score', 'x'])).toBe('auto');
    expect(colorChoiceOf(['score', '--color', 'never', 'x'])).toBe('never');
    expect(colorChoiceOf(['score', '--color=always', '--color', 'never'])).toBe('never');
    expect(colorChoiceOf(['score', '--color', 'sometimes'])).toBe('auto'); // commander refuses it
    expect(colorChoiceOf(['score', '--', '--color', 'never'])).toBe('auto');
  });

  it('progress is drawn on a coloured terminal with a width', () => {
    expect(isFancyTerminal({ isTTY: true, columns: 80 }, {})).toBe(true);
    expect(isFancyTerminal({ isTTY: true, columns: 80 }, { NO_COLOR: '' })).toBe(true);
    expect(isFancyTerminal({ isTTY: true, columns: 80 }, { NO_COLOR: '1' })).toBe(false);
    expect(isFancyTerminal({ isTTY: true, columns: 80 }, {}, 'never')).toBe(false);
    expect(isFancyTerminal({ isTTY: true, columns: 80 }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(isFancyTerminal({ isTTY: false, columns: 80 }, { FORCE_COLOR: '1' })).toBe(false); // colour, but no terminal
  });
});

describe('through the CLI', () => {
  const heatmap = (args: string[], opts: Parameters<typeof cliIn>[2] = {}) =>
    cliIn(process.cwd(), ['score', '-m', MODEL, '--heatmap', ...args, 'The old mill.'], opts);

  it('score --heatmap into a pipe: digits without colour; coloured with FORCE_COLOR or --color always', async () => {
    const plain = await heatmap([]);
    expect(plain.code).toBe(0);
    expect(plain.out).not.toMatch(ESC);
    expect(plain.out).toMatch(/^The old mill\.⏎\n\d+ {2}/);
    for (const r of [await heatmap([], { env: { FORCE_COLOR: '1' } }), await heatmap(['--color', 'always'])]) {
      expect(r.code).toBe(0);
      expect(r.out).toMatch(ESC);
      expect(r.out).toMatch(/colour key|calm|bits/);
    }
    // Level 3 (FORCE_COLOR=3): 24-bit backgrounds (48;2;r;g;b).
    expect((await heatmap([], { env: { FORCE_COLOR: '3' } })).out).toMatch(/\u001b\[48;2;/);
  });

  it('on a terminal: colour unless NO_COLOR is set and not empty, or --color never; FORCE_COLOR wins over NO_COLOR', async () => {
    expect((await heatmap([], { stdoutTTY: true })).out).toMatch(ESC);
    expect((await heatmap([], { stdoutTTY: true, env: { NO_COLOR: '' } })).out).toMatch(ESC);
    expect((await heatmap([], { stdoutTTY: true, env: { NO_COLOR: '1' } })).out).not.toMatch(ESC);
    expect((await heatmap(['--color', 'never'], { stdoutTTY: true, env: { FORCE_COLOR: '3' } })).out).not.toMatch(ESC);
    expect((await heatmap([], { stdoutTTY: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).out).toMatch(ESC);
  });

  it('error messages: red on a coloured stderr, plain otherwise; --color is refused outside its choices', async () => {
    const missing = ['score', '-m', 'no-such.safetensors', 'x'];
    const coloured = await cliIn(process.cwd(), missing, { env: { FORCE_COLOR: '1' } });
    expect(coloured.code).toBe(1);
    expect(coloured.err).toMatch(/^\u001b\[31mcharnn:\u001b\[39m no-such\.safetensors: checkpoint not found/);
    const plain = await cliIn(process.cwd(), [...missing, '--color', 'never'], { env: { FORCE_COLOR: '1' } });
    expect(plain.err).toMatch(/^charnn: no-such\.safetensors: checkpoint not found/);
    const bad = await cliIn(process.cwd(), ['score', '--color', 'sometimes', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^charnn: option '--color <when>' argument 'sometimes' is invalid\. Allowed choices are auto, always, never\./);
  });

  it('every command takes --color (a command with subcommands, export, through each of them)', async () => {
    const listed = (text: string) => [...text.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    const commands = listed((await cliIn(process.cwd(), ['--help'])).out);
    expect(commands).toEqual(expect.arrayContaining(['train', 'sample', 'score', 'eval', 'fill', 'inspect', 'import', 'plot', 'export']));
    for (const command of commands) {
      const r = await cliIn(process.cwd(), [command, '--help']);
      const subcommands = /^Commands:/m.test(r.out) ? listed(r.out.slice(r.out.indexOf('Commands:'))) : [];
      if (subcommands.length === 0) expect(r.out, command).toMatch(/--color <when>/);
      for (const sub of subcommands)
        expect((await cliIn(process.cwd(), [command, sub, '--help'])).out, `${command} ${sub}`).toMatch(/--color <when>/);
    }
  });

  it('the real binary reads its real environment: FORCE_COLOR colours the heatmap into a pipe', () => {
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [BIN, 'score', '-m', MODEL, '--heatmap', 'The old mill.'], { env, encoding: 'utf8' });
    const forced = run(plainEnv({ FORCE_COLOR: '1' })); // NO_COLOR=1 is set too: FORCE_COLOR wins
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(ESC);
    const off = run(plainEnv());
    expect(off.status).toBe(0);
    expect(off.stdout).not.toMatch(ESC);
  });
});
