/**
 * Runs the golden commands (golden-commands.ts) in-process in a fresh directory and returns what
 * each printed and wrote, normalised so that only what a build computes remains: the run's
 * directory becomes $DIR, timings (chars/s, elapsed, ETA) and the progress lines printed by the
 * clock are left out, and a checkpoint is its metadata (paths normalised, the checksum left out,
 * since it covers the paths) plus a SHA-256 of its tensor bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliIn } from '../helpers/cli-in-process.js';
import { GOLDEN_COMMANDS, type GoldenCommand } from './golden-commands.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
export const GOLDEN_FILE = join(FIXTURES, 'golden', 'outputs.json');
const CORPUS = fileURLToPath(new URL('../../corpora/default.txt', import.meta.url));

export interface GoldenOutput {
  name: string;
  args: string[];
  code: number | null;
  out: string;
  err: string;
  files: Record<string, { header: Record<string, unknown>; tensorsSha256: string } | null>;
  log: unknown[] | null;
}

/** The corpus slices the commands read: 1,500 lines to train on, held-out lines after them. */
export function writeInputs(dir: string): void {
  const lines = readFileSync(CORPUS, 'utf8').split('\n');
  writeFileSync(join(dir, 'corpus.txt'), lines.slice(0, 1500).join('\n') + '\n');
  writeFileSync(join(dir, 'held-out.txt'), lines.slice(20_000, 20_040).join('\n') + '\n');
  // Big enough for eval to start a second thread (100,000 tokens per extra thread).
  writeFileSync(join(dir, 'big-held-out.txt'), lines.slice(2_000, 6_000).join('\n') + '\n');
}

export async function runGolden(commands: GoldenCommand[] = GOLDEN_COMMANDS): Promise<GoldenOutput[]> {
  const dir = mkdtempSync(join(tmpdir(), 'charnn-golden-'));
  writeInputs(dir);
  const outputs: GoldenOutput[] = [];
  // The CLI resolves some paths against the process's directory, not the injected io.cwd.
  const before = process.cwd();
  process.chdir(dir);
  try {
    for (const c of commands) outputs.push(await runOne(c, dir));
  } finally {
    process.chdir(before);
  }
  return outputs;
}

async function runOne(c: GoldenCommand, dir: string): Promise<GoldenOutput> {
  {
    const args = c.args.map((a) => a.replace('$FIXTURES', FIXTURES));
    const r = await cliIn(dir, args, { stdinText: c.stdin });
    const clean = (s: string) => normalise(s, dir);
    return {
      name: c.name,
      args: c.args,
      code: r.code,
      out: clean(r.out),
      err: clean(r.err),
      files: Object.fromEntries((c.files ?? []).map((f) => [f, checkpointDigest(join(dir, f), dir)])),
      log: c.log ? readLog(join(dir, c.log)) : null,
    };
  }
}

/** The directory as $DIR, the fixtures as $FIXTURES; timings and clock-driven progress lines out. */
function normalise(text: string, dir: string): string {
  return text
    .split(dir)
    .join('$DIR')
    .split(FIXTURES)
    .join('$FIXTURES')
    .split('\n')
    .filter((line) => !(/^step \d+/.test(line) && !line.includes(' val ')))
    .map((line) =>
      line
        .replace(/\d+ chars\/s/, 'N chars/s')
        .replace(/elapsed \S+/, 'elapsed T')
        .replace(/eta \S+/, 'eta T'),
    )
    .join('\n');
}

function checkpointDigest(path: string, dir: string): GoldenOutput['files'][string] {
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  const meta = { ...(header.__metadata__ as Record<string, string>) };
  delete meta.checksum;
  for (const key of Object.keys(meta)) meta[key] = normalise(meta[key], dir);
  return {
    header: { ...header, __metadata__: meta },
    tensorsSha256: createHash('sha256')
      .update(bytes.subarray(8 + headerLength))
      .digest('hex'),
  };
}

function readLog(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { chars_per_s: _c, elapsed_s: _e, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}
