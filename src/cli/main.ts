/**
 * Runs the CLI and maps outcomes to exit codes: 0 success, 1 runtime error (bad file,
 * corrupt checkpoint), 2 usage error. Errors are one line on stderr plus an optional hint;
 * a stack trace only with CHARNN_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { CharnnError, UsageError } from '../errors.js';
import { colorChoiceOf, isFancyTerminal, type ColorChoice } from './colour.js';
import { coloursOf, processIO, type CliIO } from './io.js';
import { createProgram } from './program.js';

export async function run(argv: string[], given: CliIO): Promise<number> {
  let exitCode = 0;
  const io = withColorChoice(given, colorChoiceOf(argv));
  try {
    const program = await createProgram(
      io,
      (code) => {
        exitCode = code;
      },
      argv,
    );
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: CliIO): number {
  if (e instanceof CommanderError) {
    // commander has already printed its message; help and --version are not failures.
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
  }
  const { red, dim } = coloursOf(io, 'stderr');
  if (e instanceof CharnnError) {
    io.stderr.write(`${red('charnn:')} ${e.message}\n`);
    if (e.hint) io.stderr.write(dim(`hint: ${e.hint}`) + '\n');
    return e instanceof UsageError ? 2 : 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.stderr.write(`${red('charnn:')} unexpected error: ${message}\n`);
  if (io.env.CHARNN_DEBUG && e instanceof Error && e.stack) io.stderr.write(e.stack + '\n');
  else io.stderr.write('hint: set CHARNN_DEBUG=1 for the details\n');
  return 1;
}

/** The streams with this run's --color: `never` draws no progress either, `always` draws it on
 *  a terminal even where the environment turned colour off. */
function withColorChoice(io: CliIO, color: ColorChoice): CliIO {
  const fancy =
    color === 'auto'
      ? io.fancy
      : color === 'never'
        ? false
        : io.fancy || isFancyTerminal(io.stderr as { isTTY?: boolean; columns?: number }, io.env, color);
  return { ...io, color, fancy };
}

/** Entry point of the `charnn` binary. */
export async function main(): Promise<void> {
  const io = processIO();
  // `charnn sample | head -1`: a closed pipe is the reader saying it has enough.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  // `charnn train 2>&1 | head -1`: with nowhere left to report progress, the work goes on
  // (training still saves its checkpoint) instead of dying on an unhandled stream error.
  process.stderr.on('error', () => {});
  const code = await run(process.argv.slice(2), io);
  process.exitCode = code;
}
