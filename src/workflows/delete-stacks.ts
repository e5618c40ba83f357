import { isoSeconds, TAG } from '../domain/ownership.js';
import type { FailureCause, RetainedResource, StackReport } from '../domain/report.js';
import { deletionWaves, parseWave } from '../domain/waves.js';
import { messageOf } from '../errors.js';
import type { BucketsPort, Log, StackInfo, StackResource, StacksPort } from '../ports.js';

/** How long one stack may take to settle or delete. */
export const STACK_TIMEOUT_MS = 30 * 60_000;

/** The result of deleting a set of stacks. */
export interface Deletion {
  readonly stacks: StackReport[];
  /** The first reason a stack was left behind. */
  readonly failure?: FailureCause;
}

/**
 * Deletes one stack and waits: a stack mid-operation is waited for first, termination protection is
 * turned off. DELETE_FAILED is retried once, after emptying the stack's own buckets that failed to
 * delete; then with FORCE_DELETE_STACK, which CloudFormation answers by keeping the resources that
 * blocked it: those are reported (force-deleted), never as a clean delete. What still stands (or a
 * delete CloudFormation refuses) is reported as left behind, never thrown. A stack that is already
 * gone counts as deleted.
 */
export async function deleteStack(
  stacks: StacksPort,
  stack: StackInfo,
  log: Log,
  buckets?: BucketsPort,
  timeoutMs = STACK_TIMEOUT_MS,
): Promise<{ report: StackReport; failure?: FailureCause }> {
  const deleted = { report: { name: stack.name, outcome: 'deleted' as const } };
  const leftBehind = async (current: StackInfo, reason?: string) => ({
    report: { name: stack.name, outcome: 'left-behind' as const, status: current.status },
    failure: (reason === undefined
      ? await stacks.firstFailure(current.id).catch(() => undefined)
      : undefined) ?? {
      stack: stack.name,
      reason: reason ?? current.statusReason ?? current.status,
    },
  });
  let current: StackInfo | undefined = stack;
  let retained: RetainedResource[] = [];
  let cause: FailureCause | undefined;
  try {
    if (isBusy(current)) {
      log.info(`${stack.name} is ${current.status}; waiting for it to settle before deleting`);
      current = await stacks.settle(stack.id, timeoutMs);
      if (current !== undefined && isBusy(current)) {
        return leftBehind(current, `still ${current.status} after ${Math.round(timeoutMs / 60_000)} min`);
      }
    }
    if (current?.terminationProtection === true) {
      log.info(`${stack.name} has termination protection on; turning it off to delete the stack`);
      await stacks.unprotect(current.id);
    }
    for (const [attempt, force] of [false, false, true].entries()) {
      if (current === undefined) return deleted;
      if (attempt > 0 && current.status !== 'DELETE_FAILED') {
        // Not a failed delete (e.g. still DELETE_IN_PROGRESS after the wait): deleting again would not help.
        return leftBehind(current, `still ${current.status} after ${Math.round(timeoutMs / 60_000)} min`);
      }
      if (attempt > 0) {
        log.warning(
          `${stack.name} is ${current.status}${current.statusReason ? `: ${current.statusReason}` : ''}; ` +
            `retrying the delete${force ? ' with DeletionMode FORCE_DELETE_STACK' : ''}`,
        );
      }
      if (attempt === 1) await emptyFailedBuckets(stacks, buckets, current, log);
      if (force) {
        // What blocks the delete now is what CloudFormation keeps: read it while it can be read.
        cause = await stacks.firstFailure(current.id).catch(() => undefined);
        retained = (await stacks.resources(current.id))
          .filter((r) => r.status === 'DELETE_FAILED')
          .map(toRetained);
      }
      await stacks.delete(current.id, { force });
      current = await stacks.settle(current.id, timeoutMs);
    }
    if (current !== undefined) return leftBehind(current);
    return forceDeleted(stack.name, retained, cause, log);
  } catch (error) {
    if (/does not exist/.test(messageOf(error))) return deleted;
    log.warning(`${stack.name} could not be deleted: ${messageOf(error)}`);
    return leftBehind(current ?? stack, messageOf(error));
  }
}

/** A stack CloudFormation deleted by force: never a clean delete, whatever it kept. */
function forceDeleted(
  name: string,
  retained: readonly RetainedResource[],
  cause: FailureCause | undefined,
  log: Log,
): { report: StackReport; failure: FailureCause } {
  const listed = retained.map((r) => `${r.logicalId} (${r.type}${r.physicalId ? `, ${r.physicalId}` : ''})`);
  log.warning(
    `${name} was deleted with DeletionMode FORCE_DELETE_STACK; CloudFormation kept ` +
      (listed.length > 0
        ? `these resources, which nothing tracks any more: ${listed.join(', ')}`
        : 'the resources that blocked the delete'),
  );
  return {
    report: { name, outcome: 'force-deleted', status: 'DELETE_COMPLETE', retained },
    failure: cause ?? {
      stack: name,
      reason: `deleted by force; resources left behind: ${listed.join(', ') || 'unknown'}`,
    },
  };
}

/**
 * Empties the buckets of this stack that failed to delete (DELETE_FAILED: CloudFormation tried, so
 * their DeletionPolicy is Delete; a retained bucket is never touched). Best effort: a bucket that
 * cannot be emptied is a warning, and the forced delete reports it as left behind.
 */
async function emptyFailedBuckets(
  stacks: StacksPort,
  buckets: BucketsPort | undefined,
  stack: StackInfo,
  log: Log,
): Promise<void> {
  if (buckets === undefined) return;
  const failed = (await stacks.resources(stack.id)).filter(
    (r) => r.type === 'AWS::S3::Bucket' && r.status === 'DELETE_FAILED' && r.physicalId !== undefined,
  );
  for (const resource of failed) {
    const bucket = resource.physicalId as string;
    try {
      const count = await buckets.empty(bucket);
      log.info(
        `${stack.name}: emptied bucket ${bucket} (${count} object version(s)) so that it can be deleted`,
      );
    } catch (error) {
      log.warning(`${stack.name}: could not empty bucket ${bucket}: ${messageOf(error)}`);
    }
  }
}

function toRetained(resource: StackResource): RetainedResource {
  return {
    logicalId: resource.logicalId,
    type: resource.type,
    ...(resource.physicalId === undefined ? {} : { physicalId: resource.physicalId }),
  };
}

function isBusy(stack: StackInfo): boolean {
  return stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS';
}

/** When an environment was created: its stacks' earliest prenv:created-at tag, or creation time. */
export function createdAtOf(stacks: readonly StackInfo[]): string | undefined {
  return stacks
    .map((stack) => stack.tags[TAG.createdAt] ?? (stack.createdAt ? isoSeconds(stack.createdAt) : undefined))
    .filter((value): value is string => value !== undefined)
    .sort()[0];
}

/** Deletes stacks dependents first (by their wave tag), each wave in parallel. */
export async function deleteStacks(
  stacks: StacksPort,
  targets: readonly StackInfo[],
  log: Log,
  buckets?: BucketsPort,
): Promise<Deletion> {
  const reports: StackReport[] = [];
  let failure: FailureCause | undefined;
  for (const wave of deletionWaves(targets, (stack) => parseWave(stack.tags[TAG.wave]))) {
    const results = await Promise.all(wave.map((stack) => deleteStack(stacks, stack, log, buckets)));
    for (const result of results) {
      reports.push(result.report);
      failure ??= result.failure;
      const { name, outcome, status, retained } = result.report;
      log.info(
        outcome === 'deleted'
          ? `${name}: deleted`
          : outcome === 'force-deleted'
            ? `${name}: deleted by force, ${retained?.length ?? 0} resource(s) left behind`
            : `${name}: left behind (${status ?? 'unknown'})`,
      );
    }
  }
  return { stacks: reports, ...(failure === undefined ? {} : { failure }) };
}
