/**
 * `charnn export <target>`: a model made ready to run elsewhere. Each target is a subcommand in a
 * file of its own, registered here.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { registerExportWeb } from './export-web.js';

export function registerExport(program: Command, io: CliIO): void {
  const command = program.command('export').description('export a model to run elsewhere: web (a static web page)');
  registerExportWeb(command, io);
}
