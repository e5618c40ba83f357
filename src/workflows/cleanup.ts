import { describeLeftovers } from '../domain/leftovers.js';
import { isoSeconds, mayDelete } from '../domain/ownership.js';
import type { CleanupReport, KeptEnvironment, RegionSweep, SweptEnvironment } from '../domain/report.js';
import { describeRetained, retainedResources } from '../domain/retained.js';
import { groupByEnvironment, staleReasons } from '../domain/staleness.js';
import { renderCleanupSummary } from '../domain/summary.js';
import { messageOf } from '../errors.js';
import type {
  BucketsPort,
  Clock,
  GitHubPort,
  Log,
  ResourcesPort,
  StacksPort,
  StateStore,
  StepPort,
} from '../ports.js';
import { sweepEnvironment } from './cleanup-environment.js';
import { auditLeftovers } from './cleanup-leftovers.js';
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
  /** The tagging API and the leftover deletes in that region; none: no leftover audit. */
  readonly resources?: ResourcesPort;
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
  /** The tagging API and the deletes of the leftover audit; none: no audit. */
  readonly resources?: ResourcesPort;
}

/** One region's part of the sweep. */
interface RegionResult {
  readonly swept: readonly SweptEnvironment[];
  readonly kept: number;
  readonly error?: string;
  /** The kept environments, counted by the leftover audit (when it ran). */
  readonly keptEnvironments?: readonly KeptEnvironment[];
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
  const { swept, kept, regionSweeps, keptEnvironments } = await sweepRegions(request, ports);
  const report: CleanupReport = {
    repository: request.repository,
    dryRun: request.dryRun,
    environments: swept,
    kept,
    ...(keptEnvironments === undefined ? {} : { keptEnvironments }),
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
  const undeleted = swept.flatMap((env) =>
    (env.leftovers ?? []).filter((r) => r.outcome === 'delete-failed'),
  );
  if (undeleted.length > 0)
    problems.push(`Could not delete leftover resources: ${describeLeftovers(undeleted)}`);
  return { report, ...(problems.length > 0 ? { failure: problems.join('. ') } : {}) };
}

/** Sweeps each region, a few at once; a PR's state is asked once for all of them. */
async function sweepRegions(request: CleanupRequest, ports: CleanupPorts) {
  const regions: readonly (Omit<RegionStacks, 'region'> & { region?: string })[] = ports.regions ?? [
    {
      stacks: ports.stacks,
      ...(ports.buckets === undefined ? {} : { buckets: ports.buckets }),
      ...(ports.state === undefined ? {} : { state: ports.state }),
      ...(ports.resources === undefined ? {} : { resources: ports.resources }),
    },
  ];
  const prStates: PullRequestStates = new Map();
  const results = await mapLimit(
    regions,
    request.regionConcurrency ?? 2,
    async ({ region, stacks, buckets, state, resources }): Promise<RegionResult> => {
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
        ...(resources === undefined ? {} : { resources }),
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
  const audited = results.filter((result) => result.keptEnvironments !== undefined);
  return {
    swept: results.flatMap((result) => result.swept),
    kept: results.reduce((sum, result) => sum + result.kept, 0),
    regionSweeps,
    ...(audited.length === 0 ? {} : { keptEnvironments: audited.flatMap((r) => r.keptEnvironments ?? []) }),
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

  const stacksSwept = await mapLimit(stale, request.concurrency ?? 4, (candidate) =>
    sweepEnvironment(candidate, { request, ports, pulls, region }),
  );

  // Then what outlived the stacks: the region's one tagging-API query, its leftovers and counts.
  const audit = await auditLeftovers(request, ports, stacksSwept, async (numbers) => {
    const states = await pullRequestStates(
      numbers.map((pullRequest) => ({ pullRequest })),
      ports,
      prStates,
    );
    return new Map([...states].map(([number, state]) => [number, state.open]));
  });
  const inRegion = <T extends object>(env: T): T => (region === undefined ? env : { ...env, region });
  return {
    swept: audit.swept.map(inRegion),
    kept,
    ...(audit.keptEnvironments === undefined
      ? {}
      : { keptEnvironments: audit.keptEnvironments.map(inRegion) }),
  };
}
