import { actionsLog, actionsStep } from './adapters/actions-core.js';
import { CdkToolkit } from './adapters/cdk-toolkit.js';
import { ShellCommandRunner } from './adapters/command-runner.js';
import type { RunContext } from './adapters/github-context.js';
import { JUnitReader } from './adapters/junit-reader.js';
import { systemClock } from './adapters/system-clock.js';
import { awsPorts } from './aws-ports.js';
import { isWithheld } from './domain/env-names.js';
import { escapeText } from './domain/markdown.js';
import type { Plan } from './domain/plan.js';
import { reportFile } from './domain/report-file.js';
import { gitHubClient } from './github-client.js';
import type { Inputs } from './inputs.js';
import type { AwsSession } from './ports.js';
import { cleanup } from './workflows/cleanup.js';
import { deploy } from './workflows/deploy.js';
import { destroy } from './workflows/destroy.js';
import { gateOnLabel } from './workflows/label-gate.js';
import { saveReportFile } from './workflows/report-file.js';
import { Reporter } from './workflows/reporter.js';

/** What the first half of main decided. */
export interface PlannedRun {
  readonly env: NodeJS.ProcessEnv;
  readonly inputs: Inputs;
  readonly context: RunContext;
  readonly plan: Extract<Plan, { kind: 'deploy' | 'destroy' | 'cleanup' }>;
  /** The environment name (undefined in cleanup). */
  readonly environment: string | undefined;
  readonly session: AwsSession;
}

/** Second half of the composition root: wires the adapters and runs the planned workflow. */
export async function runPlan(run: PlannedRun): Promise<string | undefined> {
  const { env, inputs, context, plan, environment, session } = run;
  const log = actionsLog;
  const step = actionsStep;
  const clock = systemClock;
  if (inputs.githubToken === '') log.warning('No github-token: no PR comment, deployment or PR state check.');
  const github = gitHubClient(inputs, context, log, { fewWrites: plan.kind !== 'cleanup' });
  const reporter = new Reporter({
    github,
    step,
    log,
    comment: inputs.comment,
    ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
  });
  // Each AWS adapter (and the SDK client it bundles) loads on first use: a deploy's come while its
  // CDK app runs, not before the app starts.
  const aws = (regionSession: AwsSession) =>
    awsPorts(regionSession, env, clock, {
      repository: context.repository,
      pollIntervalMs: inputs.pollIntervalMs,
    });
  const { stacks, buckets, state, resources } = aws(session);
  const links = {
    ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
    repositoryUrl: context.repositoryUrl,
  };

  const destroyEnvironment = (pullRequest: number) =>
    destroy(
      { repository: context.repository, pullRequest, environment: environment as string, ...links },
      { log, clock, step, stacks, state, reporter, buckets, resources },
    );

  if ((plan.kind === 'deploy' || plan.kind === 'destroy') && plan.requireLabel !== undefined) {
    // parseInputs refuses require-label without a token, so github is there.
    if (github === undefined) throw new Error('require-label needs github-token');
    const gate = await gateOnLabel(
      {
        repository: context.repository,
        pullRequest: plan.pullRequest,
        label: plan.requireLabel,
        wants: plan.kind,
      },
      { github, stacks, log },
    );
    if (gate.run === 'nothing') {
      log.notice(gate.reason);
      step.setOutput('stacks', '[]');
      step.setOutput('test-result', 'skipped');
      await step
        .appendSummary(`### prenv: nothing to do\n\n${escapeText(gate.reason)}\n`)
        .catch(() => undefined);
      return undefined;
    }
    if (gate.run === 'destroy' && plan.kind === 'deploy') {
      const outcome = await destroyEnvironment(plan.pullRequest);
      await reporter.summarize(outcome.report);
      return outcome.failure;
    }
  }

  switch (plan.kind) {
    case 'deploy': {
      // The CDK toolkit is large: prenv runs the app itself, and loads toolkit-lib while the app runs
      // (in its own process), so that a deploy does not wait for it after synth.
      const cdk = CdkToolkit.lazy(session, log, appEnvironment(env), {
        hideOutputs: inputs.hideOutputs,
        ...(inputs.pollIntervalMs === undefined ? {} : { pollIntervalMs: inputs.pollIntervalMs }),
      });
      const outcome = await deploy(
        {
          inputs,
          session,
          repository: context.repository,
          pullRequest: plan.pullRequest,
          sha: plan.sha,
          environment: environment as string,
          workspace: context.workspace,
          tempDir: context.tempDir,
          stepEnv: env,
          ...links,
        },
        {
          log,
          clock,
          step,
          reporter,
          stacks,
          state,
          cdk,
          runner: new ShellCommandRunner(clock),
          junit: new JUnitReader(),
          github,
          buckets,
          resources,
        },
      );
      if (outcome.skipped !== undefined) {
        await saveReportFile(context.tempDir, reportFile('deploy', outcome.report, outcome), { step, log });
        await step
          .appendSummary(`### prenv: nothing to do\n\n${escapeText(outcome.skipped)}\n`)
          .catch(() => undefined);
        return undefined;
      }
      // A PR closed while its deploy ran is destroyed at once.
      const final = outcome.closedDuringDeploy ? await destroyEnvironment(plan.pullRequest) : outcome;
      const operation = outcome.closedDuringDeploy ? 'destroy' : 'deploy';
      await saveReportFile(context.tempDir, reportFile(operation, final.report, final), { step, log });
      await reporter.summarize(final.report);
      return final.failure;
    }
    case 'destroy': {
      const outcome = await destroyEnvironment(plan.pullRequest);
      await saveReportFile(context.tempDir, reportFile('destroy', outcome.report, outcome), { step, log });
      await reporter.summarize(outcome.report);
      return outcome.failure;
    }
    case 'cleanup': {
      const outcome = await cleanup(
        {
          repository: context.repository,
          environmentName: inputs.environmentName,
          dryRun: inputs.dryRun,
          comment: inputs.comment,
          ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
        },
        {
          log,
          clock,
          step,
          stacks,
          state,
          buckets,
          resources,
          // Credentials are global: one CloudFormation and S3 client per region swept, from the same session.
          regions: inputs.regions.map((region) =>
            region === session.region
              ? { region, stacks, buckets, state, resources }
              : { region, ...aws({ ...session, region }) },
          ),
          github,
        },
      );
      return outcome.failure;
    }
  }
}

/** The CDK app's environment: the step's, without the action's inputs, GitHub tokens or the OIDC token source. */
function appEnvironment(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  // toolkit-lib starts the app with { ...process.env, ...this }: leaving a key out would not withhold
  // it, so withheld keys are set to ''.
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, isWithheld(key) ? '' : value]));
}
