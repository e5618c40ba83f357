import { join } from 'node:path';
import type { AwsProxy } from '../test/support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../test/support/github-server.js';
import { appSynthAlone, prenvContext } from './app-alone.js';
import { formatMs, formatNumber, formatSummary, summarize } from './stats.js';
import {
  type Benchmark,
  type BenchResult,
  groupSpan,
  loggedNumber,
  ROOT,
  runActionTimed,
  type TimedRun,
  withServices,
} from './support.js';

const APP = 'test/fixtures/apps/two-stacks';
const INPUTS = { 'app-dir': APP, 'deployment-method': 'direct', bootstrap: 'true' };

/** Added to every request of the slow GitHub stand-in: about what a call to api.github.com costs from a runner. */
const GITHUB_LATENCY_MS = 100;

type Arm = 'instant' | 'slow' | 'none' | 'alone';

interface NoopRun {
  wall: number;
  /** The CDK app's own process time (spawn → exit), as prenv logs it. */
  synth: number;
  /** The whole `Synthesize` group (the app's run plus prenv's work around it). */
  synthGroup: number;
  beforeSynth: number;
  afterSynth: number;
  cfnWrites: number;
  cfnCalls: number;
  awsCalls: number;
  githubRequests: number;
  githubWrites: number;
  /** Longest gap between two consecutive GitHub writes, ms (plugin-throttling spaces writes). */
  githubWriteGap: number;
}

function measure(
  run: TimedRun,
): Pick<NoopRun, 'wall' | 'synth' | 'synthGroup' | 'beforeSynth' | 'afterSynth'> {
  if (run.exitCode !== 0) throw new Error(`no-op synchronize failed:\n${run.log.slice(-3_000)}`);
  const synth = groupSpan(run.lines, /^Synthesize/);
  if (synth === undefined) throw new Error(`no synth group in the log:\n${run.log.slice(-3_000)}`);
  if (!/nothing to deploy/.test(run.log))
    throw new Error(`the synchronize deployed something:\n${run.log.slice(-3_000)}`);
  const app = loggedNumber(run.lines, /^The CDK app synthesized in (\d+) ms/);
  if (app === undefined) throw new Error(`no app synth time in the log:\n${run.log.slice(-3_000)}`);
  return {
    wall: run.durationMs,
    synth: app,
    synthGroup: synth.end - synth.start,
    beforeSynth: synth.start,
    afterSynth: run.durationMs - synth.end,
  };
}

/** P2: a synchronize with no infrastructure change: CloudFormation writes, and wall time against synth. */
export const noopPush: Benchmark = {
  id: 'p2',
  title: 'P2 no-op push: synchronize with no infrastructure change',
  async run({ runs, progress }): Promise<BenchResult> {
    return withServices(async ({ github, proxy }) => {
      github.addPull({ number: 42, state: 'open' });
      const slow = await startGitHubServer({ latencyMs: GITHUB_LATENCY_MS });
      try {
        slow.addPull({ number: 42, state: 'open' });
        const first = await runActionTimed({ inputs: INPUTS, github, awsEndpoint: proxy.endpoint });
        if (first.exitCode !== 0) throw new Error(`first deploy failed:\n${first.log.slice(-3_000)}`);
        // The slow stand-in gets its sticky comment and deployment before the measured runs, as GitHub has them.
        await runArm('slow', { github, slow, proxy });
        return await measureArms(runs, progress, { github, slow, proxy });
      } finally {
        await slow.close();
      }
    });
  },
};

interface Stands {
  readonly github: GitHubServer;
  readonly slow: GitHubServer;
  readonly proxy: AwsProxy;
}

/** One no-op synchronize: GitHub instant, GitHub with latency, or no GitHub token at all. */
async function runArm(arm: Arm, { github, slow, proxy }: Stands): Promise<NoopRun> {
  const server = arm === 'slow' ? slow : github;
  proxy.calls.length = 0;
  const seen = server.requests.length;
  const run = await runActionTimed({
    inputs: arm === 'none' ? { ...INPUTS, 'github-token': '' } : INPUTS,
    ...(arm === 'none' ? {} : { github: server }),
    awsEndpoint: proxy.endpoint,
    event: 'pull-request-synchronize',
  });
  const requests = arm === 'none' ? [] : server.requests.slice(seen);
  const writes = requests.filter((request) => request.method !== 'GET');
  const gaps = writes
    .slice(1)
    .map((request, at) => request.time.getTime() - (writes[at]?.time.getTime() ?? 0));
  return {
    ...measure(run),
    cfnWrites: proxy.writes('cloudformation').length,
    cfnCalls: proxy.calls.filter((call) => call.service === 'cloudformation').length,
    awsCalls: proxy.calls.length,
    githubRequests: requests.length,
    githubWrites: writes.length,
    githubWriteGap: Math.max(0, ...gaps),
  };
}

async function measureArms(
  runs: number,
  progress: (message: string) => void,
  stands: Stands,
): Promise<BenchResult> {
  const withGitHub: NoopRun[] = [];
  const without: NoopRun[] = [];
  const slowGitHub: NoopRun[] = [];
  const alone: number[] = [];
  const arms: Record<Exclude<Arm, 'alone'>, NoopRun[]> = {
    instant: withGitHub,
    none: without,
    slow: slowGitHub,
  };
  const orders: Arm[][] = [
    ['instant', 'alone', 'none', 'slow'],
    ['none', 'slow', 'alone', 'instant'],
    ['alone', 'slow', 'instant', 'none'],
  ];
  for (let index = 0; index < runs; index++) {
    for (const arm of orders[index % orders.length] as Arm[]) {
      if (arm === 'alone') alone.push(await appSynthAlone(join(ROOT, APP), prenvContext(42)));
      else arms[arm].push(await runArm(arm, stands));
    }
    const last = withGitHub.at(-1) as NoopRun;
    progress(
      `p2 ${index + 1}/${runs}: wall ${formatMs(last.wall)}, app synth ${formatMs(last.synth)}, without GitHub ${formatMs((without.at(-1) as NoopRun).wall)}, GitHub +${GITHUB_LATENCY_MS} ms ${formatMs((slowGitHub.at(-1) as NoopRun).wall)}, CFN writes ${last.cfnWrites}`,
    );
  }
  const col = (rows: NoopRun[], pick: (run: NoopRun) => number, format = formatMs) =>
    formatSummary(summarize(rows.map(pick)), format);
  const overhead = summarize(withGitHub.map((run) => run.wall - run.synth));
  const overheadNoGitHub = summarize(without.map((run) => run.wall - run.synth));
  const overheadSlow = summarize(slowGitHub.map((run) => run.wall - run.synth));
  // Within each round: prenv's wall against the same app run by itself.
  const overheadAlone = summarize(withGitHub.map((run, at) => run.wall - (alone[at] ?? Number.NaN)));
  const githubShare = summarize(withGitHub.map((run, at) => run.wall - (without[at]?.wall ?? Number.NaN)));
  const maxWrites = Math.max(
    ...withGitHub.map((run) => run.cfnWrites),
    ...without.map((run) => run.cfnWrites),
    ...slowGitHub.map((run) => run.cfnWrites),
  );
  const rows = (label: string, data: NoopRun[]) => [
    label,
    col(data, (run) => run.wall),
    col(data, (run) => run.synth),
    col(data, (run) => run.synthGroup),
    col(data, (run) => run.wall - run.synth),
    col(data, (run) => run.beforeSynth),
    col(data, (run) => run.afterSynth),
    col(data, (run) => run.cfnWrites, formatNumber),
    col(data, (run) => run.cfnCalls, formatNumber),
    col(data, (run) => run.githubRequests, formatNumber),
  ];
  return {
    id: 'p2',
    title: noopPush.title,
    runs,
    tables: [
      {
        title: `${runs} runs per arm, interleaved, fixture ${APP} (2 stacks, a file asset, a cross-stack reference), no test-command`,
        headers: [
          'run',
          'wall',
          'app synth (its process)',
          '`Synthesize` group',
          'wall − app synth',
          'spawn → synth start',
          'synth end → exit',
          'CloudFormation writes',
          'CloudFormation calls',
          'GitHub requests',
        ],
        rows: [
          rows('synchronize, with GitHub (comment + deployment)', withGitHub),
          rows('synchronize, github-token empty (no GitHub calls)', without),
          rows(`synchronize, GitHub stand-in +${GITHUB_LATENCY_MS} ms per call`, slowGitHub),
        ],
      },
      {
        headers: ['GitHub in the no-op run', 'median (min–max)'],
        rows: [
          ['wall with GitHub − wall without (same pair)', formatSummary(githubShare)],
          ['GitHub writes per run', col(withGitHub, (run) => run.githubWrites, formatNumber)],
          ['longest gap between two GitHub writes', col(withGitHub, (run) => run.githubWriteGap)],
        ],
      },
      {
        headers: ["The app's synth with and without prenv beside it", 'median (min–max)'],
        rows: [
          ['the app run by itself (spawn → exit)', formatSummary(summarize(alone))],
          [
            "the app inside prenv's run, GitHub instant (as prenv logs it)",
            col(withGitHub, (run) => run.synth),
          ],
          ["prenv's wall, GitHub instant − the app by itself (same round)", formatSummary(overheadAlone)],
        ],
      },
    ],
    targets: [
      {
        name: 'P2 CloudFormation writes',
        goal: '0',
        measured: `${maxWrites} (max over ${runs * 2} runs)`,
        met: maxWrites === 0,
      },
      {
        name: 'P2 wall − app synth (GitHub stand-in instant)',
        goal: '≤ 0.5 s',
        measured: formatSummary(overhead),
        met: overhead.median <= 500,
      },
      {
        name: 'P2 wall − the app run by itself (GitHub stand-in instant)',
        goal: '≤ 0.5 s',
        measured: formatSummary(overheadAlone),
        met: overheadAlone.median <= 500,
      },
      {
        name: `P2 wall − app synth, GitHub +${GITHUB_LATENCY_MS} ms per call`,
        goal: '(diagnostic)',
        measured: formatSummary(overheadSlow),
        met: overheadSlow.median <= 500,
      },
      {
        name: 'P2 wall − app synth, without GitHub',
        goal: '(diagnostic)',
        measured: formatSummary(overheadNoGitHub),
        met: overheadNoGitHub.median <= 500,
      },
    ],
    notes: [
      `Fixture ${join(ROOT, APP).replace(`${ROOT}/`, '')}, deployed once before the runs; each run is a \`synchronize\` with the same head (same fingerprint). Calls go through the recording proxy with no added latency.`,
      "\"app synth\" is the CDK app's own process time, spawn → exit, as prenv logs it (`The CDK app synthesized in X ms`): prenv runs the app itself; while the app runs, prenv's own thread loads toolkit-lib and the diff's resource database (about 1.5 s of work beside the app's process, so that a push that changes a stack does not wait for it afterwards; a no-op push pays it in CPU, not in wall time unless the app ends first). The `Synthesize` group adds reading cdk.json and the context files and the manifest, and fingerprinting the templates.",
      `The GitHub stand-in answers at once in the first rows; the third arm adds ${GITHUB_LATENCY_MS} ms to every GitHub call (its sticky comment and deployment made by an unmeasured run first), which is closer to what api.github.com costs from a runner.`,
    ],
    raw: { withGitHub, without, slowGitHub },
  };
}
