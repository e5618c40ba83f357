import { formatMs, formatNumber, formatRatio, formatSummary, summarize } from './stats.js';
import {
  type Benchmark,
  type BenchResult,
  groupSpan,
  runActionTimed,
  type Services,
  type TimedRun,
  withServices,
} from './support.js';

const APP = 'bench/fixtures/four-stacks';
const STACKS = ['alpha', 'bravo', 'charlie', 'delta'] as const;
/** Added by the proxy before every CloudFormation call (only CloudFormation). */
export const CFN_LATENCY_MS = 150;
const INPUTS = { 'app-dir': APP, 'deployment-method': 'direct', bootstrap: 'true', comment: 'false' };

interface Arm {
  /** The Deploy group(s): what scheduling changes. */
  deploy: number;
  wall: number;
  cfnCalls: number;
}

async function deployRun(
  services: Services,
  number: number,
  chain: boolean,
): Promise<{ run: TimedRun; deploy: number }> {
  const { github, proxy } = services;
  const run = await runActionTimed({
    inputs: chain ? { ...INPUTS, context: 'bench:chain=true' } : INPUTS,
    github,
    awsEndpoint: proxy.endpoint,
    eventOverrides: { number, pull_request: { number } },
  });
  const deploy = groupSpan(run.lines, /^Deploy /);
  if (run.exitCode !== 0 || deploy === undefined) throw new Error(`deploy failed:\n${run.log.slice(-3_000)}`);
  const deployed = (JSON.parse(run.outputs.stacks ?? '[]') as string[]).length;
  if (deployed !== STACKS.length) throw new Error(`deployed ${deployed} stacks, expected ${STACKS.length}`);
  return { run, deploy: deploy.end - deploy.start };
}

/** P5: four independent stacks in one prenv run, against the same four deployed one at a time. */
export const parallelStacks: Benchmark = {
  id: 'p5',
  title: `P5 parallel stacks: 4 independent stacks, ${CFN_LATENCY_MS} ms added to every CloudFormation call`,
  async run({ runs, progress }): Promise<BenchResult> {
    return withServices(
      async (services) => {
        const { github, proxy } = services;
        for (let number = 500; number < 500 + runs * 2 + 1; number++)
          github.addPull({ number, state: 'open' });
        // Warm-up, not measured: bootstraps moto and warms the synth caches.
        await deployRun(services, 500 + runs * 2, false);
        const together: Arm[] = [];
        const oneByOne: Arm[] = [];
        const ratios: number[] = [];
        for (let index = 0; index < runs; index++) {
          const order = index % 2 === 0 ? ['together', 'one-by-one'] : ['one-by-one', 'together'];
          for (const arm of order) {
            proxy.calls.length = 0;
            const chain = arm === 'one-by-one';
            const { run, deploy } = await deployRun(services, 500 + (chain ? runs : 0) + index, chain);
            const cfnCalls = proxy.calls.filter((call) => call.service === 'cloudformation').length;
            (chain ? oneByOne : together).push({ deploy, wall: run.durationMs, cfnCalls });
          }
          const t = together.at(-1) as Arm;
          const o = oneByOne.at(-1) as Arm;
          ratios.push(t.deploy / o.deploy);
          progress(
            `p5 ${index + 1}/${runs}: deploy phase together ${formatMs(t.deploy)}, one at a time ${formatMs(o.deploy)} (${formatRatio(t.deploy / o.deploy)})`,
          );
        }
        const ratio = summarize(ratios);
        const col = (rows: Arm[], pick: (arm: Arm) => number, format = formatMs) =>
          formatSummary(summarize(rows.map(pick)), format);
        return {
          id: 'p5',
          title: parallelStacks.title,
          runs,
          tables: [
            {
              title: `${runs} runs per arm, interleaved. A loopback proxy in front of moto adds ${CFN_LATENCY_MS} ms to every CloudFormation call (moto alone answers at once, which hides scheduling)`,
              headers: ['arm', 'deploy phase (`Deploy` group)', 'wall', 'CloudFormation calls'],
              rows: [
                [
                  'prenv, one run, 4 stacks (toolkit concurrency)',
                  col(together, (arm) => arm.deploy),
                  col(together, (arm) => arm.wall),
                  col(together, (arm) => arm.cfnCalls, formatNumber),
                ],
                [
                  'prenv, one run, the same 4 stacks chained (bench:chain: each depends on the previous, so one at a time)',
                  col(oneByOne, (arm) => arm.deploy),
                  col(oneByOne, (arm) => arm.wall),
                  col(oneByOne, (arm) => arm.cfnCalls, formatNumber),
                ],
                [
                  'ratio of deploy phases, together ÷ one at a time',
                  formatSummary(ratio, formatRatio),
                  '',
                  '',
                ],
              ],
            },
          ],
          targets: [
            {
              name: 'P5 deploy phase, 4 stacks together ÷ one at a time',
              goal: '(no target; ideal ≈ 0.25×)',
              measured: formatSummary(ratio, formatRatio),
              met: ratio.median < 0.5,
            },
          ],
          notes: [
            `Fixture ${APP}: four independent stacks (an SQS queue and an SNS topic each, no assets). The one-at-a-time arm is the same app with context bench:chain=true, which adds stack dependencies (manifest only: the templates are identical), so both arms run the same action, toolkit, templates and per-stack calls, and only the scheduling differs. Fairer than four separate runs (which would add three start-ups and synths) or the CDK CLI with --concurrency 1 (another tool).`,
            'The deploy phase is compared (the `Deploy` group in the log); wall adds start-up, credentials and synth, the same in both arms.',
          ],
          raw: { together, oneByOne, ratios },
        };
      },
      { latencyMs: (call) => (call.service === 'cloudformation' ? CFN_LATENCY_MS : 0) },
    );
  },
};
