import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrangeOutputs } from '../src/domain/outputs.js';
import type { StackOutput } from '../src/domain/report.js';
import { pullRequestNumber } from '../test/fixtures/events.js';
import { MOTO_ENV } from '../test/support/moto.js';
import { cdk, check, emptyAssetBucket, node24Path, timedCommand } from './cdk-cli.js';
import { formatMs, formatRatio, formatSummary, summarize } from './stats.js';
import {
  type Benchmark,
  type BenchResult,
  groupSpan,
  lineAt,
  loggedNumber,
  ROOT,
  runActionTimed,
  type Services,
  type TimedLine,
  type TimedRun,
  withServices,
} from './support.js';

const APP_DIR = join(ROOT, 'sample-app');
const TEST_COMMAND = 'npm run test:e2e --workspace sample-app';
const INPUTS = {
  'app-dir': 'sample-app',
  'deployment-method': 'direct',
  bootstrap: 'true',
  'test-command': TEST_COMMAND,
  'test-report': 'sample-app/reports/e2e-junit.xml',
};

/** prenv's phases, in ms, measured from the timestamps of its own log lines. */
export interface PrenvPhases {
  startup: number;
  credentials: number;
  toolkitAndGitHub: number;
  synth: number;
  checks: number;
  assets: number;
  deploy: number;
  outputs: number;
  tests: number;
  report: number;
  destroy: number;
  total: number;
}

const PHASES: readonly [keyof PrenvPhases, string][] = [
  ['startup', 'start-up: spawn → `::group::AWS credentials`'],
  ['credentials', 'credentials: the `AWS credentials` group (STS)'],
  [
    'toolkitAndGitHub',
    'toolkit-lib load + GitHub (PR state, deployment, comment): credentials end → synth group',
  ],
  ['synth', 'synth: the `Synthesize` group'],
  ['checks', 'stack checks + bootstrap check: synth end → `Deploy` group'],
  ['assets', 'assets: `assets published in X ms`'],
  ['deploy', 'deploy: the `Deploy` group minus assets'],
  ['outputs', 'outputs + comment: deploy end → e2e group'],
  ['tests', 'tests: the `Run e2e tests` group'],
  ['report', 'report: e2e end → exit (deployment status, comment, summary)'],
  ['destroy', 'destroy: the whole `closed` run (start-up, credentials, delete, report)'],
];

function phasesOf(deploy: readonly TimedLine[], deployMs: number, destroyMs: number): PrenvPhases {
  const credentials = groupSpan(deploy, /^AWS credentials/);
  const synth = groupSpan(deploy, /^Synthesize/);
  const deploying = groupSpan(deploy, /^Deploy /);
  const tests = groupSpan(deploy, /^Run e2e tests/);
  if (!credentials || !synth || !deploying || !tests) throw new Error('prenv log lacks a phase group');
  const assets = loggedNumber(deploy, /^assets published in (\d+) ms/) ?? 0;
  const bootstrapStart = lineAt(deploy, /^::group::Bootstrap/, synth.end);
  return {
    startup: credentials.start,
    credentials: credentials.end - credentials.start,
    toolkitAndGitHub: synth.start - credentials.end,
    synth: synth.end - synth.start,
    checks: (bootstrapStart ?? deploying.start) - synth.end,
    assets,
    deploy: deploying.end - deploying.start - assets,
    outputs: tests.start - deploying.end,
    tests: tests.end - tests.start,
    report: deployMs - tests.end,
    destroy: destroyMs,
    total: deployMs + destroyMs,
  };
}

interface CliPhases {
  deploy: number;
  tests: number;
  destroy: number;
  total: number;
  synthDeploy?: number;
  synthDestroy?: number;
}

async function prenvArm(
  services: Services,
  number: number,
): Promise<{ phases: PrenvPhases; deploy: TimedRun }> {
  const { github, moto } = services;
  github.addPull({ number, state: 'open' });
  const env = { PATH: node24Path() };
  const overrides = pullRequestNumber(number) as Record<string, unknown>;
  const deployed = await runActionTimed({
    inputs: INPUTS,
    github,
    awsEndpoint: moto.endpoint,
    env,
    eventOverrides: overrides,
  });
  if (deployed.exitCode !== 0 || deployed.outputs['test-result'] !== 'passed') {
    throw new Error(`prenv deploy failed:\n${deployed.log.split('\n').slice(-40).join('\n')}`);
  }
  const destroyed = await runActionTimed({
    inputs: INPUTS,
    github,
    awsEndpoint: moto.endpoint,
    env,
    event: 'pull-request-closed-unmerged',
    eventOverrides: overrides,
  });
  if (destroyed.exitCode !== 0) throw new Error(`prenv destroy failed:\n${destroyed.log.slice(-3_000)}`);
  return { phases: phasesOf(deployed.lines, deployed.durationMs, destroyed.durationMs), deploy: deployed };
}

async function cliArm(services: Services, number: number): Promise<CliPhases> {
  const endpoint = services.moto.endpoint;
  const name = `pr-${number}`;
  const dir = await mkdtemp(join(tmpdir(), 'prenv-bench-cli-'));
  try {
    const common = ['-c', `prenv:name=${name}`, '--output', join(dir, 'cdk.out')];
    const outputsFile = join(dir, 'outputs.json');
    const deployed = await cdk(
      [
        'deploy',
        '--all',
        '--method=direct',
        '--require-approval',
        'never',
        '--outputs-file',
        outputsFile,
        ...common,
      ],
      { cwd: APP_DIR, endpoint },
    );
    check(deployed, 'cdk deploy');
    // The same environment prenv gives the e2e command: outputs as variables, the outputs file, name, credentials.
    const byStack = JSON.parse(await readFile(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
    const outputs: StackOutput[] = Object.entries(byStack).flatMap(([stack, values]) =>
      Object.entries(values).map(([key, value]) => ({ stack, key, value })),
    );
    const arranged = arrangeOutputs(outputs);
    const prenvOutputs = join(dir, `prenv-${name}-outputs.json`);
    await writeFile(prenvOutputs, `${JSON.stringify(arranged.byStack, null, 2)}\n`);
    const tests = await timedCommand(TEST_COMMAND, undefined, {
      cwd: ROOT,
      env: {
        PATH: node24Path(),
        HOME: process.env.HOME ?? dir,
        LANG: 'C.UTF-8',
        CI: 'true',
        AWS_ENDPOINT_URL: endpoint,
        ...arranged.variables,
        ...MOTO_ENV,
        PRENV_NAME: name,
        PRENV_OUTPUTS: prenvOutputs,
        PRENV_PULL_REQUEST: String(number),
      },
    });
    check(tests, 'the e2e suite after cdk deploy');
    const destroyed = await cdk(['destroy', '--all', '--force', ...common], { cwd: APP_DIR, endpoint });
    check(destroyed, 'cdk destroy');
    const synthDeploy = deployed.output.match(/Synthesis time: ([\d.]+)s/)?.[1];
    const synthDestroy = destroyed.output.match(/Synthesis time: ([\d.]+)s/)?.[1];
    return {
      deploy: deployed.durationMs,
      tests: tests.durationMs,
      destroy: destroyed.durationMs,
      total: deployed.durationMs + tests.durationMs + destroyed.durationMs,
      ...(synthDeploy === undefined ? {} : { synthDeploy: Number(synthDeploy) * 1_000 }),
      ...(synthDestroy === undefined ? {} : { synthDestroy: Number(synthDestroy) * 1_000 }),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Peak RSS of prenv's deploy runs in the last P1, for P3's table. */
export const deployPeakRssKb: number[] = [];

/** P1: deploy + e2e + destroy of sample-app, prenv against the CDK CLI, interleaved. */
export const lifecycle: Benchmark = {
  id: 'p1',
  title: 'P1 lifecycle: sample-app deploy + e2e + destroy, prenv vs the CDK CLI',
  async run({ runs, progress }): Promise<BenchResult> {
    return withServices(async (services) => {
      const endpoint = services.moto.endpoint;
      progress('p1: bootstrapping moto with the CDK CLI and warming the synth caches');
      check(
        await cdk(['bootstrap', `aws://123456789012/${MOTO_ENV.AWS_REGION}`], { cwd: APP_DIR, endpoint }),
        'cdk bootstrap',
      );
      check(
        await cdk(
          ['synth', '-q', '-c', 'prenv:name=pr-1', '--output', join(tmpdir(), 'prenv-bench-warm.out')],
          {
            cwd: APP_DIR,
            endpoint,
          },
        ),
        'cdk synth (warm-up)',
      );
      await rm(join(tmpdir(), 'prenv-bench-warm.out'), { recursive: true, force: true });
      const prenv: PrenvPhases[] = [];
      const cli: CliPhases[] = [];
      const ratios: number[] = [];
      deployPeakRssKb.length = 0;
      for (let index = 0; index < runs; index++) {
        // Alternate which arm goes first, so drift in machine load hits both arms alike.
        const order = index % 2 === 0 ? (['prenv', 'cli'] as const) : (['cli', 'prenv'] as const);
        let pair: { prenv?: PrenvPhases; cli?: CliPhases } = {};
        for (const arm of order) {
          await emptyAssetBucket(endpoint);
          if (arm === 'prenv') {
            const { phases, deploy } = await prenvArm(services, 100 + index);
            if (deploy.peakRssKb !== undefined) deployPeakRssKb.push(deploy.peakRssKb);
            pair = { ...pair, prenv: phases };
          } else {
            pair = { ...pair, cli: await cliArm(services, 200 + index) };
          }
        }
        const p = pair.prenv as PrenvPhases;
        const c = pair.cli as CliPhases;
        prenv.push(p);
        cli.push(c);
        ratios.push(p.total / c.total);
        progress(
          `p1 ${index + 1}/${runs}: prenv ${formatMs(p.total)} (synth ${formatMs(p.synth)}), CLI ${formatMs(c.total)} → ${formatRatio(p.total / c.total)}`,
        );
      }
      const ratio = summarize(ratios);
      const floors = prenv.map((p, at) => (p.synth + p.tests) / (cli[at]?.total ?? Number.NaN));
      const col = (values: number[]) => formatSummary(summarize(values));
      return {
        id: 'p1',
        title: lifecycle.title,
        runs,
        tables: [
          {
            title: `Totals (${runs} interleaved pairs, order alternating; ratio = prenv ÷ CLI within each pair)`,
            headers: ['arm', 'deploy (+ synth)', 'e2e', 'destroy', 'total'],
            rows: [
              [
                'prenv (dist/index.js: `opened` run + `closed` run)',
                col(prenv.map((p) => p.total - p.destroy - p.tests)),
                col(prenv.map((p) => p.tests)),
                col(prenv.map((p) => p.destroy)),
                col(prenv.map((p) => p.total)),
              ],
              [
                'CDK CLI (`cdk deploy --all --method=direct`, e2e, `cdk destroy --all --force`)',
                col(cli.map((c) => c.deploy)),
                col(cli.map((c) => c.tests)),
                col(cli.map((c) => c.destroy)),
                col(cli.map((c) => c.total)),
              ],
              ['ratio prenv ÷ CLI', '', '', '', formatSummary(ratio, formatRatio)],
              [
                'floor: (prenv synth + e2e) ÷ CLI total, what prenv would score with no time of its own',
                '',
                '',
                '',
                formatSummary(summarize(floors), formatRatio),
              ],
            ],
          },
          {
            title: 'prenv breakdown (from the arrival time of its log lines)',
            headers: ['phase (how it is measured)', 'median (min–max)'],
            rows: [
              ...PHASES.map(([key, label]) => [label, col(prenv.map((p) => p[key]))]),
              ["prenv's own time: total − synth − e2e", col(prenv.map((p) => p.total - p.synth - p.tests))],
              [
                'CDK CLI: "Synthesis time" it prints, deploy / destroy',
                `${col(cli.map((c) => c.synthDeploy ?? Number.NaN))} / ${col(cli.map((c) => c.synthDestroy ?? Number.NaN))}`,
              ],
            ],
          },
        ],
        targets: [
          {
            name: 'P1 prenv ÷ CLI',
            goal: '≤ 0.5×',
            measured: formatSummary(ratio, formatRatio),
            met: ratio.median <= 0.5,
          },
        ],
        notes: [
          'Both arms: same moto (bootstrapped once by the CLI before the runs), Node 24 on PATH, asset bucket emptied before every run so both publish their assets; the CLI with version check, notices and telemetry off.',
        ],
        raw: { prenv, cli, ratios },
      };
    });
  },
};
