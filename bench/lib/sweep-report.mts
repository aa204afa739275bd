/** The report of bench/sweep.mts: per corpus and configuration the median validation loss of the
 *  repetitions and each run's value (markdown), the machine, and every command run. */
import { basename } from 'node:path';
import { fixed, int, median } from './format.mjs';

/** One finished run, as the --out file keeps it. */
export interface SweepRun {
  time: string;
  corpus: string;
  config: string;
  rep: number;
  seed: number;
  /** The command, its temp dir written RUN. */
  command: string;
  /** The final evaluation (nats per character), from the run's --log. */
  valNats: number;
  step: number;
  epoch: number;
  elapsedS: number;
  charsPerS: number;
  /** 1-minute load average just before and just after the run. */
  loadBefore: number;
  loadAfter: number;
  wallS: number;
  /** The machine it ran on (CPU model and cores), should a sweep be continued elsewhere. */
  host: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  commit: string;
  loadBefore: number;
  loadAfter: number | null;
}

const shownConfig = (config: string) => (config === '' ? '(defaults)' : `\`${config}\``);

export function sweepReport(runs: SweepRun[], configs: string[], corpora: string[], machine: Machine): string {
  const out: string[] = [];
  const times = [...new Set(runs.map((r) => r.time))];
  const reps = Math.max(0, ...runs.map((r) => r.rep));
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  out.push(
    `### Sweep: charnn train --time ${times.join(', ')}, ${reps} repetition${reps === 1 ? '' : 's'} (seeds ${seeds.join(', ')})`,
    '',
  );
  out.push(
    'Validation loss of the final evaluation (the last 10% of each file), median of the repetitions; the best median per corpus in bold.',
    '',
  );
  out.push('| corpus | configuration | median validation (nats) | bpc | each run (nats) | median steps | median chars/s |');
  out.push('|---|---|---|---|---|---|---|');
  for (const corpus of corpora) {
    const rows = configs
      .map((config) => {
        const mine = runs.filter((r) => r.corpus === corpus && r.config === config).sort((a, b) => a.rep - b.rep);
        return { config, mine, med: median(mine.map((r) => r.valNats)) };
      })
      .filter((row) => row.mine.length > 0);
    const best = Math.min(...rows.map((r) => r.med));
    for (const { config, mine, med } of rows) {
      const value = med === best ? `**${fixed(med, 4)}**` : fixed(med, 4);
      out.push(
        `| ${basename(corpus)} | ${shownConfig(config)} | ${value} | ${fixed(med / Math.LN2, 3)} | ${mine.map((r) => fixed(r.valNats, 4)).join(', ')} | ` +
          `${int(median(mine.map((r) => r.step)))} | ${int(median(mine.map((r) => r.charsPerS)))} |`,
      );
    }
  }
  const loads = runs.flatMap((r) => [r.loadBefore, r.loadAfter]);
  const hosts = [...new Set(runs.map((r) => r.host))];
  out.push(
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; charnn ${machine.commit}. ` +
      `Load average (1 min): ${fixed(machine.loadBefore)} before the sweep, ${fixed(machine.loadAfter)} after; ` +
      `around the runs ${fixed(Math.min(...loads))} to ${fixed(Math.max(...loads))}.` +
      (hosts.length > 1 ? ` The runs ran on several machines: ${hosts.join('; ')}.` : ''),
    '',
    'Corpora: ' + corpora.map((c) => `\`${c}\``).join(', ') + '.',
    '',
    "Commands (in the sweep's order; RUN is a temp dir):",
    '',
    '```',
    ...[...runs]
      .sort(
        (a, b) =>
          a.rep - b.rep || corpora.indexOf(a.corpus) - corpora.indexOf(b.corpus) || configs.indexOf(a.config) - configs.indexOf(b.config),
      )
      .map((r) => r.command),
    '```',
    '',
  );
  return out.join('\n');
}
