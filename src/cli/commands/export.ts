/**
 * `charnn export <target>`: a model handed over to another system, one subcommand per target,
 * each in its own file (export-<target>.ts), loaded when `export` runs.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';

type RegisterTarget = (parent: Command, io: CliIO) => Promise<void>;

const TARGETS: Record<string, RegisterTarget> = {
  torch: async (parent, io) => (await import('./export-torch.js')).registerExportTorch(parent, io),
};

export async function registerExport(program: Command, io: CliIO): Promise<void> {
  const command = program.command('export').description(`write a model out for another system: ${Object.keys(TARGETS).join(', ')}`);
  for (const register of Object.values(TARGETS)) await register(command, io);
}
