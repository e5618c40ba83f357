import * as core from '@actions/core';
import { actionsLog, actionsOidc, actionsStep } from './adapters/actions-core.js';
import { readRunContext } from './adapters/github-context.js';
import { StsCredentials } from './adapters/sts-credentials.js';
import { escapeText } from './domain/markdown.js';
import { environmentName } from './domain/naming.js';
import { planRun, withApproval } from './domain/plan.js';
import { messageOf } from './errors.js';
import { parseInputs } from './inputs.js';
import { openSession } from './workflows/credentials.js';
import { saveRunState } from './workflows/run-state.js';

/**
 * The action's main step, first half of the composition root: inputs, event, plan and the AWS
 * session, with as little loaded as possible. Every failure, Error or not, fails the step.
 */
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
  const inputs = parseInputs((name) => core.getInput(name), {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    awsRegion: env.AWS_REGION || env.AWS_DEFAULT_REGION,
  });
  const context = await readRunContext(env);
  const plan = withApproval(
    planRun(inputs.mode, context.event, inputs.pullRequest),
    inputs.mode,
    context.event,
    inputs.approveLabel,
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
  // Everything else (GitHub, CloudFormation, the workflows) loads only now: nothing of it is on the
  // way to the first network call.
  const { runPlan } = await import('./run-plan.js');
  return runPlan({ env, inputs, context, plan, environment, session });
}
