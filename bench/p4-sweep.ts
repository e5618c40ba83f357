import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { mapLimit } from '../src/workflows/map-limit.js';
import { MOTO_ENV } from '../test/support/moto.js';
import { formatMs, formatNumber, formatRatio, formatSummary, summarize } from './stats.js';
import { type Benchmark, type BenchResult, runActionTimed, type Services, withServices } from './support.js';

const REPO = 'octo-org/invoices';
const FUTURE = '2999-01-01T00:00:00Z';
const TEMPLATE = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });

/** Sizes swept, smallest first. */
const SIZES = [50, 200] as const;
/** Environments swept once with comment: true, to show the cost of editing each PR's comment. */
const COMMENTED = 20;
/** Stacks per environment: a data stack (wave 0) that two stacks (wave 1) depend on. */
const STACKS = [
  { suffix: 'data', wave: '0' },
  { suffix: 'api', wave: '1' },
  { suffix: 'web', wave: '1' },
] as const;

interface SweepRun {
  environments: number;
  stacks: number;
  wall: number;
  cfnCalls: number;
  cfnWrites: number;
  stsCalls: number;
  githubRequests: number;
  githubWrites: number;
  pullLookups: number;
  distinctPulls: number;
  maxLookupsPerPull: number;
}

/**
 * Plants `count` stale environments: STACKS.length stacks each, with prenv's tags for this repository, whose PR
 * is closed and has its sticky comment (what a real closed PR whose destroy failed looks like).
 */
async function plant({ moto, github }: Services, count: number): Promise<void> {
  await moto.reset();
  github.reset();
  const client = new CloudFormationClient({
    region: MOTO_ENV.AWS_REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    const numbers = Array.from({ length: count }, (_, index) => 1_000 + index);
    for (const number of numbers) {
      github.addPull({ number, state: 'closed', merged: true });
      github.addComment(number, `<!-- prenv:pr-${number} -->\nready`);
    }
    const stacks = numbers.flatMap((number) => STACKS.map((stack) => ({ number, ...stack })));
    await mapLimit(stacks, 8, async ({ number, suffix, wave }) => {
      await client.send(
        new CreateStackCommand({
          StackName: `pr-${number}-${suffix}`,
          TemplateBody: TEMPLATE,
          Tags: Object.entries({
            'prenv:managed-by': 'prenv',
            'prenv:repository': REPO,
            'prenv:pull-request': String(number),
            'prenv:environment': `pr-${number}`,
            'prenv:expires-at': FUTURE,
            'prenv:wave': wave,
          }).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    });
  } finally {
    client.destroy();
  }
}

export async function sweepOnce(services: Services, count: number, comment: boolean): Promise<SweepRun> {
  const { github, proxy } = services;
  await plant(services, count);
  proxy.calls.length = 0;
  const run = await runActionTimed({
    github,
    awsEndpoint: proxy.endpoint,
    event: 'schedule',
    inputs: { comment: String(comment) },
    timeoutMs: 900_000,
  });
  if (run.exitCode !== 0) throw new Error(`cleanup failed:\n${run.log.slice(-3_000)}`);
  const deleted = (JSON.parse(run.outputs.stacks ?? '[]') as string[]).length;
  if (deleted !== count * STACKS.length)
    throw new Error(
      `cleanup deleted ${deleted} of ${count * STACKS.length} stacks:\n${run.log.slice(-3_000)}`,
    );
  const lookups = github.requests.filter(
    (request) => request.method === 'GET' && /\/pulls\/\d+$/.test(request.path),
  );
  const perPull = new Map<string, number>();
  for (const request of lookups) perPull.set(request.path, (perPull.get(request.path) ?? 0) + 1);
  return {
    environments: count,
    stacks: count * STACKS.length,
    wall: run.durationMs,
    cfnCalls: proxy.calls.filter((call) => call.service === 'cloudformation').length,
    cfnWrites: proxy.writes('cloudformation').length,
    stsCalls: proxy.calls.filter((call) => call.service === 'sts').length,
    githubRequests: github.requests.length,
    githubWrites: github.requests.filter((request) => request.method !== 'GET').length,
    pullLookups: lookups.length,
    distinctPulls: perPull.size,
    maxLookupsPerPull: Math.max(0, ...perPull.values()),
  };
}

/** P4: the cleanup sweep over 50 and 200 planted stale environments. */
export const sweep: Benchmark = {
  id: 'p4',
  title: 'P4 cleanup sweep: 50 and 200 stale environments of 3 stacks',
  async run({ runs, progress }): Promise<BenchResult> {
    return withServices(async (services) => {
      const bySize = new Map<number, SweepRun[]>(SIZES.map((size) => [size, []]));
      const ratios: number[] = [];
      /** Per pair: (wall large − wall small) ÷ extra environments. */
      const marginals: number[] = [];
      for (let index = 0; index < runs; index++) {
        const order = index % 2 === 0 ? [...SIZES] : [...SIZES].reverse();
        const pair = new Map<number, SweepRun>();
        for (const size of order) {
          const run = await sweepOnce(services, size, false);
          pair.set(size, run);
          bySize.get(size)?.push(run);
        }
        const small = pair.get(SIZES[0]) as SweepRun;
        const large = pair.get(SIZES[1]) as SweepRun;
        ratios.push(large.wall / small.wall);
        marginals.push((large.wall - small.wall) / (large.environments - small.environments));
        progress(
          `p4 ${index + 1}/${runs}: ${SIZES[0]} → ${formatMs(small.wall)}, ${SIZES[1]} → ${formatMs(large.wall)} (${formatRatio(large.wall / small.wall)})`,
        );
      }
      // With comments: every swept PR's sticky comment is edited, one GitHub write per environment.
      const withComments = await sweepOnce(services, COMMENTED, true);
      progress(`p4 with comments: ${COMMENTED} → ${formatMs(withComments.wall)}`);
      const ratio = summarize(ratios);
      const marginal = summarize(marginals);
      const fixed = summarize(
        (bySize.get(SIZES[0]) ?? []).map(
          (run, index) => run.wall - run.environments * (marginals[index] ?? 0),
        ),
      );
      const perEnv = (pick: (run: SweepRun) => number) => (run: SweepRun) => pick(run) / run.environments;
      const col = (rows: readonly SweepRun[], pick: (run: SweepRun) => number, format = formatMs) =>
        formatSummary(summarize(rows.map(pick)), format);
      const all = [...bySize.values()].flat();
      const maxLookups = Math.max(...all.map((run) => run.maxLookupsPerPull));
      return {
        id: 'p4',
        title: sweep.title,
        runs,
        tables: [
          {
            title: `Marginal cost, from each interleaved pair: (wall ${SIZES[1]} − wall ${SIZES[0]}) ÷ ${SIZES[1] - SIZES[0]} environments of ${STACKS.length} stacks`,
            headers: ['measure', 'median (min–max)'],
            rows: [
              ['marginal wall per environment', formatSummary(marginal)],
              [
                `marginal wall per stack (÷ ${STACKS.length})`,
                formatSummary({
                  ...marginal,
                  median: marginal.median / STACKS.length,
                  min: marginal.min / STACKS.length,
                  max: marginal.max / STACKS.length,
                }),
              ],
              [
                `fixed cost: wall ${SIZES[0]} − ${SIZES[0]} × marginal (start-up, credentials, list)`,
                formatSummary(fixed),
              ],
            ],
          },
          {
            title: `${runs} runs per size with comment: false, sizes interleaved, then one run of ${COMMENTED} with comment: true; every environment is ${STACKS.length} stacks (${STACKS.map((stack) => `pr-N-${stack.suffix}, wave ${stack.wave}`).join('; ')}) whose PR is closed and has a sticky comment`,
            headers: [
              'environments',
              'wall',
              'wall per environment',
              'wall per stack',
              'CloudFormation calls / env',
              'CloudFormation writes / env',
              'GitHub requests / env',
              'GitHub writes / env',
              'PR lookups / distinct PR (max)',
            ],
            rows: [
              ...SIZES.map((size) => [size, bySize.get(size) ?? []] as const),
              [COMMENTED, [withComments]] as const,
            ].map(([size, rows]) => {
              return [
                rows[0] === withComments ? `${size}, comment: true (1 run)` : `${size}, comment: false`,
                col(rows, (run) => run.wall),
                col(
                  rows,
                  perEnv((run) => run.wall),
                ),
                col(rows, (run) => run.wall / run.stacks),
                col(
                  rows,
                  perEnv((run) => run.cfnCalls),
                  formatNumber,
                ),
                col(
                  rows,
                  perEnv((run) => run.cfnWrites),
                  formatNumber,
                ),
                col(
                  rows,
                  perEnv((run) => run.githubRequests),
                  formatNumber,
                ),
                col(
                  rows,
                  perEnv((run) => run.githubWrites),
                  formatNumber,
                ),
                `${col(rows, (run) => run.pullLookups / run.distinctPulls, formatNumber)} (${Math.max(...rows.map((run) => run.maxLookupsPerPull))})`,
              ];
            }),
          },
        ],
        targets: [
          {
            name: `P4 time ${SIZES[1]} ÷ time ${SIZES[0]} (${STACKS.length} stacks per environment)`,
            goal: '≤ 4× (weak: any linear sweep with a start-up cost meets it)',
            measured: formatSummary(ratio, formatRatio),
            met: ratio.median <= 4,
          },
          {
            name: `P4 marginal wall per stack on moto (${STACKS.length} stacks per environment)`,
            goal: '(reported; the 25 ms target is prenv time, see p4-fake)',
            measured: formatSummary({
              ...marginal,
              median: marginal.median / STACKS.length,
              min: marginal.min / STACKS.length,
              max: marginal.max / STACKS.length,
            }),
            met: true,
          },
          {
            name: 'P4 GitHub PR lookups per distinct PR',
            goal: '≤ 1',
            measured: `${maxLookups} (max over all runs)`,
            met: maxLookups <= 1,
          },
        ],
        notes: [
          "The scaling runs use comment: false: with comments on, every environment costs one comment edit, and @octokit/plugin-throttling spaces GitHub writes at least 1 s apart (its write group: maxConcurrent 1, minTime 1000 ms), so the sweep takes ≥ 1 s per environment whatever else it does (the comment: true row). That keeps 5 × (50 + 200) runs out of the 10-minute budget, and it is GitHub's own guidance for content-creating requests, so it is not a defect.",
          `The marginal wall per stack on moto includes the API calls themselves (moto's answers, SDK signing and parsing, the recording proxy) on a shared machine; prenv's own share is p4-fake's figure.`,
          'Stacks are planted directly on moto (not timed); the sweep goes through the recording proxy with no added latency, and the GitHub stand-in answers at once.',
        ],
        raw: { bySize: Object.fromEntries(bySize), marginals },
      };
    });
  },
};
