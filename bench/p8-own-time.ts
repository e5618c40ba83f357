import { join } from 'node:path';
import { MOTO_ACCOUNT, MOTO_ENV } from '../test/support/moto.js';
import { latencyModel } from '../test/support/realism/latency-model.js';
import { stackOperationsInProgress } from '../test/support/realism/stack-operations.js';
import { appSynthAlone, prenvContext } from './app-alone.js';
import { cdk, check, node24Path } from './cdk-cli.js';
import { formatMs } from './stats.js';
import {
  type Benchmark,
  type BenchResult,
  groupSpan,
  loggedNumber,
  ROOT,
  runActionTimed,
  type TimedLine,
  withServices,
} from './support.js';

/** Real milliseconds per modelled second: 1000 runs the model at real-AWS speed (scale 1). */
const MS_PER_SECOND = Number(process.env.PRENV_BENCH_MS_PER_SECOND ?? 1000);
const NUMBER = 81;

/**
 * P1 restated as prenv's own time: the first deploy of the sample app with its e2e suite, under the
 * latency model, minus what is not prenv's (the app's synth, the e2e suite, CloudFormation in
 * progress, the asset upload). The polling lag (CloudFormation done → prenv notices) is its own line.
 */
export const ownTime: Benchmark = {
  id: 'p8',
  title: "P1 restated: prenv's own time in a first deploy of the sample app, under the latency model",
  async run(context): Promise<BenchResult> {
    const m = await withServices(async ({ github, proxy, moto }) => {
      github.addPull({ number: NUMBER, state: 'open' });
      context.progress('setup (model off): cdk bootstrap');
      check(
        await cdk(['bootstrap', `aws://${MOTO_ACCOUNT}/${MOTO_ENV.AWS_REGION}`], {
          cwd: join(ROOT, 'sample-app'),
          endpoint: moto.endpoint,
        }),
        'cdk bootstrap',
      );
      const model = latencyModel({ msPerSecond: MS_PER_SECOND });
      const operations = stackOperationsInProgress({
        msPerSecond: MS_PER_SECOND,
        secondsOf: (operation, stack, request) => model.secondsOf(operation, stack, request),
      });
      proxy.configure({ realism: [model, operations] });
      // The app run by itself: once to warm tsx's and esbuild's caches as the deploy will find them,
      // then again after the deploy for the figure (see app-alone.ts).
      const appDir = join(ROOT, 'sample-app');
      const appEnv = { PATH: node24Path() };
      await appSynthAlone(appDir, prenvContext(NUMBER), appEnv);
      context.progress('prenv: first deploy with the e2e suite, under the latency model');
      const started = Date.now();
      const run = await runActionTimed({
        inputs: {
          'app-dir': 'sample-app',
          'deployment-method': 'direct',
          'test-command': 'npm run test:e2e --workspace sample-app',
          'test-report': 'sample-app/reports/e2e-junit.xml',
        },
        github,
        awsEndpoint: proxy.endpoint,
        env: { PATH: node24Path() },
        eventOverrides: { number: NUMBER, pull_request: { number: NUMBER } },
      });
      if (run.exitCode !== 0) throw new Error(`prenv deploy failed:\n${run.log.slice(-3000)}`);
      const synthAlone = await appSynthAlone(appDir, prenvContext(NUMBER), appEnv);
      const synth = groupSpan(run.lines, /^Synthesize/);
      const tests = groupSpan(run.lines, /^Run e2e tests/);
      const assets = loggedNumber(run.lines, /^assets published in (\d+) ms/) ?? 0;
      const creates = operations.windows.filter((window) => window.status === 'CREATE_IN_PROGRESS');
      const cfnStart = Math.min(...creates.map((window) => window.startedAt));
      const cfnEnd = Math.max(...creates.map((window) => window.endsAt));
      const noticed = run.lines.find((line) => /: deployed in \d+ ms/.test(line.text));
      return {
        phases: phases(run.lines, run.durationMs),
        total: run.durationMs,
        synth: synth === undefined ? 0 : synth.end - synth.start,
        synthAlone,
        tests: tests === undefined ? 0 : tests.end - tests.start,
        assets,
        cloudFormation: cfnEnd - cfnStart,
        pollingLag: noticed === undefined ? Number.NaN : started + noticed.at - cfnEnd,
        modelled: model.log,
      };
    });
    // The app's own synth is the app run by itself: what the `Synthesize` group adds to it (prenv's
    // toolkit-lib load, reads and GitHub writes beside the app, on 2 cores) is prenv's.
    const own = m.total - m.synthAlone - m.tests - m.cloudFormation - m.assets;
    return {
      id: 'p8',
      title: this.title,
      runs: 1,
      tables: [
        {
          headers: ['part', 'time'],
          rows: [
            ['total (spawn → exit)', formatMs(m.total)],
            ['− app synth (the app run by itself)', formatMs(m.synthAlone)],
            ['− e2e suite (the `Run e2e tests` group)', formatMs(m.tests)],
            ['− CloudFormation in progress (modelled CREATE_IN_PROGRESS)', formatMs(m.cloudFormation)],
            ['− asset upload', formatMs(m.assets)],
            ["= prenv's own time", formatMs(own)],
            ['of which polling lag (CloudFormation done → prenv notices)', formatMs(m.pollingLag)],
            [
              'of which prenv beside the app (`Synthesize` group − the app by itself)',
              formatMs(m.synth - m.synthAlone),
            ],
          ],
        },
        {
          headers: ["phase (from the log lines' arrival)", 'wall time', "prenv's own part"],
          rows: m.phases.map((phase) => {
            const excluded = /^Synthesize/.test(phase.name)
              ? m.synthAlone
              : /^Run e2e tests/.test(phase.name)
                ? phase.ms
                : /^Deploy /.test(phase.name)
                  ? m.cloudFormation + m.assets
                  : 0;
            return [phase.name, formatMs(phase.ms), formatMs(phase.ms - excluded)];
          }),
        },
      ],
      targets: [{ name: "P1 prenv's own time", goal: '≤ 1 s', measured: formatMs(own), met: own <= 1000 }],
      notes: [
        `latency model at ${MS_PER_SECOND} ms per modelled second; prenv's default polling; deployment-method direct (emulator-only: moto's change sets drop Outputs, which the e2e suite needs); bootstrapped beforehand with cdk bootstrap (not measured)`,
      ],
      raw: m,
    };
  },
};

/** The run cut at its log groups: each `::group::` span, and what ran between them, in order. */
export function phases(lines: readonly TimedLine[], total: number): { name: string; ms: number }[] {
  const found: { name: string; ms: number }[] = [];
  let at = 0;
  let open: { name: string; start: number } | undefined;
  for (const line of lines) {
    if (open === undefined && line.text.startsWith('::group::')) {
      found.push({ name: `(between groups, before ${line.text.slice(9, 40)})`, ms: line.at - at });
      open = { name: line.text.slice(9), start: line.at };
    } else if (open !== undefined && line.text.startsWith('::endgroup::')) {
      found.push({ name: open.name, ms: line.at - open.start });
      at = line.at;
      open = undefined;
    }
  }
  found.push({ name: '(after the last group: outputs, report, exit)', ms: total - at });
  return found;
}
