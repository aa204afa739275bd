/**
 * `charnn serve [-m MODEL ...]`: the models over HTTP (src/server/), until SIGINT or SIGTERM,
 * which stop accepting, let the requests in flight finish (up to --timeout) and exit 0. The URL
 * goes to stdout; an access line per request (unless --quiet) and warnings to stderr.
 */
import { Option, type Command } from 'commander';
import { CharnnError } from '../../errors.js';
import { createServer, isLoopback, type AccessEntry } from '../../server/create-server.js';
import { SERVE_OPTIONS, type ServeValues } from '../../server/serve-options.js';
import { addFlags, cliOptionsFromFlags, optionsFromFlags } from '../flags.js';
import type { CliIO } from '../io.js';
import { resolveModelPath } from '../model-path.js';

export function registerServe(program: Command, io: CliIO): void {
  const command = program
    .command('serve')
    .description('serve models over HTTP: an API (score, eval, sample, fill, OpenAI completions) and a playground page')
    .addOption(
      new Option(
        '-m, --model <path>',
        'a checkpoint to serve; repeatable (each is addressed by its file name; default: the newest in checkpoints/)',
      ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    );
  addFlags(command, SERVE_OPTIONS).action(async (flags: Record<string, unknown>) => {
    const options = optionsFromFlags(SERVE_OPTIONS, flags) as ServeValues;
    const { quiet } = cliOptionsFromFlags(SERVE_OPTIONS, flags);
    const models = (flags.model as string[] | undefined) ?? [resolveModelPath(undefined, io.cwd)];
    const server = await createServer({
      ...options,
      models,
      onAccess: quiet ? undefined : (e) => io.stderr.write(accessLine(e)),
      onError: (e) => io.stderr.write(`charnn serve: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`),
    });
    let url: string;
    try {
      url = await server.listen();
    } catch (e) {
      await server.close(0);
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'the address is in use' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      throw new CharnnError(`cannot listen on ${options.host}:${options.port}: ${why}`, 'give another --port (or --host)');
    }
    if (!isLoopback(options.host) && options.apiKey === null)
      io.stderr.write(`warning: listening on ${options.host} without --api-key: anyone who can reach this address can use the models\n`);
    const names = server.catalog.entries.map((e) => e.name).join(', ');
    io.stdout.write(`charnn serve: ${url} (models: ${names}; playground at ${url}/)\n`);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    io.stderr.write(`charnn serve: ${signal}: finishing the requests in flight\n`);
    const { unfinished } = await server.close();
    io.stderr.write(unfinished > 0 ? `charnn serve: stopped; ${unfinished} requests were cut off\n` : 'charnn serve: stopped\n');
  });
}

function accessLine(e: AccessEntry): string {
  return `${e.method} ${e.path} ${e.status} ${e.ms.toFixed(1)}ms\n`;
}
