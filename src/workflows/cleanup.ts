import { markerFor, renderComment } from '../domain/comment.js';
import { isoSeconds, mayDelete } from '../domain/ownership.js';
import type { CleanupReport, EnvironmentReport, RegionSweep, SweptEnvironment } from '../domain/report.js';
import { describeRetained, retainedResources } from '../domain/retained.js';
import { groupByEnvironment, staleReasons } from '../domain/staleness.js';
import { renderCleanupSummary } from '../domain/summary.js';
import { messageOf } from '../errors.js';
import type { BucketsPort, Clock, GitHubPort, Log, StacksPort, StateStore, StepPort } from '../ports.js';
import { createdAtOf, deleteStacks } from './delete-stacks.js';
import { mapLimit } from './map-limit.js';
import { type PullRequestStates, pullRequestStates } from './pull-request-states.js';

/** What the sweep needs. */
export interface CleanupRequest {
  readonly repository: string;
  /** The environment-name template: a stack is swept only if tagged and named as it says. @default pr-{number} */
  readonly environmentName?: string;
  readonly dryRun: boolean;
  /** Whether to update the swept PRs' comments. */
  readonly comment: boolean;
  readonly runUrl?: string;
  /** Environments deleted at once, in each region. @default 4 */
  readonly concurrency?: number;
  /** Regions swept at once. @default 2 */
  readonly regionConcurrency?: number;
}

/** CloudFormation in one region. */
export interface RegionStacks {
  readonly region: string;
  readonly stacks: StacksPort;
  /** S3 in that region, for emptying a failed stack's buckets. */
  readonly buckets?: BucketsPort;
  /** prenv's state of the environments deployed to that region. */
  readonly state?: StateStore;
}

/** The ports cleanup uses. */
export interface CleanupPorts {
  readonly log: Log;
  readonly clock: Clock;
  readonly step: StepPort;
  /** CloudFormation of the one region swept when `regions` is not given. */
  readonly stacks: StacksPort;
  /** Every region to sweep, each with its CloudFormation; replaces `stacks`. */
  readonly regions?: readonly RegionStacks[];
  readonly github: GitHubPort | undefined;
  /** Empties a failed stack's own buckets before the delete is retried; none: no emptying. */
  readonly buckets?: BucketsPort;
  /** The environments' state, deleted with their stacks. */
  readonly state?: StateStore;
}

/** One region's part of the sweep. */
interface RegionResult {
  readonly swept: readonly SweptEnvironment[];
  readonly kept: number;
  readonly error?: string;
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
  const { swept, kept, regionSweeps } = await sweepRegions(request, ports);
  const report: CleanupReport = {
    repository: request.repository,
    dryRun: request.dryRun,
    environments: swept,
    kept,
    updatedAt: isoSeconds(clock.now()),
    ...(request.runUrl === undefined ? {} : { runUrl: request.runUrl }),
    ...(regionSweeps.length === 0 ? {} : { regions: regionSweeps }),
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
  const several = regionSweeps.length > 1;
  const failed = [
    ...regionSweeps.flatMap((sweep) =>
      sweep.error === undefined ? [] : [`${sweep.region} (${sweep.error})`],
    ),
    ...swept
      .filter((environment) => environment.result === 'failed')
      .map(
        (environment) =>
          `${environment.environment}${several && environment.region ? ` in ${environment.region}` : ''} (${environment.error})`,
      ),
  ];
  const retained = retainedResources(swept.flatMap((environment) => environment.stacks));
  const problems = [
    ...(failed.length > 0 ? [`Cleanup could not delete ${failed.join('; ')}`] : []),
    ...(retained.length > 0
      ? [
          'CloudFormation deleted stacks only by force and left resources behind, which nothing tracks any more ' +
            `(delete them by hand): ${describeRetained(retained)}`,
        ]
      : []),
  ];
  return { report, ...(problems.length > 0 ? { failure: problems.join('. ') } : {}) };
}

/** Sweeps each region, a few at once; a PR's state is asked once for all of them. */
async function sweepRegions(request: CleanupRequest, ports: CleanupPorts) {
  const regions: readonly (Omit<RegionStacks, 'region'> & { region?: string })[] = ports.regions ?? [
    {
      stacks: ports.stacks,
      ...(ports.buckets === undefined ? {} : { buckets: ports.buckets }),
      ...(ports.state === undefined ? {} : { state: ports.state }),
    },
  ];
  const prStates: PullRequestStates = new Map();
  const results = await mapLimit(
    regions,
    request.regionConcurrency ?? 2,
    async ({ region, stacks, buckets, state }): Promise<RegionResult> => {
      // Each region with its own clients only: another region's S3 client must not empty this one's buckets.
      const { log, clock, step, github } = ports;
      const regional = {
        log,
        clock,
        step,
        github,
        stacks,
        ...(buckets === undefined ? {} : { buckets }),
        ...(state === undefined ? {} : { state }),
      };
      const sweep = () => sweepRegion(request, regional, prStates, region);
      if (region === undefined || regions.length === 1) return sweep();
      // One region failing (not enabled for the account, throttled) must not stop the others.
      try {
        return await ports.log.group(`Sweep ${region}`, sweep);
      } catch (error) {
        ports.log.error(`Could not sweep ${region}: ${messageOf(error)}`);
        return { swept: [], kept: 0, error: messageOf(error) };
      }
    },
  );
  const regionSweeps: RegionSweep[] = regions.flatMap(({ region }, index) => {
    const result = results[index];
    if (region === undefined || result === undefined) return [];
    return [{ region, kept: result.kept, ...(result.error === undefined ? {} : { error: result.error }) }];
  });
  return {
    swept: results.flatMap((result) => result.swept),
    kept: results.reduce((sum, result) => sum + result.kept, 0),
    regionSweeps,
  };
}

/** Sweeps one region: lists its stacks, judges its environments, deletes the stale ones. */
async function sweepRegion(
  request: CleanupRequest,
  ports: CleanupPorts,
  prStates: PullRequestStates,
  region: string | undefined,
): Promise<RegionResult> {
  const { log, clock } = ports;
  const now = clock.now();
  const scope = { repository: request.repository, template: request.environmentName ?? 'pr-{number}' };
  // A nested stack carries its parent's tags, but belongs to the parent: deleting the parent deletes it.
  const owned = (await ports.stacks.list()).filter(
    (stack) => stack.parentId === undefined && mayDelete(stack, scope),
  );
  const environments = groupByEnvironment(owned);
  log.info(
    `${owned.length} stack(s) in ${environments.length} environment(s) belong to ${request.repository}` +
      (region === undefined ? '' : ` in ${region}`),
  );

  const pulls = await pullRequestStates(environments, ports, prStates);
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

  return { swept, kept };
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
