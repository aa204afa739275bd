/**
 * The commander program, built fresh for each run (tests build one per test). Commands only
 * turn flags into options, call the core, and render results.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { setEngine, type Engine } from '../tensor/backend.js';
import type { CliIO } from './io.js';
import { PACKAGE_ROOT } from './paths.js';
import { registerEval } from './commands/eval.js';
import { registerFill } from './commands/fill.js';
import { registerImport } from './commands/import.js';
import { registerInspect } from './commands/inspect.js';
import { registerPlot } from './commands/plot.js';
import { registerSample } from './commands/sample.js';
import { registerScore } from './commands/score.js';
import { registerTrain } from './commands/train.js';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function createProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command();
  program
    .name('charnn')
    .description('Character-level language models (rnn, lstm, gru, bilstm): train, sample, score, eval, fill.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .showHelpAfterError('hint: charnn --help lists the commands')
    .configureOutput(output(io));
  registerTrain(program, io, setExitCode);
  registerSample(program, io);
  registerScore(program, io);
  registerEval(program, io);
  registerFill(program, io);
  registerInspect(program, io);
  registerImport(program, io);
  registerPlot(program, io);
  for (const command of program.commands) {
    command.addOption(new Option('--engine <name>', 'numeric engine: wasm (WebAssembly SIMD, the default) or js (plain TypeScript reference)').choices(['wasm', 'js']));
    command.exitOverride().showHelpAfterError(`hint: charnn ${command.name()} --help lists every flag and its range`).configureOutput(output(io));
  }
  // The engine must be chosen before any model or buffer is allocated.
  program.hook('preAction', (_program, action) => {
    const engine = action.opts().engine as Engine | undefined;
    if (engine) setEngine(engine);
  });
  return program;
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
