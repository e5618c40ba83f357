import { isoSeconds, LEGACY_TAG, mayDelete } from '../domain/ownership.js';
import type { EnvironmentReport } from '../domain/report.js';
import { describeRetained, retainedResources } from '../domain/retained.js';
import { lastSha } from '../domain/state.js';
import { messageOf } from '../errors.js';
import type {
  BucketsPort,
  Clock,
  Log,
  ResourcesPort,
  StackInfo,
  StacksPort,
  StateStore,
  StepPort,
} from '../ports.js';
import { createdAtOf, deleteStacks } from './delete-stacks.js';
import { auditEnvironment } from './leftovers.js';
import type { Reporter } from './reporter.js';
import { saveRunState } from './run-state.js';

/** What destroy needs. */
export interface DestroyRequest {
  readonly repository: string;
  readonly pullRequest: number;
  readonly environment: string;
  readonly runUrl?: string;
  readonly repositoryUrl?: string;
}

/** The ports destroy uses. */
export interface DestroyPorts {
  readonly log: Log;
  readonly clock: Clock;
  readonly step: StepPort;
  readonly stacks: StacksPort;
  /** The environment's state: read for the last commit, deleted once no stack is left. */
  readonly state: StateStore;
  readonly reporter: Reporter;
  /** Empties a failed stack's own buckets before the delete is retried; none: no emptying. */
  readonly buckets?: BucketsPort;
  /** The tagging API, for the resources left behind; none: no audit. */
  readonly resources?: ResourcesPort;
}

/**
 * Deletes every stack this PR owns: tagged as this PR's environment and named in its prefix
 * (mayDelete). Stacks already gone are success: a second destroy is a no-op.
 */
export async function destroy(
  request: DestroyRequest,
  ports: DestroyPorts,
): Promise<{ report: EnvironmentReport; failure?: string }> {
  const { log, clock } = ports;
  const started = clock.now().getTime();
  let listed: StackInfo[];
  try {
    listed = await ports.stacks.list();
  } catch (error) {
    // Nothing was deleted: say so where people look, rather than leave the comment as it was.
    const reason = `Could not list the stacks to delete: ${messageOf(error)}`;
    log.error(reason);
    const report: EnvironmentReport = {
      state: 'destroy-failed',
      environment: request.environment,
      repository: request.repository,
      pullRequest: request.pullRequest,
      updatedAt: isoSeconds(clock.now()),
      failure: { reason },
      ...(request.runUrl === undefined ? {} : { runUrl: request.runUrl }),
      ...(request.repositoryUrl === undefined ? {} : { repositoryUrl: request.repositoryUrl }),
    };
    ports.step.setOutput('stacks', '[]');
    await ports.reporter.comment(report);
    return { report, failure: reason };
  }
  // A nested stack carries its parent's tags, but belongs to the parent: deleting the parent deletes it.
  const owned = listed.filter((stack) => stack.parentId === undefined && mayDelete(stack, request));
  log.info(
    owned.length === 0
      ? `No stack of ${request.repository} PR #${request.pullRequest} exists: nothing to delete.`
      : `Deleting ${owned.length} stack(s) of PR #${request.pullRequest}: ${owned.map((stack) => stack.name).join(', ')}`,
  );
  saveRunState(ports.step, {
    phase: 'destroying',
    environment: request.environment,
    pullRequest: request.pullRequest,
    stacks: owned.map((stack) => stack.name),
  });
  const deleting = log.group('Delete stacks', () => deleteStacks(ports.stacks, owned, log, ports.buckets));
  // While CloudFormation deletes: the state read, and loading what the audit calls (off its path).
  const stateRead = ports.state.read(request.environment).catch(() => undefined);
  void ports.resources?.prepare?.().catch(() => undefined);
  const deletion = await deleting;
  const state = await stateRead;
  saveRunState(ports.step, { phase: 'done' });
  const { resources } = ports;
  // Stack tags propagate to resources: whatever still carries this environment's tags was left behind.
  const audit =
    resources === undefined
      ? undefined
      : await log.group('Look for resources left behind', () =>
          auditEnvironment(request, { log, stacks: ports.stacks, resources }),
        );
  const createdAt = createdAtOf(owned);
  const left = deletion.stacks.filter((stack) => stack.outcome === 'left-behind');
  if (left.length === 0) await deleteState(request.environment, ports);
  const retained = retainedResources(deletion.stacks);
  const forced = deletion.stacks.some((stack) => stack.outcome === 'force-deleted');
  // The commit the environment was last deployed at (prenv 0.1.0 kept it in a stack tag).
  const sha = [lastSha(state), ...owned.map((stack) => stack.tags[LEGACY_TAG.sha])].find(
    (value): value is string => value !== undefined && /^[0-9a-f]{7,40}$/.test(value),
  );
  const report: EnvironmentReport = {
    state: left.length > 0 || forced ? 'destroy-failed' : 'destroyed',
    environment: request.environment,
    repository: request.repository,
    pullRequest: request.pullRequest,
    stacks: deletion.stacks.map((stack) =>
      stack.outcome === 'deleted' ? { ...stack, status: 'DELETE_COMPLETE' } : stack,
    ),
    timings: { destroy: clock.now().getTime() - started },
    ...(sha === undefined ? {} : { sha }),
    updatedAt: isoSeconds(clock.now()),
    ...(createdAt === undefined ? {} : { createdAt }),
    ...(deletion.failure === undefined ? {} : { failure: deletion.failure }),
    ...(request.runUrl === undefined ? {} : { runUrl: request.runUrl }),
    ...(request.repositoryUrl === undefined ? {} : { repositoryUrl: request.repositoryUrl }),
    ...(left.length > 0 ? { leftRunning: left.map((stack) => stack.name) } : {}),
    ...(audit === undefined ? {} : { resourceCount: audit.resourceCount }),
    ...(audit === undefined || audit.leftovers.length === 0 ? {} : { leftovers: audit.leftovers }),
  };
  ports.step.setOutput('environment', request.environment);
  ports.step.setOutput(
    'stacks',
    JSON.stringify(
      deletion.stacks.filter((stack) => stack.outcome !== 'left-behind').map((stack) => stack.name),
    ),
  );
  ports.step.setOutput('outputs', '{}');
  ports.step.setOutput('url', '');
  ports.step.setOutput('test-result', 'skipped');
  await ports.reporter.deactivateAll(request.environment, 'Environment destroyed');
  await ports.reporter.comment(report);
  const problems = [
    ...(left.length > 0
      ? [`Could not delete ${left.map((stack) => `${stack.name} (${stack.status ?? 'unknown'})`).join(', ')}`]
      : []),
    ...(forced
      ? [
          'CloudFormation deleted stacks only by force and left resources behind, which nothing tracks any more ' +
            `(delete them by hand): ${describeRetained(retained) || 'see the stack events'}`,
        ]
      : []),
  ];
  return { report, ...(problems.length > 0 ? { failure: problems.join('. ') } : {}) };
}

/** Deletes the environment's state; a failure is a warning, the stacks are what matters. */
async function deleteState(environment: string, ports: DestroyPorts): Promise<void> {
  try {
    await ports.state.delete(environment);
  } catch (error) {
    ports.log.warning(
      `The stacks are deleted, but prenv's state of ${environment} is not: ${messageOf(error)}`,
    );
  }
}
