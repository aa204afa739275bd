/**
 * Figures of `charnn serve` under load (issue 12), for BENCHMARKS.md; not a test.
 *
 *     npx tsx bench/serve.mts -m MODEL.safetensors                 # 60 s per row (about 7 minutes)
 *     npx tsx bench/serve.mts -m MODEL.safetensors --duration 5    # a quick look
 *
 * The real server (node bin/charnn.js serve, default threads: every core) in a child process;
 * autocannon, in this process, on the same machine (so on the same cores: the load generator's
 * own work is part of what is measured). Rows: /v1/score of one 40-character sentence and
 * /v1/sample of 200 characters, at concurrency 1, 8 and 64: requests/s, p50/p99 latency, errors
 * (non-2xx other than 429, timeouts, resets) and 429s. The reference is `charnn eval --reset line`
 * on the same sentence repeated (every core), in sentences per second, measured before and after the
 * /v1/score rows: the /v1/score target is 80% of their mean. Then 10,000 requests (score and
 * sample alternating, concurrency 8) with the server's resident memory (VmRSS: every thread of the process) read after each 1,000 (--requests N for
 * more; --memory-only for that part alone).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    model: { type: 'string', short: 'm' },
    duration: { type: 'string', default: '60' },
    requests: { type: 'string', default: '10000' },
    'memory-only': { type: 'boolean', default: false },
  },
});
if (!values.model) throw new Error('give -m MODEL.safetensors (the default 2 x 128 model)');
const model = resolve(values.model);
const duration = Number(values.duration);
const memoryRequests = Number(values.requests);
const memoryOnly = values['memory-only'];
const BIN = resolve(import.meta.dirname, '../bin/charnn.js');
const SENTENCE = 'The baker walks to the old mill at dawn.'; // 40 characters

function log(s: string): void {
  process.stderr.write(s + '\n');
}

/**
 * charnn eval --reset line on the sentence repeated: sentences per second (wall time of the
 * command) and the CPU time it took per sentence (its user + system time, every thread).
 */
function evalReference(): { rate: number; cpuMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'charnn-bench-serve-'));
  const lines = 50_000;
  const file = join(dir, 'lines.txt');
  writeFileSync(file, (SENTENCE + '\n').repeat(lines));
  const t0 = performance.now();
  // bash's `times` prints its children's user and system time on its second line.
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" eval --reset line -m "${model}" "${file}" >/dev/null && times`], {
    encoding: 'utf8',
  });
  const s = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true });
  if (r.status !== 0) throw new Error(`eval failed: ${r.stderr}`);
  const [user, sys] = [
    ...r.stdout
      .trim()
      .split('\n')[1]
      .matchAll(/(\d+)m([\d.]+)s/g),
  ].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { rate: lines / s, cpuMs: ((user + sys) * 1000) / lines };
}

/** CPU seconds a process has used so far, every thread (user + system, from /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (CLK_TCK 100)
}

async function startServer(): Promise<{ url: string; pid: number; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '-m', model, '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^charnn serve: (http:\/\/\S+) /.exec(out);
      if (m) resolveUrl(m[1]);
    });
    void exit.then(() => reject(new Error('charnn serve exited before printing its URL')));
  });
  return {
    url,
    pid: child.pid!,
    stop: () => {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Row {
  name: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  throttled: number;
  total: number;
  /** The server's CPU time per request (every thread: routing, the workers), milliseconds. */
  cpuMs: number;
}

async function load(
  url: string,
  pid: number,
  name: string,
  path: string,
  body: unknown,
  connections: number,
  seconds: number,
): Promise<Row> {
  const cpu0 = cpuSeconds(pid);
  const r = await autocannon({
    url: url + path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    connections,
    duration: seconds,
  });
  const throttled = r.statusCodeStats?.['429']?.count ?? 0;
  return {
    name,
    connections,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + (r.non2xx - throttled),
    throttled,
    total: r.requests.total,
    cpuMs: ((cpuSeconds(pid) - cpu0) * 1000) / r.requests.total,
  };
}

const la = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
log(`machine: ${cpus().length} cores, ${cpus()[0]?.model}; Node ${process.version}; load average ${la()}`);
/** The reference, measured right before and right after the /v1/score rows (the machine's load drifts). */
const references: { rate: number; cpuMs: number }[] = [];
function measureReference(): void {
  log('reference: charnn eval --reset line ...');
  references.push(evalReference());
  log(`  ${references.at(-1)!.rate.toFixed(0)} sentences/s, ${references.at(-1)!.cpuMs.toFixed(3)} CPU ms each`);
}
if (!memoryOnly) measureReference();

const server = await startServer();
const rows: Row[] = [];
const score = { text: SENTENCE };
const sample = { length: 200, temperature: 0.8 };
await load(server.url, server.pid, 'warm-up', '/v1/score', score, 8, 2);
for (const [name, path, body] of memoryOnly
  ? []
  : ([
      ['/v1/score (40 characters)', '/v1/score', score],
      ['/v1/sample (200 characters)', '/v1/sample', sample],
    ] as const)) {
  for (const c of [1, 8, 64]) {
    log(`${name} at concurrency ${c}, ${duration} s ...`);
    rows.push(await load(server.url, server.pid, name, path, body, c, duration));
  }
  if (path === '/v1/score') measureReference();
}
const reference = memoryOnly ? NaN : (references[0].rate + references[1].rate) / 2;
const referenceCpu = memoryOnly ? NaN : (references[0].cpuMs + references[1].cpuMs) / 2;

log(`memory over ${memoryRequests} requests ...`);
const memory: { requests: number; rss: number }[] = [{ requests: 0, rss: rssMiB(server.pid) }];
for (let done = 0; done < memoryRequests; done += 1000) {
  await Promise.all([
    autocannon({ url: server.url + '/v1/score', method: 'POST', body: JSON.stringify(score), connections: 4, amount: 500 }),
    autocannon({ url: server.url + '/v1/sample', method: 'POST', body: JSON.stringify(sample), connections: 4, amount: 500 }),
  ]);
  memory.push({ requests: done + 1000, rss: rssMiB(server.pid) });
}
const code = await server.stop();

const f = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`Load average at the end: ${la()}; the server exited with ${code} after SIGTERM.\n`);
if (!memoryOnly) {
  console.log(
    `Reference: \`charnn eval --reset line\` of the sentence x 50,000 (every core), before and after the /v1/score rows: ${references.map((r) => f(r.rate)).join(' and ')}, mean **${f(reference)} sentences/s**; CPU time per sentence ${references.map((r) => r.cpuMs.toFixed(3)).join(' and ')} ms.\n`,
  );
  console.log('| endpoint | concurrency | requests/s | p50 ms | p99 ms | errors | 429 | requests | server CPU ms per request |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.connections} | ${f(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.throttled} | ${f(r.total)} | ${r.cpuMs.toFixed(3)} |`,
    );
  const best = Math.max(...rows.filter((r) => r.name.startsWith('/v1/score')).map((r) => r.rps));
  const c8 = rows.find((r) => r.name.startsWith('/v1/score') && r.connections === 8)!;
  const leanest = Math.min(...rows.filter((r) => r.name.startsWith('/v1/score')).map((r) => r.cpuMs));
  console.log(
    `\nTargets: /v1/score at its best ${f(best)} requests/s = **${((100 * best) / reference).toFixed(0)}%** of eval's sentences/s (target 80%); p99 at concurrency 8 **${c8.p99} ms** (target under 50 ms).`,
  );
  // Wall-clock rates depend on what else runs on the cores; CPU time per sentence much less.
  console.log(
    `By CPU time (the server's, at its leanest, against eval's): ${leanest.toFixed(3)} ms against ${referenceCpu.toFixed(3)} ms per sentence: the server does **${((100 * referenceCpu) / leanest).toFixed(0)}%** of eval's sentences per CPU second (the load generator's own CPU not counted).\n`,
  );
}
console.log(
  '| requests | 0 | ' +
    memory
      .slice(1)
      .map((m) => f(m.requests))
      .join(' | ') +
    ' |',
);
console.log('|---|' + memory.map(() => '---|').join(''));
console.log('| server RSS MiB | ' + memory.map((m) => m.rss.toFixed(0)).join(' | ') + ' |');
