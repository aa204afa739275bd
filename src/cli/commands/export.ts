/**
 * `charnn export <target>`: a model handed over to run elsewhere, one subcommand per target, each
 * in its own file (export-<target>.ts), loaded when `export` runs.
 *   web    a static web page that runs the model (and trains on a text of one's own)
 *   torch  a folder that trains the model further with PyTorch (one process or torchrun)
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';

type RegisterTarget = (parent: Command, io: CliIO) => Promise<void>;

const TARGETS: Record<string, RegisterTarget> = {
  web: async (parent, io) => (await import('./export-web.js')).registerExportWeb(parent, io),
  torch: async (parent, io) => (await import('./export-torch.js')).registerExportTorch(parent, io),
};

export async function registerExport(program: Command, io: CliIO): Promise<void> {
  const command = program.command('export').description(`write a model out to run elsewhere: ${Object.keys(TARGETS).join(', ')}`);
  for (const register of Object.values(TARGETS)) await register(command, io);
}
