import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pullRequestNumber } from '../test/fixtures/events.js';
import { type LatencyModel, latencyModel } from '../test/support/realism/latency-model.js';
import { missingChangeSets } from '../test/support/realism/missing-change-set.js';
import { previousParameterValues } from '../test/support/realism/previous-parameter-values.js';
import { type StackOperations, stackOperationsInProgress } from '../test/support/realism/stack-operations.js';
import { sampleAppCopy } from '../test/support/sample-app-copy.js';
import { cdk, check, node24Path } from './cdk-cli.js';
import { phases } from './p8-own-time.js';
import { formatMs, formatRatio } from './stats.js';
import {
  type Benchmark,
  type BenchResult,
  groupSpan,
  runActionTimed,
  type Services,
  withServices,
} from './support.js';

/** Real milliseconds per modelled second: 1000 runs the model at real-AWS speed (scale 1). */
const MS_PER_SECOND = Number(process.env.PRENV_BENCH_MS_PER_SECOND ?? 1000);
const HANDLER = 'sample-app/src/lambda/get-invoice.ts';

async function changeCode(workspace: string, marker: string): Promise<void> {
  const path = join(workspace, HANDLER);
  await writeFile(path, `${await readFile(path, 'utf8')}\nconsole.info('build ${marker}');\n`);
}

interface Model {
  readonly model: LatencyModel;
  readonly operations: StackOperations;
}

/**
 * Turns the latency model on (at MS_PER_SECOND) or off. Either way CloudFormation answers the CDK
 * CLI's update calls as AWS does (UsePreviousValue of a defaulted parameter, DeleteChangeSet and
 * DescribeChangeSet of an absent change set), which moto alone fails with an HTML 500.
 */
function useModel(services: Services, on: boolean): Model {
  const model = latencyModel({ msPerSecond: MS_PER_SECOND });
  const operations = stackOperationsInProgress({
    msPerSecond: MS_PER_SECOND,
    secondsOf: (operation, stack, request) => model.secondsOf(operation, stack, request),
  });
  const asOnAws = [previousParameterValues(), missingChangeSets()];
  // After the model: it sees (and times) the call as the CLI sent it; these then rewrite it for moto.
  services.proxy.configure({ realism: on ? [model, operations, ...asOnAws] : asOnAws });
  return { model, operations };
}

/** Milliseconds the stack operations of a kind were in progress (their windows, merged). */
function inProgressMs(operations: StackOperations, status: RegExp): number {
  const windows = operations.windows.filter((window) => status.test(window.status));
  if (windows.length === 0) return 0;
  const start = Math.min(...windows.map((window) => window.startedAt));
  const end = Math.max(...windows.map((window) => window.endsAt));
  return end - start;
}

interface Measured {
  prenvPush: number;
  /** The push's `Synthesize` group, and the CLI's own "Synthesis time" for the same app. */
  prenvSynth: number;
  cliSynth: number;
  cliDeploy: number;
  cliUpdateInProgress: number;
  prenvDestroy: number;
  prenvDeleteInProgress: number;
  cliDestroy: number;
  cliDeleteInProgress: number;
  hotswapLine: string;
  /** prenv's push and destroy cut at their log groups (bench/p8-own-time.ts's phases). */
  pushPhases: { name: string; ms: number }[];
  destroyPhases: { name: string; ms: number }[];
}

const NUMBER = 61;
const CLI_NAME = 'cli-61';

async function measure(progress: (message: string) => void): Promise<Measured> {
  const workspace = await sampleAppCopy('prenv-bench-latency-');
  try {
    return await withServices(async (services) => {
      const { github, proxy } = services;
      github.addPull({ number: NUMBER, state: 'open' });
      const overrides = pullRequestNumber(NUMBER) as Record<string, unknown>;
      const prenv = (inputs: Record<string, string>, event?: 'pull-request-closed-unmerged') =>
        runActionTimed({
          inputs: { 'app-dir': 'sample-app', ...inputs },
          github,
          awsEndpoint: proxy.endpoint,
          env: { PATH: node24Path() },
          workspace,
          ...(event === undefined ? { event: 'pull-request-synchronize' } : { event }),
          eventOverrides: overrides,
        });
      const cli = (args: string[]) =>
        cdk([...args, '-c', `prenv:name=${CLI_NAME}`, '--output', join(workspace, 'cdk.out.cli')], {
          cwd: join(workspace, 'sample-app'),
          endpoint: proxy.endpoint,
        });

      progress('setup (model off): prenv and the CLI deploy the sample app');
      useModel(services, false);
      const first = await prenv({ 'deployment-method': 'direct', bootstrap: 'true' });
      if (first.exitCode !== 0) throw new Error(`setup deploy failed:\n${first.log.slice(-3000)}`);
      check(await cli(['deploy', '--all', '--method=direct', '--require-approval', 'never']), 'cdk deploy');
      await changeCode(workspace, 'p6');

      progress('P6: code-only push, prenv (hotswap, default settings) under the latency model');
      useModel(services, true);
      const push = await prenv({});
      if (push.exitCode !== 0) throw new Error(`prenv push failed:\n${push.log.slice(-3000)}`);
      const hotswapLine =
        push.lines.find((line) => /hotswapped/.test(line.text))?.text ?? '(no hotswap line)';

      progress('P6: the same push, cdk deploy (its defaults: a change set) under the latency model');
      const update = useModel(services, true);
      const deployed = await cli(['deploy', '--all', '--require-approval', 'never']);
      check(deployed, 'cdk deploy (update)');
      const cliUpdateInProgress = inProgressMs(update.operations, /^UPDATE_/);

      progress('P7: destroy, prenv under the latency model');
      const prenvModel = useModel(services, true);
      const destroyed = await prenv({}, 'pull-request-closed-unmerged');
      if (destroyed.exitCode !== 0) throw new Error(`prenv destroy failed:\n${destroyed.log.slice(-3000)}`);
      const prenvDeleteInProgress = inProgressMs(prenvModel.operations, /^DELETE_/);

      progress('P7: destroy, cdk destroy under the latency model');
      const cliModel = useModel(services, true);
      const cliDestroyed = await cli(['destroy', '--all', '--force']);
      check(cliDestroyed, 'cdk destroy');
      return {
        prenvPush: push.durationMs,
        prenvSynth: spanMs(groupSpan(push.lines, /^Synthesize/)),
        cliSynth: Number(/Synthesis time: ([\d.]+)s/.exec(deployed.output)?.[1] ?? Number.NaN) * 1000,
        cliDeploy: deployed.durationMs,
        cliUpdateInProgress,
        prenvDestroy: destroyed.durationMs,
        prenvDeleteInProgress,
        cliDestroy: cliDestroyed.durationMs,
        cliDeleteInProgress: inProgressMs(cliModel.operations, /^DELETE_/),
        hotswapLine,
        pushPhases: phases(push.lines, push.durationMs),
        destroyPhases: phases(destroyed.lines, destroyed.durationMs),
      };
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

const spanMs = (span: { start: number; end: number } | undefined) =>
  span === undefined ? Number.NaN : span.end - span.start;

let shared: { readonly by: string; readonly measured: Promise<Measured> } | undefined;
/** P6's and P7's figures come from one run: the first of them to ask measures, the other reuses it. */
const once = (by: string, progress: (message: string) => void) => {
  shared ??= { by, measured: measure(progress) };
  return { measured: shared.measured, measuredIn: shared.by === by ? undefined : shared.by };
};

const SETTINGS =
  `latency model at ${MS_PER_SECOND} ms per modelled second (${MS_PER_SECOND === 1000 ? 'scale 1, real-AWS durations' : 'scaled'}); ` +
  "prenv with its defaults (deployment-method change-set, toolkit-lib's polling); `cdk deploy` and `cdk destroy` " +
  'with their defaults (a change set; `--require-approval never`, `--all`, `--force` because no one answers a prompt); ' +
  "the AWS proxy answers the CLI's update calls as CloudFormation does where moto fails them " +
  '(test/support/realism/previous-parameter-values.ts, missing-change-set.ts); ' +
  'the setup deploys before the measured runs (model off) use --method=direct / deployment-method direct (emulator-only, not measured)';

/** P6: a code-only push to the sample app, prenv (hotswap) against cdk deploy, under the latency model. */
export const hotswapPush: Benchmark = {
  id: 'p6',
  title: 'P6: code-only push to the sample app under the latency model: prenv (hotswap) vs cdk deploy',
  async run(context): Promise<BenchResult> {
    const run = once('P6', context.progress);
    const m = await run.measured;
    const ratio = m.prenvPush / m.cliDeploy;
    return {
      ...(run.measuredIn === undefined ? {} : { measuredIn: run.measuredIn }),
      id: 'p6',
      title: this.title,
      runs: 1,
      tables: [
        {
          headers: ['arm', 'wall time', 'of which synth', 'CloudFormation in progress'],
          rows: [
            [
              'prenv push (synth, checks, hotswap, outputs, report; no e2e)',
              formatMs(m.prenvPush),
              formatMs(m.prenvSynth),
              '0 (no stack write)',
            ],
            [
              'cdk deploy (synth, assets, change set, update)',
              formatMs(m.cliDeploy),
              formatMs(m.cliSynth),
              formatMs(m.cliUpdateInProgress),
            ],
          ],
        },
        {
          headers: ["prenv's push, phase (from the log lines' arrival)", 'wall time'],
          rows: m.pushPhases.map((phase) => [phase.name, formatMs(phase.ms)]),
        },
      ],
      targets: [
        { name: 'P6 prenv ÷ cdk deploy', goal: '≤ 0.25×', measured: formatRatio(ratio), met: ratio <= 0.25 },
      ],
      notes: [
        SETTINGS,
        // The same synth is taken from both: the CLI's, the app with nothing beside it. prenv's own
        // `Synthesize` group also holds its toolkit-lib load and reads beside the app (prenv's work).
        `beyond the app's synth (the CLI's ${formatMs(m.cliSynth)}, taken from both arms): prenv ${formatMs(m.prenvPush - m.cliSynth)}, ` +
          `cdk deploy ${formatMs(m.cliDeploy - m.cliSynth)} (${formatRatio((m.prenvPush - m.cliSynth) / (m.cliDeploy - m.cliSynth))})`,
        `prenv's log: ${m.hotswapLine}`,
      ],
      raw: m,
    };
  },
};

/** P7: destroy of the sample app under the latency model: time beyond CloudFormation's own delete. */
export const latencyDestroy: Benchmark = {
  id: 'p7',
  title: "P7: destroy of the sample app under the latency model: time beyond CloudFormation's delete",
  async run(context): Promise<BenchResult> {
    const run = once('P7', context.progress);
    const m = await run.measured;
    const prenvBeyond = m.prenvDestroy - m.prenvDeleteInProgress;
    const cliBeyond = m.cliDestroy - m.cliDeleteInProgress;
    return {
      ...(run.measuredIn === undefined ? {} : { measuredIn: run.measuredIn }),
      id: 'p7',
      title: this.title,
      runs: 1,
      tables: [
        {
          headers: ['arm', 'wall time', 'DELETE_IN_PROGRESS', 'beyond CloudFormation'],
          rows: [
            [
              'prenv destroy (closed event)',
              formatMs(m.prenvDestroy),
              formatMs(m.prenvDeleteInProgress),
              formatMs(prenvBeyond),
            ],
            [
              'cdk destroy --all --force (synthesizes again)',
              formatMs(m.cliDestroy),
              formatMs(m.cliDeleteInProgress),
              formatMs(cliBeyond),
            ],
          ],
        },
        {
          headers: ["prenv's destroy, phase (from the log lines' arrival)", 'wall time'],
          rows: m.destroyPhases.map((phase) => [phase.name, formatMs(phase.ms)]),
        },
      ],
      targets: [
        {
          name: 'P7 prenv beyond CloudFormation',
          goal: '≤ 1 s',
          measured: formatMs(prenvBeyond),
          met: prenvBeyond <= 1000,
        },
      ],
      notes: [SETTINGS],
      raw: m,
    };
  },
};
