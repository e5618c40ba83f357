import { join } from 'node:path';
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

interface NoopRun {
  wall: number;
  synth: number;
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

function measure(run: TimedRun): Pick<NoopRun, 'wall' | 'synth' | 'beforeSynth' | 'afterSynth'> {
  if (run.exitCode !== 0) throw new Error(`no-op synchronize failed:\n${run.log.slice(-3_000)}`);
  const synth = groupSpan(run.lines, /^Synthesize/);
  if (synth === undefined) throw new Error(`no synth group in the log:\n${run.log.slice(-3_000)}`);
  if (!/nothing to deploy/.test(run.log))
    throw new Error(`the synchronize deployed something:\n${run.log.slice(-3_000)}`);
  return {
    wall: run.durationMs,
    synth: loggedNumber(run.lines, /^Synthesized \d+ stack\(s\) in (\d+) ms/) ?? synth.end - synth.start,
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
      const first = await runActionTimed({ inputs: INPUTS, github, awsEndpoint: proxy.endpoint });
      if (first.exitCode !== 0) throw new Error(`first deploy failed:\n${first.log.slice(-3_000)}`);
      const withGitHub: NoopRun[] = [];
      const without: NoopRun[] = [];
      for (let index = 0; index < runs; index++) {
        const order = index % 2 === 0 ? [true, false] : [false, true];
        for (const useGitHub of order) {
          proxy.calls.length = 0;
          const seen = github.requests.length;
          const run = await runActionTimed({
            inputs: useGitHub ? INPUTS : { ...INPUTS, 'github-token': '' },
            ...(useGitHub ? { github } : {}),
            awsEndpoint: proxy.endpoint,
            event: 'pull-request-synchronize',
          });
          const requests = github.requests.slice(seen);
          const writes = requests.filter((request) => request.method !== 'GET');
          const gaps = writes
            .slice(1)
            .map((request, at) => request.time.getTime() - (writes[at]?.time.getTime() ?? 0));
          const result: NoopRun = {
            ...measure(run),
            cfnWrites: proxy.writes('cloudformation').length,
            cfnCalls: proxy.calls.filter((call) => call.service === 'cloudformation').length,
            awsCalls: proxy.calls.length,
            githubRequests: requests.length,
            githubWrites: writes.length,
            githubWriteGap: Math.max(0, ...gaps),
          };
          (useGitHub ? withGitHub : without).push(result);
        }
        const last = withGitHub.at(-1) as NoopRun;
        progress(
          `p2 ${index + 1}/${runs}: wall ${formatMs(last.wall)}, synth ${formatMs(last.synth)}, without GitHub ${formatMs((without.at(-1) as NoopRun).wall)}, CFN writes ${last.cfnWrites}`,
        );
      }
      const col = (rows: NoopRun[], pick: (run: NoopRun) => number, format = formatMs) =>
        formatSummary(summarize(rows.map(pick)), format);
      const overhead = summarize(withGitHub.map((run) => run.wall - run.synth));
      const overheadNoGitHub = summarize(without.map((run) => run.wall - run.synth));
      const githubShare = summarize(
        withGitHub.map((run, at) => run.wall - (without[at]?.wall ?? Number.NaN)),
      );
      const maxWrites = Math.max(
        ...withGitHub.map((run) => run.cfnWrites),
        ...without.map((run) => run.cfnWrites),
      );
      const rows = (label: string, data: NoopRun[]) => [
        label,
        col(data, (run) => run.wall),
        col(data, (run) => run.synth),
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
              'synth (logged)',
              'wall − synth',
              'spawn → synth start',
              'synth end → exit',
              'CloudFormation writes',
              'CloudFormation calls',
              'GitHub requests',
            ],
            rows: [
              rows('synchronize, with GitHub (comment + deployment)', withGitHub),
              rows('synchronize, github-token empty (no GitHub calls)', without),
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
        ],
        targets: [
          {
            name: 'P2 CloudFormation writes',
            goal: '0',
            measured: `${maxWrites} (max over ${runs * 2} runs)`,
            met: maxWrites === 0,
          },
          {
            name: 'P2 wall − synth',
            goal: '≤ 1 s',
            measured: formatSummary(overhead),
            met: overhead.median <= 1_000,
          },
          {
            name: 'P2 wall − synth, without GitHub',
            goal: '(diagnostic)',
            measured: formatSummary(overheadNoGitHub),
            met: overheadNoGitHub.median <= 1_000,
          },
        ],
        notes: [
          `Fixture ${join(ROOT, APP).replace(`${ROOT}/`, '')}, deployed once before the runs; each run is a \`synchronize\` with the same head (same fingerprint). Calls go through the recording proxy with no added latency.`,
          'The GitHub stand-in answers at once: real GitHub adds ~100–300 ms per call.',
        ],
        raw: { withGitHub, without },
      };
    });
  },
};
