import { isExpired, TAG, type Tags } from './ownership.js';
import type { StaleReason } from './report.js';

/** An owned environment: its stacks' tags grouped under its name. */
export interface OwnedEnvironment<S extends { tags: Tags }> {
  readonly environment: string;
  readonly pullRequest?: number;
  readonly stacks: readonly S[];
}

/** Groups owned stacks by their prenv:environment tag. */
export function groupByEnvironment<S extends { name: string; tags: Tags }>(
  stacks: readonly S[],
): OwnedEnvironment<S>[] {
  const groups = new Map<string, S[]>();
  for (const stack of stacks) {
    const key = stack.tags[TAG.environment] || `pr-${stack.tags[TAG.pullRequest] ?? stack.name}`;
    groups.set(key, [...(groups.get(key) ?? []), stack]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([environment, group]) => {
      const number = Number(group[0]?.tags[TAG.pullRequest]);
      return {
        environment,
        ...(Number.isInteger(number) && number > 0 ? { pullRequest: number } : {}),
        stacks: group,
      };
    });
}

/**
 * Why an environment is stale, or [] when it stays: its PR is closed (or does not exist), or every
 * stack's expires-at has passed (the latest deploy renews it).
 */
export function staleReasons(
  environment: OwnedEnvironment<{ tags: Tags }>,
  prOpen: boolean | undefined,
  now: Date,
): StaleReason[] {
  const reasons: StaleReason[] = [];
  if (prOpen === false) reasons.push('pr-closed');
  if (environment.stacks.length > 0 && environment.stacks.every((stack) => isExpired(stack.tags, now))) {
    reasons.push('expired');
  }
  return reasons;
}
