import * as core from '@actions/core';
import { actionsLog, actionsStep } from './adapters/actions-core.js';
import { readRunContext } from './adapters/github-context.js';
import { OctokitGitHub } from './adapters/octokit-github.js';
import { isoSeconds } from './domain/ownership.js';
import { messageOf } from './errors.js';
import { boolean } from './inputs.js';
import { Reporter } from './workflows/reporter.js';
import { loadRunState } from './workflows/run-state.js';

/**
 * The post step: when main did not finish (cancelled, crashed), says so in the comment, the
 * deployment and the summary, listing what may be left running. It never deletes anything.
 */
export async function runPost(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const state = loadRunState(actionsStep);
    if (state === undefined || state.phase === 'done') return;
    const context = await readRunContext(env);
    const token = core.getInput('github-token');
    const log = actionsLog;
    const github =
      token === ''
        ? undefined
        : new OctokitGitHub({ token, apiUrl: context.apiUrl, repository: context.repository, log });
    const reporter = new Reporter({
      github,
      step: actionsStep,
      log,
      comment: boolean('comment', core.getInput('comment') || 'true'),
      ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
    });
    const report = {
      state: 'cancelled' as const,
      environment: state.environment,
      repository: context.repository,
      pullRequest: state.pullRequest,
      repositoryUrl: context.repositoryUrl,
      ...(state.sha === undefined ? {} : { sha: state.sha }),
      ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
      leftRunning: state.stacks,
      updatedAt: isoSeconds(new Date()),
      notes: [
        state.phase === 'deploying'
          ? 'The deploy did not finish. The next push redeploys; closing the PR destroys whatever was created.'
          : 'The destroy did not finish. Re-run the job, or let the cleanup sweep delete what is left.',
      ],
    };
    log.warning(
      `prenv's ${state.phase === 'deploying' ? 'deploy' : 'destroy'} of ${state.environment} did not finish` +
        (state.stacks.length > 0
          ? `; these stacks may be left mid-operation: ${state.stacks.join(', ')}`
          : ''),
    );
    await reporter.deploymentStatus(
      'error',
      'The run was cancelled or crashed',
      undefined,
      state.environment,
    );
    await reporter.comment(report);
    await reporter.summarize(report);
  } catch (error) {
    core.warning(`prenv post step: ${messageOf(error)}`);
  }
}
