import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { EventFixture } from '../test/fixtures/events.js';
import { type AwsProxy, type ProxyOptions, startAwsProxy } from '../test/support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../test/support/github-server.js';
import { MOTO_ENV, type Moto, startMoto } from '../test/support/moto.js';
import { NODE24, prepareActionRun, ROOT } from '../test/support/run-action.js';

export { NODE24, ROOT };

/** One line of a table in BENCHMARKS.md. */
export interface BenchTable {
  readonly title?: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A target from the issue, and whether this run met it. */
export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

/** What one benchmark reports. */
export interface BenchResult {
  readonly id: string;
  readonly title: string;
  readonly runs: number;
  readonly tables: readonly BenchTable[];
  readonly targets: readonly Target[];
  readonly notes: readonly string[];
  readonly raw: unknown;
  readonly durationMs?: number;
  /** Set when the figures come from another benchmark's run (e.g. P7 from P6's): its title. */
  readonly measuredIn?: string;
  /** The 1, 5 and 15-minute load averages when the benchmark started and ended. */
  readonly load?: { readonly start: readonly number[]; readonly end: readonly number[] };
}

/** What a benchmark is given. */
export interface BenchContext {
  /** Runs per measured arm. */
  readonly runs: number;
  readonly progress: (message: string) => void;
}

/** A benchmark the runner can select by id. */
export interface Benchmark {
  readonly id: string;
  readonly title: string;
  run(context: BenchContext): Promise<BenchResult>;
}

/** A log line of the action and when it arrived, in ms after spawn. */
export interface TimedLine {
  readonly at: number;
  readonly text: string;
}

/** A run of dist/index.js, with its log lines timestamped as they arrived. */
export interface TimedRun {
  readonly exitCode: number | null;
  readonly lines: readonly TimedLine[];
  readonly log: string;
  readonly durationMs: number;
  readonly outputs: Record<string, string>;
  /** The action process's own peak RSS (VmHWM), in kB, when /proc is there. */
  readonly peakRssKb?: number;
}

/** How to run the action. */
export interface TimedRunOptions {
  readonly inputs?: Readonly<Record<string, string>>;
  readonly event?: EventFixture;
  readonly eventOverrides?: Record<string, unknown>;
  readonly github?: GitHubServer;
  /** AWS_ENDPOINT_URL (moto or a proxy in front of it). */
  readonly awsEndpoint?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** GITHUB_WORKSPACE. @default ROOT */
  readonly workspace?: string;
  readonly timeoutMs?: number;
}

/**
 * Runs dist/index.js as the GitHub runner does, with the same environment as test/support's
 * runAction (INPUT_* from action.yml's defaults, GITHUB_* files, the event file), and records when
 * each log line arrived (stdout to a pipe is synchronous on Linux, so arrival is emission) and the
 * process's peak RSS.
 */
export async function runActionTimed(options: TimedRunOptions = {}): Promise<TimedRun> {
  const prepared = await prepareActionRun({
    // prenv's real-AWS polling (poll-interval-ms empty), not the tests' fast one: the figures are prenv's.
    inputs: { 'poll-interval-ms': '', ...options.inputs },
    ...(options.event === undefined ? {} : { event: options.event }),
    ...(options.eventOverrides === undefined ? {} : { eventOverrides: options.eventOverrides }),
    ...(options.github === undefined ? {} : { github: options.github }),
    ...(options.workspace === undefined ? {} : { workspace: options.workspace }),
    env: {
      ...(options.awsEndpoint === undefined ? {} : { ...MOTO_ENV, AWS_ENDPOINT_URL: options.awsEndpoint }),
      ...options.env,
    },
  });
  try {
    await distReady();
    const run = await spawnTimed(
      NODE24,
      [prepared.script],
      prepared.env,
      options.timeoutMs ?? 600_000,
      prepared.cwd,
    );
    return { ...run, outputs: (await prepared.results()).outputs };
  } finally {
    await prepared.dispose();
  }
}

/** Waits (up to 2 minutes) for dist/index.js: a concurrent `npm run build` removes it for a moment. */
export async function distReady(): Promise<void> {
  for (let waited = 0; !existsSync(join(ROOT, 'dist/index.js')); waited += 500) {
    if (waited > 120_000) throw new Error('dist/index.js is missing: run npm run build');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Spawns a process, timestamps its output lines, and samples its VmHWM. */
export function spawnTimed(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
  cwd: string = ROOT,
): Promise<Omit<TimedRun, 'outputs'>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: TimedLine[] = [];
    let log = '';
    const partial = { stdout: '', stderr: '' };
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const at = performance.now() - started;
      const text = chunk.toString();
      log += text;
      const parts = (partial[stream] + text).split('\n');
      partial[stream] = parts.pop() ?? '';
      for (const part of parts) lines.push({ at, text: part });
    };
    child.stdout.on('data', take('stdout'));
    child.stderr.on('data', take('stderr'));
    let peakRssKb: number | undefined;
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(status.match(/VmHWM:\s+(\d+)/)?.[1]);
        if (Number.isFinite(kb)) peakRssKb = Math.max(peakRssKb ?? 0, kb);
      } catch {
        // gone, or no /proc
      }
    };
    const sampler = setInterval(sample, 50);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', sample);
    child.on('close', (code) => {
      clearInterval(sampler);
      clearTimeout(timer);
      const durationMs = performance.now() - started;
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] !== '') lines.push({ at: durationMs, text: partial[stream] });
      }
      if (process.env.PRENV_BENCH_LOG) process.stderr.write(log);
      resolve({ exitCode: code, lines, log, durationMs, ...(peakRssKb === undefined ? {} : { peakRssKb }) });
    });
  });
}

/** The time (ms after spawn) of the first line matching, if any. */
export function lineAt(lines: readonly TimedLine[], pattern: RegExp, from = 0): number | undefined {
  return lines.find((line) => line.at >= from && pattern.test(line.text))?.at;
}

/** A `::group::` span: from its start line to the next `::endgroup::`. */
export function groupSpan(
  lines: readonly TimedLine[],
  name: RegExp,
): { start: number; end: number } | undefined {
  const index = lines.findIndex((line) => line.text.startsWith('::group::') && name.test(line.text.slice(9)));
  if (index === -1) return undefined;
  const start = (lines[index] as TimedLine).at;
  const end = lines.slice(index).find((line) => line.text.startsWith('::endgroup::'))?.at;
  return end === undefined ? undefined : { start, end };
}

/** The number in the first log line matching `pattern` (its first capture group). */
export function loggedNumber(lines: readonly TimedLine[], pattern: RegExp): number | undefined {
  for (const line of lines) {
    const match = line.text.match(pattern);
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}

/** moto, the GitHub stand-in and (optionally) an AWS proxy, stopped whatever happens. */
export interface Services {
  readonly moto: Moto;
  readonly github: GitHubServer;
  readonly proxy: AwsProxy;
}

/** Starts moto, the GitHub stand-in and a recording proxy in front of moto; stops them all after fn. */
export async function withServices<T>(
  fn: (services: Services) => Promise<T>,
  proxyOptions: ProxyOptions = {},
): Promise<T> {
  let moto: Moto | undefined;
  let github: GitHubServer | undefined;
  let proxy: AwsProxy | undefined;
  try {
    [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
    proxy = await startAwsProxy(moto.endpoint, proxyOptions);
    return await fn({ moto, github, proxy });
  } finally {
    await Promise.allSettled([proxy?.close(), github?.close()]);
    await moto?.stop();
  }
}

/** The machine and the versions the figures were measured with. */
export function environmentInfo(): Record<string, string> {
  const version = (pkg: string) => {
    try {
      return (
        JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    } catch {
      return 'not installed';
    }
  };
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { encoding: 'utf8' });
    return result.status === 0 ? result.stdout.trim() : 'unknown';
  };
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: `${cpus()[0]?.model ?? 'unknown'} (${availableParallelism()} logical cores)`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${process.platform} ${release()}`,
    'node (action, Node 24)': run(NODE24, ['--version']),
    'node (harness)': process.version,
    '@aws-cdk/toolkit-lib': version('@aws-cdk/toolkit-lib'),
    'aws-cdk (CLI)': version('aws-cdk'),
    'aws-cdk-lib': version('aws-cdk-lib'),
    moto: run('python3', ['-c', 'import moto; print(moto.__version__)']),
    'prenv commit (git rev-parse HEAD)': run('git', ['-C', ROOT, 'rev-parse', 'HEAD']),
    'working tree (git status --porcelain)': treeState(run('git', ['-C', ROOT, 'status', '--porcelain'])),
    'dist/index.js modified': distModified(),
    'load average (1, 5, 15 min) at start': formatLoad(loadAverage()),
  };
}

/** Clean, or dirty with the paths that differ from the commit (dist/ is what the benchmarks run). */
function treeState(porcelain: string): string {
  if (porcelain === 'unknown') return 'unknown';
  const paths = porcelain.split('\n').filter((line) => line.trim() !== '');
  if (paths.length === 0) return 'clean';
  // run() trims the output, so the first line may have lost its leading status space.
  const shown = paths.slice(0, 8).map((line) => line.trim().replace(/^\S+\s+/, ''));
  return `dirty: ${paths.length} path(s) differ (${shown.join(', ')}${paths.length > shown.length ? ', …' : ''})`;
}

/** When dist/index.js was last written (dist/build-info.json is toolkit-lib's, not prenv's). */
function distModified(): string {
  try {
    return statSync(join(ROOT, 'dist/index.js'))
      .mtime.toISOString()
      .replace(/\.\d+Z$/, 'Z');
  } catch {
    return 'missing';
  }
}

/** The 1, 5 and 15-minute load averages now. */
export function loadAverage(): number[] {
  return loadavg();
}

function formatLoad(load: readonly number[]): string {
  return load.map((value) => value.toFixed(2)).join(' ');
}

/** One line on how busy the machine was during a benchmark, against its core count. */
export function describeLoad(load: {
  readonly start: readonly number[];
  readonly end: readonly number[];
}): string {
  const cores = availableParallelism();
  const peak = Math.max(load.start[0] ?? 0, load.end[0] ?? 0);
  return (
    `Load average (1, 5, 15 min): ${formatLoad(load.start)} at the start, ${formatLoad(load.end)} at the end, on ${cores} logical cores` +
    (peak > cores
      ? ` (a 1-minute load above ${cores} means processes were waiting for a CPU: the machine was shared and busy).`
      : '.')
  );
}

/** A markdown table. */
export function markdownTable(table: BenchTable): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${table.headers.map(escapeCell).join(' | ')} |`,
    `|${table.headers.map(() => '---').join('|')}|`,
    ...table.rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}
