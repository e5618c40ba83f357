import * as core from '@actions/core';
import { actionsLog, actionsOidc, actionsStep } from './adapters/actions-core.js';
import { CdkToolkit } from './adapters/cdk-toolkit.js';
import { CloudFormationStacks } from './adapters/cloudformation-stacks.js';
import { ShellCommandRunner } from './adapters/command-runner.js';
import { readRunContext } from './adapters/github-context.js';
import { JUnitReader } from './adapters/junit-reader.js';
import { OctokitGitHub } from './adapters/octokit-github.js';
import { StsCredentials } from './adapters/sts-credentials.js';
import { systemClock } from './adapters/system-clock.js';
import { environmentName } from './domain/naming.js';
import { planRun } from './domain/plan.js';
import { messageOf } from './errors.js';
import { parseInputs } from './inputs.js';
import { cleanup } from './workflows/cleanup.js';
import { openSession } from './workflows/credentials.js';
import { deploy, WITHHELD } from './workflows/deploy.js';
import { destroy } from './workflows/destroy.js';
import { Reporter } from './workflows/reporter.js';
import { saveRunState } from './workflows/run-state.js';

/** The action's main step: the composition root. Every failure, Error or not, fails the step. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const failure = await main(env);
    if (failure !== undefined) core.setFailed(failure);
  } catch (error) {
    core.setFailed(messageOf(error));
  }
}

async function main(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const log = actionsLog;
  const step = actionsStep;
  const clock = systemClock;
  const inputs = parseInputs((name) => core.getInput(name), {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    awsRegion: env.AWS_REGION || env.AWS_DEFAULT_REGION,
  });
  const context = await readRunContext(env);
  const plan = planRun(inputs.mode, context.event, inputs.pullRequest);
  if (plan.kind === 'skip') {
    log.notice(plan.reason);
    step.setOutput('test-result', 'skipped');
    step.setOutput('stacks', '[]');
    saveRunState(step, { phase: 'done' });
    return undefined;
  }
  const environment =
    plan.kind === 'cleanup'
      ? undefined
      : environmentName(inputs.environmentName, { number: plan.pullRequest, repository: context.repository });
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
  if (environment !== undefined) step.setOutput('environment', environment);

  const session = await log.group('AWS credentials', () =>
    openSession(
      inputs,
      {
        repository: context.repository,
        ...(plan.kind === 'cleanup' ? {} : { pullRequest: plan.pullRequest }),
      },
      { credentials: new StsCredentials(), oidc: actionsOidc, log },
    ),
  );
  const stacks = new CloudFormationStacks(session, clock);
  const links = {
    ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
    repositoryUrl: context.repositoryUrl,
  };

  const destroyEnvironment = (pullRequest: number) =>
    destroy(
      { repository: context.repository, pullRequest, environment: environment as string, ...links },
      { log, clock, step, stacks, reporter },
    );

  switch (plan.kind) {
    case 'deploy': {
      // The CDK toolkit is large: it loads at the synth, after inputs, credentials, the allow-list
      // and the check that the PR is still open.
      const cdk = CdkToolkit.lazy(session, log, appEnvironment(env));
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
          cdk,
          runner: new ShellCommandRunner(clock),
          junit: new JUnitReader(),
          github,
        },
      );
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
        { log, clock, step, stacks, github },
      );
      return outcome.failure;
    }
  }
}

/** The CDK app's environment: the step's, without the action's inputs or the OIDC token source. */
function appEnvironment(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !WITHHELD.test(key)));
}
