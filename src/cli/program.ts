/**
 * The commander program, built fresh for each run (tests build one per test). Commands only
 * turn flags into options, call the core, and render results.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { ENGINE_CHOICES, type EngineChoice } from './choose-engine.js';
import type { CliIO } from './io.js';
import { PACKAGE_ROOT } from './paths.js';
import { COLOR_CHOICES } from './colour.js';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

type Register = (program: Command, io: CliIO, setExitCode: (code: number) => void) => Promise<void>;

/** Each command's module is loaded only when that command runs (or for the full help): start-up
 *  time is what a shell pipeline pays at every call, and most of it is loading modules. */
const COMMANDS: Record<string, Register> = {
  train: async (p, io, set) => (await import('./commands/train.js')).registerTrain(p, io, set),
  sample: async (p, io) => (await import('./commands/sample.js')).registerSample(p, io),
  score: async (p, io) => (await import('./commands/score.js')).registerScore(p, io),
  eval: async (p, io) => (await import('./commands/eval.js')).registerEval(p, io),
  fill: async (p, io) => (await import('./commands/fill.js')).registerFill(p, io),
  inspect: async (p, io) => (await import('./commands/inspect.js')).registerInspect(p, io),
  import: async (p, io) => (await import('./commands/import.js')).registerImport(p, io),
  plot: async (p, io) => (await import('./commands/plot.js')).registerPlot(p, io),
  serve: async (p, io) => (await import('./commands/serve.js')).registerServe(p, io),
  export: async (p, io) => (await import('./commands/export.js')).registerExport(p, io),
};

/** The commands `argv` needs: the one it runs, none for --version, all otherwise (help, typos). */
function commandsFor(argv: readonly string[]): string[] {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return [];
  return Object.hasOwn(COMMANDS, argv[0] ?? '') ? [argv[0]] : Object.keys(COMMANDS);
}

export async function createProgram(io: CliIO, setExitCode: (code: number) => void, argv: readonly string[] = []): Promise<Command> {
  const program = new Command();
  program
    .name('charnn')
    .description('Character-level language models (rnn, lstm, gru, bilstm): train, sample, score, eval, fill.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .showHelpAfterError('hint: charnn --help lists the commands')
    .configureOutput(output(io));
  for (const name of commandsFor(argv)) await COMMANDS[name](program, io, setExitCode);
  for (const command of program.commands) configure(command, io, `charnn ${command.name()}`);
  // The engine must be chosen before any model or buffer is allocated.
  program.hook('preAction', async (_program, action) => {
    // Loaded here, not at start-up: `charnn --version` and `--help` need neither.
    const { installPlatform } = await import('../platform/platform.js');
    const { nodePlatform } = await import('../platform/node/node-platform.js');
    installPlatform(nodePlatform);
    const { chooseEngine } = await import('./choose-engine.js');
    await chooseEngine(action.opts().engine as EngineChoice | undefined, nodePlatform, io);
  });
  return program;
}

/** A command's errors and help as charnn prints them, and --engine and --color; a command with
 *  subcommands (export) passes them on to each of its subcommands, which take the flags instead. */
function configure(command: Command, io: CliIO, path: string): void {
  command.exitOverride().showHelpAfterError(`hint: ${path} --help lists every flag and its range`).configureOutput(output(io));
  if (command.commands.length > 0) {
    for (const sub of command.commands) configure(sub, io, `${path} ${sub.name()}`);
    return;
  }
  command.addOption(
    new Option(
      '--engine <name>',
      'numeric engine: wasm (WebAssembly SIMD, the default), webgpu (a GPU, through the optional webgpu package), js (plain TypeScript reference), auto (webgpu on a hardware GPU, else wasm)',
    ).choices(ENGINE_CHOICES),
  );
  command.addOption(
    new Option('--color <when>', 'colour: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it), always or never')
      .choices(COLOR_CHOICES)
      .default('auto'),
  );
}

/**
 * Help to stdout; commander's errors (unknown option, bad flag value, the value's range) to
 * stderr as charnn's own are printed: one `charnn: ...` line, then the `hint:` line above.
 */
function output(io: CliIO) {
  return {
    writeOut: (s: string) => io.stdout.write(s),
    writeErr: (s: string) => io.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => write(s.replace(/^error: /, 'charnn: ')),
  };
}
