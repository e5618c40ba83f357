import { markerFor, renderComment } from '../domain/comment.js';
import { isoSeconds } from '../domain/ownership.js';
import type { EnvironmentReport, StaleReason, SweptEnvironment } from '../domain/report.js';
import type { OwnedEnvironment } from '../domain/staleness.js';
import { messageOf } from '../errors.js';
import type { StackInfo } from '../ports.js';
import type { CleanupPorts, CleanupRequest } from './cleanup.js';
import { createdAtOf, deleteStacks } from './delete-stacks.js';
import type { PullRequestLookup } from './pull-request-states.js';

/** What one environment's sweep needs from the region's sweep. */
export interface SweepContext {
  readonly request: CleanupRequest;
  readonly ports: CleanupPorts;
  /** What GitHub said of each PR of the region's environments. */
  readonly pulls: ReadonlyMap<number, PullRequestLookup>;
  readonly region: string | undefined;
}

/**
 * Sweeps one stale environment: skips it while a stack operation is under way, says what it would
 * delete in a dry run, or deletes its stacks and state and tells its PR.
 */
export async function sweepEnvironment(
  { environment, reasons }: { environment: OwnedEnvironment<StackInfo>; reasons: StaleReason[] },
  { request, ports, pulls, region }: SweepContext,
): Promise<SweptEnvironment> {
  const { log } = ports;
  const createdAt = createdAtOf(environment.stacks);
  const base = {
    ...(region === undefined ? {} : { region }),
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
    if (!failed) {
      await ports.state?.delete(environment.environment).catch((error: unknown) => {
        log.warning(`prenv's state of ${environment.environment} is left: ${messageOf(error)}`);
      });
    }
    // Only a number GitHub returned as a pull request is told: a tag can name any issue.
    const pullRequest = pulls.get(environment.pullRequest ?? 0)?.exists ? environment.pullRequest : undefined;
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
}

/** Mid-operation: a deploy or delete is under way. REVIEW_IN_PROGRESS (an unexecuted change set) is not. */
function isInProgress(stack: { status: string }): boolean {
  return stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS';
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
