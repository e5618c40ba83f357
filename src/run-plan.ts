import { actionsLog, actionsStep } from './adapters/actions-core.js';
import { CdkToolkit } from './adapters/cdk-toolkit.js';
import { CloudFormationStacks } from './adapters/cloudformation-stacks.js';
import { ShellCommandRunner } from './adapters/command-runner.js';
import type { RunContext } from './adapters/github-context.js';
import { JUnitReader } from './adapters/junit-reader.js';
import { OctokitGitHub } from './adapters/octokit-github.js';
import { SsmStateStore } from './adapters/ssm-state-store.js';
import { systemClock } from './adapters/system-clock.js';
import { escapeText } from './domain/markdown.js';
import type { Plan } from './domain/plan.js';
import type { Inputs } from './inputs.js';
import type { AwsSession } from './ports.js';
import { cleanup } from './workflows/cleanup.js';
import { deploy, WITHHELD } from './workflows/deploy.js';
import { destroy } from './workflows/destroy.js';
import { Reporter } from './workflows/reporter.js';

/** What the first half of main decided. */
export interface PlannedRun {
  readonly env: NodeJS.ProcessEnv;
  readonly inputs: Inputs;
  readonly context: RunContext;
  readonly plan: Exclude<Plan, { kind: 'skip' }>;
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
  const github =
    inputs.githubToken === ''
      ? undefined
      : new OctokitGitHub({
          token: inputs.githubToken,
          apiUrl: context.apiUrl,
          repository: context.repository,
          log,
          // A deploy or destroy writes a handful of times; a sweep may write for dozens of PRs.
          ...(plan.kind === 'cleanup' ? {} : { writeIntervalMs: 250 }),
        });
  const reporter = new Reporter({
    github,
    step,
    log,
    comment: inputs.comment,
    ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
  });
  const stacks = new CloudFormationStacks(session, clock, inputs.pollIntervalMs);
  const state = new SsmStateStore(session, context.repository);
  const links = {
    ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
    repositoryUrl: context.repositoryUrl,
  };

  const destroyEnvironment = (pullRequest: number) =>
    destroy(
      { repository: context.repository, pullRequest, environment: environment as string, ...links },
      { log, clock, step, stacks, state, reporter },
    );

  switch (plan.kind) {
    case 'deploy': {
      // The CDK toolkit is large: it loads at the synth, after inputs, credentials, the allow-list
      // and the check that the PR is still open.
      const cdk = CdkToolkit.lazy(
        session,
        log,
        appEnvironment(env),
        inputs.pollIntervalMs === undefined ? {} : { pollIntervalMs: inputs.pollIntervalMs },
      );
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
        },
      );
      if (outcome.skipped !== undefined) {
        await step
          .appendSummary(`### prenv: nothing to do\n\n${escapeText(outcome.skipped)}\n`)
          .catch(() => undefined);
        return undefined;
      }
      // A PR closed while its deploy ran is destroyed at once.
      const final = outcome.closedDuringDeploy ? await destroyEnvironment(plan.pullRequest) : outcome;
      await reporter.summarize(final.report);
      return final.failure;
    }
    case 'destroy': {
      const outcome = await destroyEnvironment(plan.pullRequest);
      await reporter.summarize(outcome.report);
      return outcome.failure;
    }
    case 'cleanup': {
      const outcome = await cleanup(
        {
          repository: context.repository,
          dryRun: inputs.dryRun,
          comment: inputs.comment,
          ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
        },
        { log, clock, step, stacks, state, github },
      );
      return outcome.failure;
    }
  }
}

/** The CDK app's environment: the step's, without the action's inputs or the OIDC token source. */
function appEnvironment(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  // toolkit-lib starts the app with { ...process.env, ...this }: leaving a key out would not withhold
  // it, so withheld keys are set to ''.
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, WITHHELD.test(key) ? '' : value]),
  );
}
