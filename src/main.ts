import * as core from '@actions/core';
import { actionsLog, actionsStep, inputReader } from './adapters/actions-core.js';
import { actionsOidcFrom } from './adapters/actions-oidc.js';
import { readRunContext } from './adapters/github-context.js';
import { takeEnvironment } from './adapters/process-environment.js';
import { StsCredentials } from './adapters/sts-credentials.js';
import { systemClock } from './adapters/system-clock.js';
import { escapeText } from './domain/markdown.js';
import { environmentName } from './domain/naming.js';
import { planRun, withApproval } from './domain/plan.js';
import { messageOf } from './errors.js';
import { checkSessionCoversTests, parseInputs } from './inputs.js';
import { openSession } from './workflows/credentials.js';
import { saveRunState } from './workflows/run-state.js';

/**
 * The action's main step, first half of the composition root: inputs, event, plan and the AWS
 * session, with as little loaded as possible. Every failure, Error or not, fails the step.
 */
export async function run(): Promise<void> {
  try {
    // First: the tokens leave this process's environment before anything could start PR code.
    const { env, problem } = takeEnvironment();
    if (problem !== undefined) core.warning(problem);
    const failure = await main(env);
    if (failure !== undefined) core.setFailed(failure);
  } catch (error) {
    core.setFailed(messageOf(error));
  }
}

async function main(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const log = actionsLog;
  const step = actionsStep;
  // Read once, first: the token source is kept in memory to assume the role again later.
  const oidc = actionsOidcFrom(env);
  const inputs = parseInputs(inputReader(env), {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    awsRegion: env.AWS_REGION || env.AWS_DEFAULT_REGION,
  });
  // The runner masks the default token; an app or personal token from an earlier step may not be.
  if (inputs.githubToken !== '') log.mask(inputs.githubToken);
  const context = await readRunContext(env);
  const plan = withApproval(
    planRun(inputs.mode, context.event, inputs.pullRequest, inputs.requireLabel),
    inputs.mode,
    context.event,
    inputs.approveLabel,
    inputs.requireLabel,
  );
  if (plan.kind === 'skip') {
    log.notice(plan.reason);
    await step
      .appendSummary(`### prenv: nothing to do\n\n${escapeText(plan.reason)}\n`)
      .catch(() => undefined);
    step.setOutput('test-result', 'skipped');
    step.setOutput('stacks', '[]');
    saveRunState(step, { phase: 'done' });
    return undefined;
  }
  const environment =
    plan.kind === 'cleanup'
      ? undefined
      : environmentName(inputs.environmentName, { number: plan.pullRequest, repository: context.repository });
  if (environment !== undefined) step.setOutput('environment', environment);
  if (plan.kind === 'report') {
    // Posts the first job's report file: GitHub only, no AWS credentials.
    const { runReport } = await import('./report-run.js');
    return runReport({ inputs, context, plan, environment: environment as string });
  }

  if (plan.kind === 'deploy') checkSessionCoversTests(inputs);

  try {
    const session = await log.group('AWS credentials', () =>
      openSession(
        inputs,
        {
          repository: context.repository,
          ...(plan.kind === 'cleanup' ? {} : { pullRequest: plan.pullRequest }),
        },
        { credentials: new StsCredentials(), oidc, log, clock: systemClock },
      ),
    );
    // Everything else (GitHub, CloudFormation, the workflows) loads only now: nothing of it is on the
    // way to the first network call.
    const { runPlan } = await import('./run-plan.js');
    return await runPlan({ env, inputs, context, plan, environment, session });
  } catch (error) {
    // The report job of the hardened layout reports this failure too, not a missing file.
    if (plan.kind !== 'cleanup') {
      const { saveFailureReport } = await import('./failure-report.js');
      await saveFailureReport(plan.kind, error, environment as string, plan.pullRequest, context);
    }
    throw error;
  }
}
