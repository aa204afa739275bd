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
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
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
    command.exitOverride().showHelpAfterError('(add --help for usage)').configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  }
  // The engine must be chosen before any model or buffer is allocated.
  program.hook('preAction', (_program, action) => {
    const engine = action.opts().engine as Engine | undefined;
    if (engine) setEngine(engine);
  });
  return program;
}
