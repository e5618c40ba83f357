import { markerFor, renderComment } from '../domain/comment.js';
import { isoSeconds, ownedByRepository } from '../domain/ownership.js';
import type { CleanupReport, EnvironmentReport, SweptEnvironment } from '../domain/report.js';
import { groupByEnvironment, staleReasons } from '../domain/staleness.js';
import { renderCleanupSummary } from '../domain/summary.js';
import { messageOf } from '../errors.js';
import type { Clock, GitHubPort, Log, StacksPort, StateStore, StepPort } from '../ports.js';
import { createdAtOf, deleteStacks } from './delete-stacks.js';
import { mapLimit } from './map-limit.js';

/** What the sweep needs. */
export interface CleanupRequest {
  readonly repository: string;
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
  /** The environments' state, deleted with their stacks. */
  readonly state?: StateStore;
}

/**
 * Finds this repository's environments whose PR is closed or whose TTL passed, and deletes them
 * (or, in a dry run, says what it would delete). Nothing without prenv's tags for this repository
 * is ever a candidate, whatever its name.
 */
export async function cleanup(
  request: CleanupRequest,
  ports: CleanupPorts,
): Promise<{ report: CleanupReport; failure?: string }> {
  const { log, clock } = ports;
  const now = clock.now();
  const owned = (await ports.stacks.list()).filter((stack) =>
    ownedByRepository(stack.tags, request.repository),
  );
  const environments = groupByEnvironment(owned);
  log.info(
    `${owned.length} stack(s) in ${environments.length} environment(s) belong to ${request.repository}`,
  );

  const prOpen = await pullRequestStates(environments, ports);
  const stale = environments
    .map((environment) => ({
      environment,
      reasons: staleReasons(environment, prOpen.get(environment.pullRequest ?? 0), now),
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
        const deletion = await deleteStacks(ports.stacks, environment.stacks, log);
        const failed = deletion.stacks.some((stack) => stack.outcome !== 'deleted');
        if (!failed) {
          await ports.state?.delete(environment.environment).catch((error: unknown) => {
            log.warning(`prenv's state of ${environment.environment} is left: ${messageOf(error)}`);
          });
        }
        await announce(environment.environment, environment.pullRequest, deletion, createdAt, request, ports);
        return {
          ...base,
          stacks: deletion.stacks,
          result: failed ? ('failed' as const) : ('deleted' as const),
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
        environment.stacks.filter((stack) => stack.outcome !== 'left-behind').map((stack) => stack.name),
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
  return {
    report,
    ...(failed.length > 0
      ? {
          failure: `Cleanup could not delete ${failed.map((environment) => `${environment.environment} (${environment.error})`).join('; ')}`,
        }
      : {}),
  };
}

/** Asks GitHub once per distinct PR number whether it is open; a PR that does not exist counts as closed. */
async function pullRequestStates(
  environments: readonly { pullRequest?: number }[],
  ports: CleanupPorts,
): Promise<Map<number, boolean | undefined>> {
  const numbers = [...new Set(environments.map((environment) => environment.pullRequest ?? 0))].filter(
    (n) => n > 0,
  );
  const states = new Map<number, boolean | undefined>();
  if (ports.github === undefined) {
    if (numbers.length > 0)
      ports.log.warning('No github-token: cleanup can only judge environments by their TTL.');
    return states;
  }
  const github = ports.github;
  await mapLimit(numbers, 8, async (number) => {
    try {
      const pr = await github.pullRequest(number);
      states.set(number, pr?.state === 'open');
    } catch (error) {
      ports.log.warning(
        `Could not read PR #${number}; judging its environment by TTL only: ${messageOf(error)}`,
      );
      states.set(number, undefined);
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
  const left = deletion.stacks.filter((stack) => stack.outcome !== 'deleted');
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
    const id = await github.latestDeployment(environment);
    if (id !== undefined)
      await github.setDeploymentStatus(id, { state: 'inactive', description: 'Swept by cleanup' });
  } catch (error) {
    ports.log.warning(`Could not update PR #${pullRequest} about ${environment}: ${messageOf(error)}`);
  }
}
