import { markerFor, renderComment } from '../domain/comment.js';
import { isoSeconds, mayDelete } from '../domain/ownership.js';
import type { CleanupReport, EnvironmentReport, SweptEnvironment } from '../domain/report.js';
import { describeRetained, retainedResources } from '../domain/retained.js';
import { groupByEnvironment, staleReasons } from '../domain/staleness.js';
import { renderCleanupSummary } from '../domain/summary.js';
import { messageOf } from '../errors.js';
import type { BucketsPort, Clock, GitHubPort, Log, StacksPort, StepPort } from '../ports.js';
import { createdAtOf, deleteStacks } from './delete-stacks.js';
import { mapLimit } from './map-limit.js';

/** What the sweep needs. */
export interface CleanupRequest {
  readonly repository: string;
  /** The environment-name template: a stack is swept only if tagged and named as it says. @default pr-{number} */
  readonly environmentName?: string;
  readonly dryRun: boolean;
  /** Whether to update the swept PRs' comments. */
  readonly comment: boolean;
  readonly runUrl?: string;
  /** Environments deleted at once. @default 4 */
  readonly concurrency?: number;
}

/** The ports cleanup uses. */
export interface CleanupPorts {
  readonly log: Log;
  readonly clock: Clock;
  readonly step: StepPort;
  readonly stacks: StacksPort;
  readonly github: GitHubPort | undefined;
  /** Empties a failed stack's own buckets before the delete is retried; none: no emptying. */
  readonly buckets?: BucketsPort;
}

/**
 * Finds this repository's environments whose PR is closed or whose TTL passed, and deletes them
 * (or, in a dry run, says what it would delete). Nothing without prenv's tags for this repository,
 * and no stack outside the prefix of the environment its tags claim, is ever a candidate (mayDelete).
 */
export async function cleanup(
  request: CleanupRequest,
  ports: CleanupPorts,
): Promise<{ report: CleanupReport; failure?: string }> {
  const { log, clock } = ports;
  const now = clock.now();
  const scope = { repository: request.repository, template: request.environmentName ?? 'pr-{number}' };
  // A nested stack carries its parent's tags, but belongs to the parent: deleting the parent deletes it.
  const owned = (await ports.stacks.list()).filter(
    (stack) => stack.parentId === undefined && mayDelete(stack, scope),
  );
  const environments = groupByEnvironment(owned);
  log.info(
    `${owned.length} stack(s) in ${environments.length} environment(s) belong to ${request.repository}`,
  );

  const pulls = await pullRequestStates(environments, ports);
  const stale = environments
    .map((environment) => ({
      environment,
      reasons: staleReasons(environment, pulls.get(environment.pullRequest ?? 0)?.open, now),
    }))
    .filter(({ reasons }) => reasons.length > 0);
  const kept = environments.length - stale.length;

  const swept = await mapLimit(
    stale,
    request.concurrency ?? 4,
    async ({ environment, reasons }): Promise<SweptEnvironment> => {
      const createdAt = createdAtOf(environment.stacks);
      const base = {
        environment: environment.environment,
        ...(environment.pullRequest === undefined ? {} : { pullRequest: environment.pullRequest }),
        reasons,
        ...(createdAt === undefined ? {} : { createdAt }),
      };
      const busy = environment.stacks.filter(isInProgress);
      if (busy.length > 0) {
        // A deploy (or a delete) is under way: deleting under it races it. The next sweep decides.
        log.info(
          `skipping ${environment.environment} this round: ${busy.map((s) => `${s.name} is ${s.status}`).join(', ')}`,
        );
        return {
          ...base,
          stacks: environment.stacks.map((stack) => ({
            name: stack.name,
            outcome: 'not-deployed' as const,
            status: stack.status,
          })),
          result: 'skipped' as const,
        } satisfies SweptEnvironment;
      }
      if (request.dryRun) {
        log.info(
          `would delete ${environment.environment} (${reasons.join(', ')}): ${environment.stacks.map((s) => s.name).join(', ')}`,
        );
        return {
          ...base,
          stacks: environment.stacks.map((stack) => ({ name: stack.name, outcome: 'not-deployed' as const })),
          result: 'would-delete' as const,
        } satisfies SweptEnvironment;
      }
      try {
        const deletion = await deleteStacks(ports.stacks, environment.stacks, log, ports.buckets);
        const failed = deletion.stacks.some((stack) => stack.outcome === 'left-behind');
        const forced = deletion.stacks.some((stack) => stack.outcome === 'force-deleted');
        // Only a number GitHub returned as a pull request is told: a tag can name any issue.
        const pullRequest = pulls.get(environment.pullRequest ?? 0)?.exists
          ? environment.pullRequest
          : undefined;
        await announce(environment.environment, pullRequest, deletion, createdAt, request, ports);
        return {
          ...base,
          stacks: deletion.stacks,
          result: failed ? ('failed' as const) : forced ? ('left-behind' as const) : ('deleted' as const),
          ...(failed ? { error: deletion.failure?.reason ?? 'a stack could not be deleted' } : {}),
        } satisfies SweptEnvironment;
      } catch (error) {
        return {
          ...base,
          stacks: environment.stacks.map((stack) => ({
            name: stack.name,
            outcome: 'left-behind' as const,
            status: stack.status,
          })),
          result: 'failed' as const,
          error: messageOf(error),
        } satisfies SweptEnvironment;
      }
    },
  );

  const report: CleanupReport = {
    repository: request.repository,
    dryRun: request.dryRun,
    environments: swept,
    kept,
    updatedAt: isoSeconds(clock.now()),
    ...(request.runUrl === undefined ? {} : { runUrl: request.runUrl }),
  };
  ports.step.setOutput('environment', '');
  ports.step.setOutput(
    'stacks',
    JSON.stringify(
      swept.flatMap((environment) =>
        environment.result === 'skipped'
          ? []
          : environment.stacks.filter((stack) => stack.outcome !== 'left-behind').map((stack) => stack.name),
      ),
    ),
  );
  ports.step.setOutput('outputs', '{}');
  ports.step.setOutput('url', '');
  ports.step.setOutput('test-result', 'skipped');
  await ports.step.appendSummary(renderCleanupSummary(report)).catch((error: unknown) => {
    log.warning(`Could not write the job summary: ${messageOf(error)}`);
  });
  const failed = swept.filter((environment) => environment.result === 'failed');
  const retained = retainedResources(swept.flatMap((environment) => environment.stacks));
  const problems = [
    ...(failed.length > 0
      ? [
          `Cleanup could not delete ${failed.map((environment) => `${environment.environment} (${environment.error})`).join('; ')}`,
        ]
      : []),
    ...(retained.length > 0
      ? [
          'CloudFormation deleted stacks only by force and left resources behind, which nothing tracks any more ' +
            `(delete them by hand): ${describeRetained(retained)}`,
        ]
      : []),
  ];
  return { report, ...(problems.length > 0 ? { failure: problems.join('. ') } : {}) };
}

/** Mid-operation: a deploy or delete is under way. REVIEW_IN_PROGRESS (an unexecuted change set) is not. */
function isInProgress(stack: { status: string }): boolean {
  return stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS';
}

/** What GitHub said about a PR number: open (undefined: unknown), and whether it is a pull request at all. */
interface PullRequestLookup {
  readonly open: boolean | undefined;
  readonly exists: boolean;
}

/** Asks GitHub once per distinct PR number whether it is open; a PR that does not exist counts as closed. */
async function pullRequestStates(
  environments: readonly { pullRequest?: number }[],
  ports: CleanupPorts,
): Promise<Map<number, PullRequestLookup>> {
  const numbers = [...new Set(environments.map((environment) => environment.pullRequest ?? 0))].filter(
    (n) => n > 0,
  );
  const states = new Map<number, PullRequestLookup>();
  if (ports.github === undefined) {
    if (numbers.length > 0)
      ports.log.warning('No github-token: cleanup can only judge environments by their TTL.');
    return states;
  }
  const github = ports.github;
  await mapLimit(numbers, 8, async (number) => {
    try {
      const pr = await github.pullRequest(number);
      states.set(number, { open: pr?.state === 'open', exists: pr !== undefined });
    } catch (error) {
      ports.log.warning(
        `Could not read PR #${number}; judging its environment by TTL only: ${messageOf(error)}`,
      );
      states.set(number, { open: undefined, exists: false });
    }
  });
  return states;
}

/** Best effort: the swept PR's comment and deployment say the environment is gone. */
async function announce(
  environment: string,
  pullRequest: number | undefined,
  deletion: Awaited<ReturnType<typeof deleteStacks>>,
  createdAt: string | undefined,
  request: CleanupRequest,
  ports: CleanupPorts,
): Promise<void> {
  const github = ports.github;
  if (github === undefined || pullRequest === undefined) return;
  const left = deletion.stacks.filter((stack) => stack.outcome !== 'deleted'); // force-deleted too: not clean
  const report: EnvironmentReport = {
    state: left.length > 0 ? 'destroy-failed' : 'destroyed',
    environment,
    repository: request.repository,
    pullRequest,
    stacks: deletion.stacks,
    updatedAt: isoSeconds(ports.clock.now()),
    notes: ['Removed by the scheduled cleanup sweep.'],
    ...(createdAt === undefined ? {} : { createdAt }),
    ...(request.runUrl === undefined ? {} : { runUrl: request.runUrl }),
    ...(deletion.failure === undefined ? {} : { failure: deletion.failure }),
  };
  try {
    if (request.comment)
      await github.upsertComment(pullRequest, markerFor(environment), renderComment(report));
    // Every deployment: GitHub's auto_inactive leaves a transient environment's earlier ones active.
    for (const id of await github.deploymentIds(environment))
      await github.setDeploymentStatus(id, { state: 'inactive', description: 'Swept by cleanup' });
  } catch (error) {
    ports.log.warning(`Could not update PR #${pullRequest} about ${environment}: ${messageOf(error)}`);
  }
}
