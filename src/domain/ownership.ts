/** The tags that make a stack prenv's, and the one rule that decides what prenv may touch. */
import { environmentName, stacksOutsidePrefix } from './naming.js';

export const TAG = {
  managedBy: 'prenv:managed-by',
  repository: 'prenv:repository',
  pullRequest: 'prenv:pull-request',
  environment: 'prenv:environment',
  /** Renewed only when less than half the TTL is left: the one tag that may change. */
  expiresAt: 'prenv:expires-at',
  /** Dependency depth within the app: destroy deletes the highest first. */
  wave: 'prenv:wave',
  /** When the environment was first created (kept across updates). */
  createdAt: 'prenv:created-at',
} as const;

/**
 * Per-push tags prenv 0.1.0 wrote, which changed on every push and rewrote every resource's tags.
 * They now live in the state store; a stack still carrying them is deployed once to drop them.
 */
export const LEGACY_TAG = {
  sha: 'prenv:sha',
  fingerprint: 'prenv:fingerprint',
} as const;

export const MANAGED_BY = 'prenv';

export type Tags = Readonly<Record<string, string>>;

/** Who owns a stack, from the point of view of one repository and PR. */
export type Owner =
  | { readonly kind: 'this-pr' }
  | { readonly kind: 'unmanaged' }
  | { readonly kind: 'other-repository'; readonly repository: string }
  | { readonly kind: 'other-pull-request'; readonly repository: string; readonly pullRequest: string };

/** Classifies a stack by its tags. */
export function ownerOf(tags: Tags, repository: string, pullRequest: number): Owner {
  if (tags[TAG.managedBy] !== MANAGED_BY) return { kind: 'unmanaged' };
  const repo = tags[TAG.repository] ?? '';
  if (repo !== repository) return { kind: 'other-repository', repository: repo };
  const pr = tags[TAG.pullRequest] ?? '';
  if (pr !== String(pullRequest)) return { kind: 'other-pull-request', repository: repo, pullRequest: pr };
  return { kind: 'this-pr' };
}

/** True when the stack's tags say it is prenv's for this repository. Tags alone: deletes use mayDelete. */
export function ownedByRepository(tags: Tags, repository: string): boolean {
  return tags[TAG.managedBy] === MANAGED_BY && tags[TAG.repository] === repository;
}

/** True when the stack's tags say it is this repository's PR's. Tags alone: deletes use mayDelete. */
export function ownedByPullRequest(tags: Tags, repository: string, pullRequest: number): boolean {
  return ownerOf(tags, repository, pullRequest).kind === 'this-pr';
}

/**
 * What a delete is for: destroy names one PR and its environment; cleanup, any PR of this
 * repository, whose environment the environment-name template gives.
 */
export type DeleteScope =
  | { readonly repository: string; readonly pullRequest: number; readonly environment: string }
  | { readonly repository: string; readonly template: string };

/**
 * The ownership rule for deletes (DESIGN.md "Ownership"). Tags alone prove nothing: PR code holds
 * sandbox credentials and can tag any stack as prenv's. So the stack's name must also start with
 * the prefix of the environment its tags claim, and that environment must be the one the
 * template gives for the tagged PR (destroy: that PR must be its own).
 */
export function mayDelete(stack: { name: string; tags: Tags }, scope: DeleteScope): boolean {
  const { tags } = stack;
  if (tags[TAG.managedBy] !== MANAGED_BY || tags[TAG.repository] !== scope.repository) return false;
  const pullRequest = canonicalNumber(tags[TAG.pullRequest]);
  if (pullRequest === undefined) return false;
  const environment =
    'template' in scope
      ? expectedEnvironment(scope.template, pullRequest, scope.repository)
      : pullRequest === scope.pullRequest
        ? scope.environment
        : undefined;
  return (
    environment !== undefined &&
    tags[TAG.environment] === environment &&
    stacksOutsidePrefix(environment, [stack.name]).length === 0
  );
}

/** A PR number written as prenv writes it (`42`, never `042` or ` 42`), else undefined. */
function canonicalNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9]\d*$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

/** The environment name the template gives for a PR, or undefined when it gives none valid. */
function expectedEnvironment(template: string, number: number, repository: string): string | undefined {
  try {
    return environmentName(template, { number, repository });
  } catch {
    return undefined;
  }
}

/** Describes an owner for an error message. */
export function describeOwner(owner: Owner): string {
  switch (owner.kind) {
    case 'this-pr':
      return 'this pull request';
    case 'unmanaged':
      return 'nobody prenv knows (it has no prenv:managed-by tag)';
    case 'other-repository':
      return `the repository ${owner.repository || '(unknown)'}`;
    case 'other-pull-request':
      return `pull request #${owner.pullRequest} of ${owner.repository}`;
  }
}

/**
 * The ownership tags for a stack deployed now. They are the same on every push (CloudFormation
 * copies stack tags onto every resource): expiresAt is kept while it is far enough away.
 */
export function ownershipTags(values: {
  repository: string;
  pullRequest: number;
  environment: string;
  now: Date;
  ttlHours: number;
  createdAt?: string;
  /** The expiry to keep (an existing stack's); a fresh one is written when undefined. */
  expiresAt?: string;
}): Record<string, string> {
  return {
    [TAG.managedBy]: MANAGED_BY,
    [TAG.repository]: values.repository,
    [TAG.pullRequest]: String(values.pullRequest),
    [TAG.environment]: values.environment,
    [TAG.expiresAt]:
      values.expiresAt ?? isoSeconds(new Date(values.now.getTime() + values.ttlHours * 3_600_000)),
    [TAG.createdAt]: values.createdAt ?? isoSeconds(values.now),
  };
}

/**
 * The stack's expires-at, kept while at least half the TTL is left (tags must not change from push
 * to push), as prenv writes it (UTC, seconds); undefined when it is missing, unreadable as an
 * ISO-8601 date and time, or due for renewal.
 */
export function keptExpiry(tags: Tags, now: Date, ttlHours: number): string | undefined {
  const at = parseExpiry(tags[TAG.expiresAt]);
  return at !== undefined && at >= now.getTime() + (ttlHours * 3_600_000) / 2
    ? isoSeconds(new Date(at))
    : undefined;
}

/** ISO-8601 UTC without milliseconds, e.g. 2026-11-27T20:00:00Z. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** ISO-8601 date and time with an explicit zone, as ownershipTags writes it (2026-11-27T20:00:00Z). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An expires-at value in milliseconds; undefined when missing or not an ISO-8601 date and time with
 * a zone. Date.parse alone is lenient: it reads "1" or "soon 1" as 2001, and "3000" as the year 3000.
 */
function parseExpiry(value: string | undefined): number | undefined {
  const raw = value?.trim();
  if (raw === undefined || !ISO_DATE_TIME.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? at : undefined;
}

/** The latest of some expires-at values, as prenv writes them (UTC, seconds); unreadable ones are skipped. */
export function latestExpiry(values: readonly (string | undefined)[]): string | undefined {
  const times = values.map(parseExpiry).filter((at): at is number => at !== undefined);
  return times.length === 0 ? undefined : isoSeconds(new Date(Math.max(...times)));
}

/** True when the stack's expires-at tag is in the past (a missing or unreadable tag never expires). */
export function isExpired(tags: Tags, now: Date): boolean {
  const at = parseExpiry(tags[TAG.expiresAt]);
  return at !== undefined && at <= now.getTime();
}
