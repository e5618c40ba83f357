/**
 * The leftover audit: resources still tagged for an environment after its stacks are gone.
 * One paginated tagging-API query per region (and, for the log groups Lambda creates untagged,
 * one DescribeLogGroups per environment being removed). What may be deleted is decided by
 * judgeLeftover (DESIGN.md "Ownership"); everything else is reported, never deleted.
 */
import {
  canonicalArn,
  type FoundResource,
  isStackArn,
  judgeLeftover,
  lambdaLogGroupPrefix,
  leftoverEntry,
} from '../domain/leftovers.js';
import { type DeleteScope, isExpired, mayDelete, TAG } from '../domain/ownership.js';
import type { KeptEnvironment, LeftoverResource, StaleReason, SweptEnvironment } from '../domain/report.js';
import { LeftoverRefusedError, messageOf } from '../errors.js';
import type { Log, ResourcesPort, StacksPort } from '../ports.js';
import { mapLimit } from './map-limit.js';

/** What the audit reads and deletes with, in one region. */
export interface LeftoverPorts {
  readonly log: Log;
  readonly stacks: StacksPort;
  readonly resources: ResourcesPort;
}

/** One environment's audit. */
export interface AuditedEnvironment {
  readonly environment: string;
  readonly pullRequest?: number;
  /** Resources tagged for it, in live stacks or not (the tagging API's count). */
  readonly resourceCount: number;
  readonly leftovers: readonly LeftoverResource[];
  /** ISO-8601 UTC: the environment's prenv:created-at, as its resources carry it. */
  readonly createdAt?: string;
  /** Why it is stale, when it has no live stack left and its own tags or PR say so. */
  readonly reasons?: readonly StaleReason[];
}

/** How many resources are tagged for the environment; undefined when the tagging API cannot say. */
export async function countResources(
  repository: string,
  environment: string,
  resources: ResourcesPort,
  log: Log,
): Promise<number | undefined> {
  try {
    const tagged = await resources.tagged({ [TAG.repository]: repository, [TAG.environment]: environment });
    return tagged.filter((resource) => !isStackArn(resource.arn)).length;
  } catch (error) {
    log.warning(`Could not count the resources of ${environment}: ${messageOf(error)}`);
    return undefined;
  }
}

/**
 * After a destroy: what is still tagged for the environment, reported and never deleted here (the
 * sweep deletes what prenv may once the environment is stale). Best effort: a failed query is a warning.
 */
export async function auditEnvironment(
  request: { repository: string; pullRequest: number; environment: string },
  ports: LeftoverPorts,
): Promise<AuditedEnvironment | undefined> {
  try {
    const [everything, logGroups, live] = await Promise.all([
      ports.resources.tagged({
        [TAG.repository]: request.repository,
        [TAG.environment]: request.environment,
      }),
      ports.resources.logGroups(lambdaLogGroupPrefix(request.environment)),
      liveStackNames(ports.stacks),
    ]);
    const tagged = everything.filter((resource) => !isStackArn(resource.arn));
    const found = merge(
      tagged.filter((resource) => resource.tags[TAG.pullRequest] === String(request.pullRequest)),
      logGroups,
    );
    const leftovers = found
      .filter((resource) => judgeLeftover(resource, request, live) !== 'in-live-stack')
      .map((resource) => leftoverEntry(resource, 'reported'));
    for (const leftover of leftovers) {
      ports.log.warning(`Left behind: ${leftover.type} ${leftover.arn}`);
    }
    return {
      environment: request.environment,
      pullRequest: request.pullRequest,
      resourceCount: tagged.length,
      leftovers,
    };
  } catch (error) {
    ports.log.warning(`Could not look for resources left behind: ${messageOf(error)}`);
    return undefined;
  }
}

/** What the sweep tells the audit about one region. */
export interface SweepAuditRequest {
  readonly repository: string;
  /** The environment-name template. */
  readonly template: string;
  readonly dryRun: boolean;
  /** Environments (name and PR) the sweep judged stale in this region and did not skip. */
  readonly stale: readonly { environment: string; pullRequest?: number }[];
  /** Whether each PR is open (undefined: unknown), for environments with no stack left. */
  readonly prOpen: (numbers: readonly number[]) => Promise<ReadonlyMap<number, boolean | undefined>>;
  readonly now: Date;
}

/**
 * The sweep's audit of one region: one tagging-API query for the repository; per environment, its
 * resource count and what outlived its stacks. In a stale environment (swept now, or with no stack
 * left and a closed PR or passed TTL) the deletable leftovers are deleted (dry run: would be).
 */
export async function auditRegion(
  request: SweepAuditRequest,
  ports: LeftoverPorts,
): Promise<AuditedEnvironment[]> {
  const scope: DeleteScope = { repository: request.repository, template: request.template };
  const [everything, stacks] = await Promise.all([
    ports.resources.tagged({ [TAG.repository]: request.repository, [TAG.environment]: undefined }),
    ports.stacks.list(),
  ]);
  const tagged = everything.filter((resource) => !isStackArn(resource.arn));
  const live = new Set(stacks.map((stack) => stack.name));
  const liveEnvironments = new Set(
    stacks.filter((stack) => mayDelete(stack, scope)).map((stack) => keyOf(stack.tags)),
  );
  const groups = new Map<string, FoundResource[]>();
  for (const resource of tagged) {
    const key = keyOf(resource.tags);
    groups.set(key, [...(groups.get(key) ?? []), resource]);
  }
  for (const env of request.stale) {
    const key = `${env.environment}\u0000${env.pullRequest ?? ''}`;
    if (!groups.has(key)) groups.set(key, []);
  }
  const staleKeys = new Set(request.stale.map((env) => `${env.environment}\u0000${env.pullRequest ?? ''}`));
  const orphanPrs = [...groups.keys()]
    .filter((key) => !staleKeys.has(key) && !liveEnvironments.has(key))
    .map((key) => Number(key.split('\u0000')[1]))
    .filter((n) => Number.isSafeInteger(n) && n > 0);
  const prOpen = orphanPrs.length === 0 ? new Map() : await request.prOpen([...new Set(orphanPrs)]);

  return mapLimit([...groups.entries()], 4, async ([key, resources]) => {
    const [environment = '', pr = ''] = key.split('\u0000');
    const pullRequest = /^[1-9]\d*$/.test(pr) ? Number(pr) : undefined;
    const reasons = staleKeys.has(key)
      ? undefined
      : liveEnvironments.has(key)
        ? []
        : orphanReasons(resources, pullRequest === undefined ? false : prOpen.get(pullRequest), request.now);
    const stale = reasons === undefined || reasons.length > 0;
    const found = stale
      ? merge(resources, await ports.resources.logGroups(lambdaLogGroupPrefix(environment)))
      : resources;
    const leftovers: LeftoverResource[] = [];
    for (const resource of found) {
      const verdict = judgeLeftover(resource, scope, live);
      if (verdict === 'in-live-stack') continue;
      if (verdict === 'report' || !stale) leftovers.push(leftoverEntry(resource, 'reported'));
      else if (request.dryRun) leftovers.push(leftoverEntry(resource, 'would-delete'));
      else leftovers.push(await deleteLeftover(resource, ports));
    }
    const createdAt = resources.map((r) => r.tags[TAG.createdAt]).find((value) => value !== undefined);
    return {
      environment,
      ...(pullRequest === undefined ? {} : { pullRequest }),
      resourceCount: resources.length,
      leftovers,
      ...(createdAt === undefined ? {} : { createdAt }),
      ...(reasons === undefined || reasons.length === 0 ? {} : { reasons }),
    };
  });
}

/** Deletes one leftover; a refusal is reported, a failure recorded. */
async function deleteLeftover(resource: FoundResource, ports: LeftoverPorts): Promise<LeftoverResource> {
  try {
    await ports.resources.delete(resource.arn);
    ports.log.info(`Deleted the leftover ${resource.arn}`);
    return leftoverEntry(resource, 'deleted');
  } catch (error) {
    if (error instanceof LeftoverRefusedError) return leftoverEntry(resource, 'reported', error.message);
    // Already gone (another run, or the same bucket seen from another region's query): deleted is deleted.
    if (alreadyGone(error)) return leftoverEntry(resource, 'deleted');
    ports.log.warning(`Could not delete the leftover ${resource.arn}: ${messageOf(error)}`);
    return leftoverEntry(resource, 'delete-failed', messageOf(error));
  }
}

/** True for the SDK's "no such resource" errors of the services prenv deletes leftovers in. */
function alreadyGone(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return (
    typeof name === 'string' &&
    [
      'NoSuchBucket',
      'ResourceNotFoundException',
      'NotFoundException',
      'NotFound',
      'QueueDoesNotExist',
    ].includes(name)
  );
}

/** An environment with no stack left is stale when its PR is closed or every resource's TTL passed. */
function orphanReasons(
  resources: readonly FoundResource[],
  prOpen: boolean | undefined,
  now: Date,
): StaleReason[] {
  const reasons: StaleReason[] = [];
  if (prOpen === false) reasons.push('pr-closed');
  if (resources.length > 0 && resources.every((resource) => isExpired(resource.tags, now))) {
    reasons.push('expired');
  }
  return reasons;
}

/** The tagged resources, and the log groups found by name that the tagging API did not return. */
function merge(tagged: readonly FoundResource[], logGroups: readonly FoundResource[]): FoundResource[] {
  const byArn = new Map(tagged.map((resource) => [canonicalArn(resource.arn), resource]));
  for (const group of logGroups) {
    const known = byArn.get(canonicalArn(group.arn));
    byArn.set(
      canonicalArn(group.arn),
      known === undefined ? group : { ...known, ...group, tags: known.tags },
    );
  }
  return [...byArn.values()];
}

/** Names of every stack in the region that still exists. */
async function liveStackNames(stacks: StacksPort): Promise<Set<string>> {
  return new Set((await stacks.list()).map((stack) => stack.name));
}

/** The (environment, PR) key that groupByEnvironment uses. */
function keyOf(tags: Readonly<Record<string, string>>): string {
  return `${tags[TAG.environment] ?? ''}\u0000${tags[TAG.pullRequest] ?? ''}`;
}

/**
 * Folds the audit into the sweep's results: a swept environment gains its count and leftovers (and
 * is left-behind while any remain); an environment with no stack left that is stale joins the
 * swept list; the rest are the kept environments, with their counts.
 */
export function applyAudit(
  swept: readonly SweptEnvironment[],
  audited: readonly AuditedEnvironment[],
  dryRun: boolean,
): { swept: SweptEnvironment[]; kept: KeptEnvironment[] } {
  const key = (env: { environment: string; pullRequest?: number }) =>
    `${env.environment}\u0000${env.pullRequest ?? ''}`;
  const byKey = new Map(audited.map((env) => [key(env), env]));
  const remaining = (leftovers: readonly LeftoverResource[]) =>
    leftovers.some((r) => r.outcome === 'reported' || r.outcome === 'delete-failed');
  const result: SweptEnvironment[] = swept.map((env) => {
    const audit = byKey.get(key(env));
    if (audit === undefined) return env;
    byKey.delete(key(env));
    return {
      ...env,
      resourceCount: audit.resourceCount,
      ...(audit.leftovers.length === 0 ? {} : { leftovers: audit.leftovers }),
      ...(env.result === 'deleted' && remaining(audit.leftovers) ? { result: 'left-behind' as const } : {}),
    };
  });
  const kept: KeptEnvironment[] = [];
  for (const audit of byKey.values()) {
    const { reasons, ...rest } = audit;
    if (reasons === undefined || reasons.length === 0) {
      kept.push(rest);
      continue;
    }
    if (audit.leftovers.length === 0) continue;
    result.push({
      environment: audit.environment,
      ...(audit.pullRequest === undefined ? {} : { pullRequest: audit.pullRequest }),
      reasons,
      ...(audit.createdAt === undefined ? {} : { createdAt: audit.createdAt }),
      stacks: [],
      resourceCount: audit.resourceCount,
      leftovers: audit.leftovers,
      result: dryRun ? 'would-delete' : remaining(audit.leftovers) ? 'left-behind' : 'deleted',
    });
  }
  return { swept: result, kept };
}
