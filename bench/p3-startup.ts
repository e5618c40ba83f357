import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { deployPeakRssKb } from './p1-lifecycle.js';
import { formatMb, formatMs, formatSummary, summarize } from './stats.js';
import { type Benchmark, type BenchResult, NODE24, ROOT, runActionTimed, withServices } from './support.js';

/**
 * Spawns dist/index.js (a pull_request opened deploy) with AWS_ENDPOINT_URL and GITHUB_API_URL on a
 * loopback listener of ours, and measures spawn → the first TCP connection it opens (STS
 * GetCallerIdentity, the action's first network call). The child is killed as soon as it connects.
 */
async function timeToFirstConnection(script: string[], env: Record<string, string>): Promise<number> {
  let connected: ((at: number) => void) | undefined;
  const first = new Promise<number>((resolve) => {
    connected = resolve;
  });
  const server: Server = createServer((socket) => {
    connected?.(performance.now());
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    const started = performance.now();
    const child = spawn(NODE24, script, {
      cwd: ROOT,
      env: {
        ...env,
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        GITHUB_API_URL: `http://127.0.0.1:${port}`,
      },
      stdio: 'ignore',
    });
    const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Number.NaN)));
    const at = await Promise.race([
      first,
      exited,
      new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 20_000)),
    ]);
    child.kill('SIGKILL');
    await new Promise((resolve) =>
      child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined),
    );
    if (Number.isNaN(at)) throw new Error('the action exited or hung without a network call');
    return at - started;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Node 24 doing nothing, for scale: spawn → exit. */
async function bareNode(): Promise<number> {
  const started = performance.now();
  await new Promise((resolve) => spawn(NODE24, ['-e', '0'], { stdio: 'ignore' }).once('exit', resolve));
  return performance.now() - started;
}

async function sizes(directory: string): Promise<{ js: number; wasm: number; other: number }> {
  const total = { js: 0, wasm: 0, other: 0 };
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const { size } = await stat(join(entry.parentPath, entry.name));
    if (entry.name.endsWith('.js')) total.js += size;
    else if (entry.name.endsWith('.wasm')) total.wasm += size;
    else total.other += size;
  }
  return total;
}

/** P3: start-up to the first network call, dist size, and peak RSS of a full deploy. */
export const startup: Benchmark = {
  id: 'p3',
  title: 'P3 start-up, dist size, peak RSS',
  async run({ runs, progress }): Promise<BenchResult> {
    // Cheap runs: four times as many as asked, interleaved with bare `node -e 0`.
    const samples = runs * 4;
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LANG: 'C.UTF-8',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(ROOT, 'test/fixtures/events/pull-request-opened.json'),
      GITHUB_REPOSITORY: 'octo-org/invoices',
      GITHUB_WORKSPACE: ROOT,
      RUNNER_TEMP: '/tmp',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'eu-west-2',
      'INPUT_GITHUB-TOKEN': 'ghs_bench',
      INPUT_MODE: 'auto',
      'INPUT_DEPLOYMENT-METHOD': 'direct',
      'INPUT_ROLE-DURATION-SECONDS': '3600',
      INPUT_AUDIENCE: 'sts.amazonaws.com',
      'INPUT_APP-DIR': 'test/fixtures/apps/two-stacks',
      'INPUT_ENVIRONMENT-NAME': 'pr-{number}',
      'INPUT_TTL-HOURS': '72',
      'INPUT_TEST-WORKING-DIRECTORY': '.',
      'INPUT_TEST-TIMEOUT-MINUTES': '30',
      INPUT_COMMENT: 'true',
      INPUT_BOOTSTRAP: 'false',
      'INPUT_DRY-RUN': 'false',
    };
    const first: number[] = [];
    const bare: number[] = [];
    for (let index = 0; index < samples; index++) {
      first.push(await timeToFirstConnection([join(ROOT, 'dist/index.js')], env));
      bare.push(await bareNode());
    }
    progress(
      `p3: first network call ${formatMs(summarize(first).median)} (bare node ${formatMs(summarize(bare).median)})`,
    );
    const dist = await sizes(join(ROOT, 'dist'));
    const distTotal = dist.js + dist.wasm + dist.other;
    let rss = [...deployPeakRssKb];
    let rssSource = 'P1 prenv deploy runs (sample-app, deploy + e2e), same invocation';
    if (rss.length === 0) {
      rssSource = 'one deploy of sample-app without e2e (P1 not run in this invocation)';
      rss = await withServices(async ({ github, moto }) => {
        github.addPull({ number: 42, state: 'open' });
        const run = await runActionTimed({
          inputs: { 'app-dir': 'sample-app', 'deployment-method': 'direct', bootstrap: 'true' },
          github,
          awsEndpoint: moto.endpoint,
        });
        if (run.exitCode !== 0) throw new Error(`deploy for RSS failed:\n${run.log.slice(-3_000)}`);
        return run.peakRssKb === undefined ? [] : [run.peakRssKb];
      });
    }
    const firstSummary = summarize(first);
    const rssSummary = summarize(rss.map((kb) => kb * 1_024));
    return {
      id: 'p3',
      title: startup.title,
      runs: samples,
      tables: [
        {
          headers: ['measure', 'median (min–max)'],
          rows: [
            [
              `spawn → first network call (TCP connect to STS), Node 24, ${samples} runs`,
              formatSummary(firstSummary),
            ],
            [
              `bare \`node -e 0\` spawn → exit, Node 24, ${samples} runs (for scale)`,
              formatSummary(summarize(bare)),
            ],
            [
              `dist/ on disk: JS ${formatMb(dist.js)} + wasm ${formatMb(dist.wasm)} + data ${formatMb(dist.other)}`,
              formatMb(distTotal),
            ],
            [
              `peak RSS of the action process during a full deploy (VmHWM; ${rssSource}; n=${rss.length})`,
              formatSummary(rssSummary, formatMb),
            ],
          ],
        },
      ],
      targets: [
        {
          name: 'P3 start-up to first network call',
          goal: '≤ 300 ms',
          measured: formatSummary(firstSummary),
          met: firstSummary.median <= 300,
        },
      ],
      notes: [
        'The first network call of a deploy is STS GetCallerIdentity; AWS_ENDPOINT_URL points it at a loopback listener that records the connection and closes it.',
        'Peak RSS is the action process only: the CDK app (synth) and the e2e command are child processes with their own memory.',
      ],
      raw: { first, bare, dist, rssKb: rss },
    };
  },
};
