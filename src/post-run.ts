import * as core from '@actions/core';
import { actionsLog, actionsStep, inputReader } from './adapters/actions-core.js';
import { readRunContext } from './adapters/github-context.js';
import { takeEnvironment } from './adapters/process-environment.js';
import { environmentName } from './domain/naming.js';
import { isoSeconds } from './domain/ownership.js';
import { planRun } from './domain/plan.js';
import { messageOf } from './errors.js';
import { gitHubClient } from './github-client.js';
import { boolean, DEFAULT_COMMENT_AUTHOR, MODES, type Mode } from './inputs.js';
import { Reporter } from './workflows/reporter.js';
import { type ExpectedRun, loadRunState, trustRunState } from './workflows/run-state.js';

/**
 * The post step: when main did not finish (cancelled, crashed), says so in the comment, the
 * deployment and the summary, listing what may be left running. It never deletes anything.
 * The PR and environment come from the event and the inputs, never from the saved state.
 */
export async function runPost(): Promise<void> {
  try {
    // A process PR code left behind may still be running: the tokens leave this environment first.
    const { env } = takeEnvironment();
    const state = loadRunState(actionsStep);
    if (state === undefined || state.phase === 'done') return;
    const read = inputReader(env);
    const context = await readRunContext(env);
    const expected = expectedRun(read, context);
    if (expected === undefined) return;
    const trusted = trustRunState(state, expected);
    if ('ignored' in trusted) {
      core.warning(`prenv post step: ignored the saved state: ${trusted.ignored}.`);
      return;
    }
    const token = read('github-token');
    const log = actionsLog;
    if (token !== '') log.mask(token);
    const github = gitHubClient(
      { githubToken: token, commentAuthor: read('comment-author') || DEFAULT_COMMENT_AUTHOR },
      context,
      log,
      { fewWrites: false },
    );
    const reporter = new Reporter({
      github,
      step: actionsStep,
      log,
      comment: boolean('comment', read('comment') || 'true'),
      ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
    });
    const sha =
      context.event.pullRequest?.number === expected.pullRequest
        ? context.event.pullRequest.headSha
        : undefined;
    const report = {
      state: 'cancelled' as const,
      environment: expected.environment,
      repository: context.repository,
      pullRequest: expected.pullRequest,
      repositoryUrl: context.repositoryUrl,
      ...(sha === undefined ? {} : { sha }),
      ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
      leftRunning: trusted.stacks,
      updatedAt: isoSeconds(new Date()),
      notes: [
        state.phase === 'deploying'
          ? 'The deploy did not finish. The next push redeploys; closing the PR destroys whatever was created.'
          : 'The destroy did not finish. Re-run the job, or let the cleanup sweep delete what is left.',
      ],
    };
    log.warning(
      `prenv's ${state.phase === 'deploying' ? 'deploy' : 'destroy'} of ${expected.environment} did not finish` +
        (trusted.stacks.length > 0
          ? `; these stacks may be left mid-operation: ${trusted.stacks.join(', ')}`
          : ''),
    );
    await reporter.deploymentStatus(
      'error',
      'The run was cancelled or crashed',
      undefined,
      expected.environment,
    );
    await reporter.comment(report);
    await reporter.summarize(report);
  } catch (error) {
    core.warning(`prenv post step: ${messageOf(error)}`);
  }
}

/** The PR and environment this run was for, from the event and the inputs as main read them. */
function expectedRun(
  read: (name: string) => string,
  context: Awaited<ReturnType<typeof readRunContext>>,
): ExpectedRun | undefined {
  const mode = MODES.find((candidate) => candidate === (read('mode') || 'auto')) as Mode | undefined;
  const input = read('pull-request');
  if (mode === undefined || (input !== '' && !/^[1-9]\d{0,9}$/.test(input))) return undefined;
  const plan = planRun(mode, context.event, input === '' ? undefined : Number(input));
  if (plan.kind !== 'deploy' && plan.kind !== 'destroy') return undefined;
  const template = read('environment-name') || 'pr-{number}';
  return {
    kind: plan.kind,
    pullRequest: plan.pullRequest,
    environment: environmentName(template, { number: plan.pullRequest, repository: context.repository }),
  };
}
