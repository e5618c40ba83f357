import { isoSeconds, TAG } from '../domain/ownership.js';
import type { FailureCause, StackReport } from '../domain/report.js';
import { deletionWaves, parseWave } from '../domain/waves.js';
import { messageOf } from '../errors.js';
import type { Log, StackInfo, StacksPort } from '../ports.js';

/** How long one stack may take to settle or delete. */
export const STACK_TIMEOUT_MS = 30 * 60_000;

/** The result of deleting a set of stacks. */
export interface Deletion {
  readonly stacks: StackReport[];
  /** The first reason a stack was left behind. */
  readonly failure?: FailureCause;
}

/**
 * Deletes one stack and waits: a stack mid-operation is waited for first; DELETE_FAILED is retried
 * once, then retried with FORCE_DELETE_STACK; what still stands (or a delete CloudFormation
 * refuses) is reported as left behind, never thrown. A stack that is already gone counts as deleted.
 */
export async function deleteStack(
  stacks: StacksPort,
  stack: StackInfo,
  log: Log,
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
  try {
    if (isBusy(current)) {
      log.info(`${stack.name} is ${current.status}; waiting for it to settle before deleting`);
      current = await stacks.settle(stack.id, timeoutMs);
      if (current !== undefined && isBusy(current)) {
        return leftBehind(current, `still ${current.status} after ${Math.round(timeoutMs / 60_000)} min`);
      }
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
      await stacks.delete(current.id, { force });
      current = await stacks.settle(current.id, timeoutMs);
    }
    return current === undefined ? deleted : leftBehind(current);
  } catch (error) {
    if (/does not exist/.test(messageOf(error))) return deleted;
    log.warning(`${stack.name} could not be deleted: ${messageOf(error)}`);
    return leftBehind(current ?? stack, messageOf(error));
  }
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
): Promise<Deletion> {
  const reports: StackReport[] = [];
  let failure: FailureCause | undefined;
  for (const wave of deletionWaves(targets, (stack) => parseWave(stack.tags[TAG.wave]))) {
    const results = await Promise.all(wave.map((stack) => deleteStack(stacks, stack, log)));
    for (const result of results) {
      reports.push(result.report);
      failure ??= result.failure;
      log.info(
        result.report.outcome === 'deleted'
          ? `${result.report.name}: deleted`
          : `${result.report.name}: left behind (${result.report.status ?? 'unknown'})`,
      );
    }
  }
  return { stacks: reports, ...(failure === undefined ? {} : { failure }) };
}
