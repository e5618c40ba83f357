import { describe, expect, it } from 'vitest';
import {
  describeOwner,
  isExpired,
  isoSeconds,
  keptExpiry,
  latestExpiry,
  MANAGED_BY,
  mayDelete,
  ownedByPullRequest,
  ownedByRepository,
  ownerOf,
  ownershipTags,
  TAG,
  type Tags,
} from '../../src/domain/ownership.js';
import { seeded } from '../support/random.js';

const REPO = 'octo-org/invoices';
const NOW = new Date('2026-06-01T12:00:00.000Z');

const ours = (pullRequest: string, repository = REPO): Tags => ({
  [TAG.managedBy]: MANAGED_BY,
  [TAG.repository]: repository,
  [TAG.pullRequest]: pullRequest,
  [TAG.environment]: `pr-${pullRequest}`,
});

describe('ownerOf', () => {
  it('calls a stack without prenv tags unmanaged, whatever its name or other tags', () => {
    expect(ownerOf({}, REPO, 42)).toEqual({ kind: 'unmanaged' });
    expect(ownerOf({ [TAG.repository]: REPO, [TAG.pullRequest]: '42' }, REPO, 42)).toEqual({
      kind: 'unmanaged',
    });
    expect(ownerOf({ ...ours('42'), [TAG.managedBy]: 'Prenv' }, REPO, 42)).toEqual({ kind: 'unmanaged' });
  });

  it('names the other repository that owns a stack', () => {
    expect(ownerOf(ours('42', 'someone/else'), REPO, 42)).toEqual({
      kind: 'other-repository',
      repository: 'someone/else',
    });
  });

  it('treats a missing repository tag as another (unknown) repository', () => {
    const { [TAG.repository]: _, ...tags } = ours('42');
    expect(ownerOf(tags, REPO, 42)).toEqual({ kind: 'other-repository', repository: '' });
  });

  it('names the other PR of this repository that owns a stack', () => {
    expect(ownerOf(ours('7'), REPO, 42)).toEqual({
      kind: 'other-pull-request',
      repository: REPO,
      pullRequest: '7',
    });
  });

  it('treats a missing pull-request tag as another (unnamed) PR of this repository', () => {
    const { [TAG.pullRequest]: _, ...tags } = ours('42');
    expect(ownerOf(tags, REPO, 42)).toStrictEqual({
      kind: 'other-pull-request',
      repository: REPO,
      pullRequest: '',
    });
  });

  it('recognises this PR', () => {
    expect(ownerOf(ours('42'), REPO, 42)).toEqual({ kind: 'this-pr' });
  });

  it('does not read a padded PR number as this PR', () => {
    expect(ownerOf(ours('042'), REPO, 42).kind).toBe('other-pull-request');
  });
});

describe('describeOwner', () => {
  it('gives each owner a phrase for error messages', () => {
    expect(describeOwner({ kind: 'this-pr' })).toBe('this pull request');
    expect(describeOwner({ kind: 'unmanaged' })).toContain('no prenv:managed-by tag');
    expect(describeOwner({ kind: 'other-repository', repository: 'someone/else' })).toBe(
      'the repository someone/else',
    );
    expect(describeOwner({ kind: 'other-repository', repository: '' })).toBe('the repository (unknown)');
    expect(describeOwner({ kind: 'other-pull-request', repository: REPO, pullRequest: '7' })).toBe(
      `pull request #7 of ${REPO}`,
    );
  });
});

describe('ownershipTags', () => {
  const base = {
    repository: REPO,
    pullRequest: 42,
    environment: 'pr-42',
    now: NOW,
    ttlHours: 72,
  };

  it('writes every tag the design lists, with expires-at = now + ttl-hours in ISO-8601 UTC', () => {
    expect(ownershipTags(base)).toEqual({
      'prenv:managed-by': 'prenv',
      'prenv:repository': REPO,
      'prenv:pull-request': '42',
      'prenv:environment': 'pr-42',
      'prenv:expires-at': '2026-06-04T12:00:00Z',
      'prenv:created-at': '2026-06-01T12:00:00Z',
    });
  });

  it('writes no per-push fact (commit, fingerprint): the same tags on every push', () => {
    const later = ownershipTags({
      ...base,
      now: new Date(NOW.getTime() + 3_600_000),
      createdAt: '2026-06-01T12:00:00Z',
      expiresAt: '2026-06-04T12:00:00Z',
    });
    expect(later).toEqual(ownershipTags(base));
  });

  it('keeps the creation time of an environment that already exists', () => {
    const tags = ownershipTags({ ...base, createdAt: '2026-05-20T08:00:00Z' });
    expect(tags[TAG.createdAt]).toBe('2026-05-20T08:00:00Z');
  });

  it('drops milliseconds and crosses month ends correctly', () => {
    const tags = ownershipTags({ ...base, now: new Date('2026-01-31T23:59:59.999Z'), ttlHours: 1 });
    expect(tags[TAG.expiresAt]).toBe('2026-02-01T00:59:59Z');
    expect(isoSeconds(new Date('2026-01-31T23:59:59.999Z'))).toBe('2026-01-31T23:59:59Z');
  });

  it('marks the stacks it tags as owned by this PR, and their expiry as ttl-hours away', () => {
    const tags = ownershipTags(base);
    expect(ownedByPullRequest(tags, REPO, 42)).toBe(true);
    expect(isExpired(tags, NOW)).toBe(false);
    expect(isExpired(tags, new Date(NOW.getTime() + 72 * 3_600_000))).toBe(true);
  });
});

describe('isExpired', () => {
  const at = (value: string): Tags => ({ [TAG.expiresAt]: value });

  it('is expired exactly at expires-at, and not a second before', () => {
    expect(isExpired(at('2026-06-01T12:00:00Z'), NOW)).toBe(true);
    expect(isExpired(at('2026-06-01T12:00:01Z'), NOW)).toBe(false);
    expect(isExpired(at('2026-06-01T11:59:59Z'), NOW)).toBe(true);
  });

  it('reads time zone offsets and milliseconds', () => {
    expect(isExpired(at('2026-06-01T13:00:00+01:00'), NOW)).toBe(true);
    expect(isExpired(at('2026-06-01T13:00:01+01:00'), NOW)).toBe(false);
    expect(isExpired(at('2026-06-01T11:59:59.999Z'), NOW)).toBe(true);
  });

  it('never expires a stack without the tag', () => {
    expect(isExpired({}, NOW)).toBe(false);
  });

  it.each(['', 'never', 'tomorrow', 'soon 1', '1', '42', '2020', 'Mon, 01 Jan 2001', '2026-13-01T00:00:00Z'])(
    'never expires a stack whose tag is not an ISO-8601 time (%j), however Date.parse reads it',
    (value) => {
      expect(isExpired(at(value), NOW)).toBe(false);
    },
  );
});

describe('ownership property: only tags decide, never names', () => {
  const pick = <T>(next: () => number, values: readonly T[]): T =>
    values[Math.floor(next() * values.length)] as T;
  const MANAGED = [MANAGED_BY, 'Prenv', 'PRENV', 'prenv ', ' prenv', 'prenv2', '', 'cdk', undefined];
  const REPOSITORIES = [
    REPO,
    'octo-org/Invoices',
    'octo-org/invoices ',
    'octo-org/invoices-api',
    'octo-org/invoice',
    'someone/invoices',
    'octo-org',
    '',
    undefined,
  ];
  const PULL_REQUESTS = ['42', '7', '420', '4', '042', '42 ', '+42', '42.0', '', 'pr-42', undefined];
  const NAMES = ['pr-42-api', 'pr-7-api', 'pr-42', 'CDKToolkit', 'shared-vpc', 'invoices-pr-42-db', 'x'];

  interface Stack {
    readonly name: string;
    readonly tags: Tags;
  }

  /** A stack with random tags; a third start as this PR's own and have up to two tags changed. */
  function randomStack(next: () => number): Stack {
    const tags: Record<string, string> = next() < 0.35 ? { ...ours('42') } : {};
    const set = (key: string, value: string | undefined) => {
      if (value === undefined) delete tags[key];
      else tags[key] = value;
    };
    const fresh = Object.keys(tags).length === 0;
    const changes = fresh ? 3 : Math.floor(next() * 3);
    for (let change = 0; change < changes; change += 1) {
      const field = fresh ? change : Math.floor(next() * 3);
      if (field === 0) set(TAG.managedBy, pick(next, MANAGED));
      if (field === 1) set(TAG.repository, pick(next, REPOSITORIES));
      if (field === 2) set(TAG.pullRequest, pick(next, PULL_REQUESTS));
    }
    if (next() < 0.3) set('Name', pick(next, NAMES));
    return { name: pick(next, NAMES), tags };
  }

  const SEEDS = Array.from({ length: 50 }, (_, index) => index + 1);

  it.each(SEEDS)(
    'seed %i: destroy selects exactly the stacks tagged prenv + this repository + PR 42',
    (seed) => {
      const next = seeded(seed);
      const stacks = Array.from({ length: 60 }, () => randomStack(next));
      const selected = stacks.filter((stack) => ownedByPullRequest(stack.tags, REPO, 42));
      const expected = stacks.filter(
        (stack) =>
          stack.tags[TAG.managedBy] === 'prenv' &&
          stack.tags[TAG.repository] === REPO &&
          stack.tags[TAG.pullRequest] === '42',
      );
      expect(selected).toEqual(expected);
      expect(selected.length).toBeGreaterThan(0);
      expect(selected.length).toBeLessThan(stacks.length);
    },
  );

  it.each(SEEDS)('seed %i: cleanup selects exactly the stacks tagged prenv + this repository', (seed) => {
    const next = seeded(seed);
    const stacks = Array.from({ length: 60 }, () => randomStack(next));
    const selected = stacks.filter((stack) => ownedByRepository(stack.tags, REPO));
    const expected = stacks.filter(
      (stack) => stack.tags[TAG.managedBy] === 'prenv' && stack.tags[TAG.repository] === REPO,
    );
    expect(selected).toEqual(expected);
  });

  it('the generated stacks exercise every case: selected, other PR, other repository, unmanaged', () => {
    const next = seeded(1);
    const kinds = new Set<string>();
    for (let index = 0; index < 3000; index += 1) kinds.add(ownerOf(randomStack(next).tags, REPO, 42).kind);
    expect([...kinds].sort()).toEqual(['other-pull-request', 'other-repository', 'this-pr', 'unmanaged']);
  });

  it('destroy’s selection is always inside cleanup’s', () => {
    const next = seeded(99);
    for (let index = 0; index < 3000; index += 1) {
      const { tags } = randomStack(next);
      if (ownedByPullRequest(tags, REPO, 42)) expect(ownedByRepository(tags, REPO)).toBe(true);
    }
  });
});

describe('mayDelete: tags are claims, checked against the name and the template', () => {
  const tagged = (pullRequest: string, environment = `pr-${pullRequest}`, repository = REPO): Tags => ({
    ...ours(pullRequest, repository),
    [TAG.environment]: environment,
  });
  const cleanup = { repository: REPO, template: 'pr-{number}' };
  const destroy = { repository: REPO, pullRequest: 42, environment: 'pr-42' };

  it('deletes a stack named in the prefix of the environment its tags claim', () => {
    expect(mayDelete({ name: 'pr-42-api', tags: tagged('42') }, destroy)).toBe(true);
    expect(mayDelete({ name: 'pr-42-api', tags: tagged('42') }, cleanup)).toBe(true);
    expect(mayDelete({ name: 'pr-7-api', tags: tagged('7') }, cleanup)).toBe(true);
  });

  it('keeps a stack outside the prefix, whatever its tags say (forged tags on a shared stack)', () => {
    for (const name of ['shared-network', 'CDKToolkit', 'pr-42', 'pr-42-', 'pr-420-api', 'xpr-42-api']) {
      expect(mayDelete({ name, tags: tagged('42') }, destroy), name).toBe(false);
      expect(mayDelete({ name, tags: tagged('42') }, cleanup), name).toBe(false);
    }
  });

  it("keeps a stack in the prefix whose environment tag names another PR's environment", () => {
    // pr-42-api tagged as PR 7's: destroy of 7 and the sweep of 7 must not take PR 42's stack.
    expect(mayDelete({ name: 'pr-42-api', tags: tagged('7', 'pr-42') }, cleanup)).toBe(false);
    expect(
      mayDelete(
        { name: 'pr-42-api', tags: tagged('7', 'pr-42') },
        { ...destroy, pullRequest: 7, environment: 'pr-7' },
      ),
    ).toBe(false);
    expect(mayDelete({ name: 'pr-42-api', tags: tagged('7', 'pr-7') }, cleanup)).toBe(false);
    expect(mayDelete({ name: 'pr-42-api', tags: tagged('42', 'pr-7') }, destroy)).toBe(false);
  });

  it('destroy also needs its own PR number, written as prenv writes it', () => {
    for (const pullRequest of ['7', '042', ' 42', '42 ', '42.0', '0x2A', '', 'abc']) {
      expect(mayDelete({ name: 'pr-42-api', tags: tagged(pullRequest, 'pr-42') }, destroy), pullRequest).toBe(
        false,
      );
    }
  });

  it('follows the template: {repo}-pr-{number}, and a template without {number}', () => {
    const template = { repository: REPO, template: '{repo}-pr-{number}' };
    expect(mayDelete({ name: 'invoices-pr-5-api', tags: tagged('5', 'invoices-pr-5') }, template)).toBe(true);
    expect(mayDelete({ name: 'pr-5-api', tags: tagged('5', 'pr-5') }, template)).toBe(false);
    const preview = { repository: REPO, template: 'preview' };
    expect(mayDelete({ name: 'preview-api', tags: tagged('5', 'preview') }, preview)).toBe(true);
    expect(mayDelete({ name: 'pr-5-api', tags: tagged('5') }, preview)).toBe(false);
  });

  it('keeps what is not this repository’s prenv stack', () => {
    expect(mayDelete({ name: 'pr-42-api', tags: tagged('42', 'pr-42', 'octo-org/payments') }, cleanup)).toBe(
      false,
    );
    expect(
      mayDelete({ name: 'pr-42-api', tags: { ...tagged('42'), [TAG.managedBy]: 'Prenv' } }, cleanup),
    ).toBe(false);
    expect(mayDelete({ name: 'pr-42-api', tags: {} }, cleanup)).toBe(false);
  });
});

describe('keptExpiry: the one tag that may change, and only rarely', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const at = (value: string): Tags => ({ [TAG.expiresAt]: value });

  it('keeps an expiry at least half the TTL away', () => {
    expect(keptExpiry(at('2026-06-03T00:00:00Z'), now, 72)).toBe('2026-06-03T00:00:00Z');
    expect(keptExpiry(at('2026-06-04T12:00:00Z'), now, 72)).toBe('2026-06-04T12:00:00Z');
  });

  it('renews (undefined) one less than half the TTL away, missing or unreadable', () => {
    expect(keptExpiry(at('2026-06-02T23:59:59Z'), now, 72)).toBeUndefined();
    expect(keptExpiry({}, now, 72)).toBeUndefined();
    expect(keptExpiry(at('soon'), now, 72)).toBeUndefined();
  });

  it('renews an expiry that only a lenient date parser reads (which isExpired would never expire)', () => {
    // Date.parse reads "3000" as the year 3000: kept, it would be copied onto every stack for good.
    expect(keptExpiry(at('3000'), now, 72)).toBeUndefined();
    expect(keptExpiry(at('June 5, 2026'), now, 72)).toBeUndefined();
  });

  it('keeps an expiry written with an offset or milliseconds as prenv writes it (UTC, seconds)', () => {
    expect(keptExpiry(at('2026-06-05T02:00:00+02:00'), now, 72)).toBe('2026-06-05T00:00:00Z');
    expect(keptExpiry(at(' 2026-06-05T00:00:00.250Z '), now, 72)).toBe('2026-06-05T00:00:00Z');
  });
});

describe('latestExpiry', () => {
  it("is the latest instant, whatever the zone, in prenv's form; unreadable values are skipped", () => {
    expect(
      latestExpiry(['2026-06-05T00:00:00Z', '2026-06-05T01:30:00+02:00', undefined, 'June 9, 2026', '3000']),
    ).toBe('2026-06-05T00:00:00Z');
    expect(latestExpiry(['2026-06-04T23:00:00-02:00', '2026-06-05T00:00:00Z'])).toBe('2026-06-05T01:00:00Z');
    expect(latestExpiry(['', 'soon', undefined])).toBeUndefined();
    expect(latestExpiry([])).toBeUndefined();
  });
});

describe('ownership tags written loosely', () => {
  it('reads an expires-at with spaces around it', () => {
    const tags = { [TAG.expiresAt]: ' 2025-03-01T00:00:00Z ' };
    expect(isExpired(tags, new Date('2025-03-02T00:00:00Z'))).toBe(true);
  });

  it('names no repository for a prenv stack without a repository tag', () => {
    expect(ownerOf({ [TAG.managedBy]: MANAGED_BY }, 'acme/invoices', 42)).toEqual({
      kind: 'other-repository',
      repository: '',
    });
  });
});
