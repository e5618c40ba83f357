import { TAG } from '../domain/ownership.js';
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
 * once, then retried with FORCE_DELETE_STACK; what still stands is reported as left behind.
 * A stack that is already gone counts as deleted.
 */
export async function deleteStack(
  stacks: StacksPort,
  stack: StackInfo,
  log: Log,
  timeoutMs = STACK_TIMEOUT_MS,
): Promise<{ report: StackReport; failure?: FailureCause }> {
  let current: StackInfo | undefined = stack;
  if (current.status.endsWith('_IN_PROGRESS') && current.status !== 'REVIEW_IN_PROGRESS') {
    log.info(`${stack.name} is ${current.status}; waiting for it to settle before deleting`);
    current = await stacks.settle(stack.id, timeoutMs);
  }
  const attempts: { force: boolean }[] = [{ force: false }, { force: false }, { force: true }];
  for (const [index, attempt] of attempts.entries()) {
    if (current === undefined) return { report: { name: stack.name, outcome: 'deleted' } };
    if (index > 0) {
      log.warning(
        `${stack.name} is ${current.status}${current.statusReason ? `: ${current.statusReason}` : ''}; ` +
          `retrying the delete${attempt.force ? ' with DeletionMode FORCE_DELETE_STACK' : ''}`,
      );
    }
    try {
      await stacks.delete(current.id, attempt);
    } catch (error) {
      if (/does not exist/.test(messageOf(error)))
        return { report: { name: stack.name, outcome: 'deleted' } };
      throw error;
    }
    current = await stacks.settle(current.id, timeoutMs);
  }
  if (current === undefined) return { report: { name: stack.name, outcome: 'deleted' } };
  const cause = (await stacks.firstFailure(current.id).catch(() => undefined)) ?? {
    stack: stack.name,
    reason: current.statusReason ?? current.status,
  };
  return { report: { name: stack.name, outcome: 'left-behind', status: current.status }, failure: cause };
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
