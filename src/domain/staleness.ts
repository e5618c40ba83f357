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
  // One environment per (name, PR): an environment-name without {number} gives every PR the same
  // name, and each PR's stacks must still be judged by that PR alone.
  const groups = new Map<string, { environment: string; pullRequest: string; stacks: S[] }>();
  for (const stack of stacks) {
    const pullRequest = stack.tags[TAG.pullRequest] ?? '';
    const environment = stack.tags[TAG.environment] || `pr-${pullRequest || stack.name}`;
    const key = `${environment}\u0000${pullRequest}`;
    const group = groups.get(key) ?? { environment, pullRequest, stacks: [] };
    group.stacks.push(stack);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, group]) => {
      const number = Number(group.pullRequest);
      return {
        environment: group.environment,
        ...(/^\d+$/.test(group.pullRequest) && number > 0 ? { pullRequest: number } : {}),
        stacks: group.stacks,
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
