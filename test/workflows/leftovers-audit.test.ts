/**
 * The leftover audit's decisions, through a fake tagging API (test/workflows/leftovers.test.ts runs
 * it on moto): which environments are stale, whose PRs are looked up, what is deleted, reported or
 * counted, and what is logged.
 */
import { describe, expect, it } from 'vitest';
import type { FoundResource } from '../../src/domain/leftovers.js';
import { TAG } from '../../src/domain/ownership.js';
import { auditEnvironment, auditRegion, countResources } from '../../src/workflows/leftovers.js';
import { FakeClock, FakeLog } from '../support/fake-ports.js';
import { FakeResources } from '../support/fake-resources.js';
import { FakeStacks } from '../support/fake-stacks.js';

const REPO = 'octo-org/invoices';
const LATER = '2999-01-01T00:00:00Z';
const PAST = '2026-01-01T00:00:00Z';

/** The tags CloudFormation copies onto a resource of a prenv stack. */
function owned(pr: string, environment: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [TAG.managedBy]: 'prenv',
    [TAG.repository]: REPO,
    [TAG.pullRequest]: pr,
    [TAG.environment]: environment,
    [TAG.expiresAt]: LATER,
    ...extra,
  };
}
const fromStack = (stack: string) => ({ 'aws:cloudformation:stack-name': stack });
const bucket = (name: string, tags: Record<string, string>): FoundResource => ({
  arn: `arn:aws:s3:::${name}`,
  tags,
});
const logGroup = (name: string): FoundResource => ({
  arn: `arn:aws:logs:eu-west-2:123456789012:log-group:${name}:*`,
  tags: {},
  createdAt: new Date('2026-11-30T10:00:00.123Z'),
});

describe('countResources', () => {
  it('counts what is tagged for the environment, without its stacks', async () => {
    const resources = new FakeResources([
      bucket('pr-1-a', owned('1', 'pr-1')),
      { arn: 'arn:aws:cloudformation:eu-west-2:123456789012:stack/pr-1-api/1', tags: owned('1', 'pr-1') },
      bucket('pr-1-b', owned('1', 'pr-1')),
    ]);

    expect(await countResources(REPO, 'pr-1', resources, new FakeLog())).toBe(2);
    expect(resources.queries).toEqual([{ [TAG.repository]: REPO, [TAG.environment]: 'pr-1' }]);
  });

  it('is undefined, with a warning, when the tagging API fails', async () => {
    const log = new FakeLog();

    expect(
      await countResources(REPO, 'pr-1', new FakeResources(new Error('Throttling')), log),
    ).toBeUndefined();
    expect(log.lines).toEqual([
      { level: 'warning', message: 'Could not count the resources of pr-1: Throttling' },
    ]);
  });
});

describe('auditEnvironment', () => {
  const request = { repository: REPO, pullRequest: 1, environment: 'pr-1' };

  it('reports what outlived the stacks, only the PR’s own, and logs each', async () => {
    const stacks = new FakeStacks(new FakeClock());
    stacks.add({ name: 'pr-1-live', tags: owned('1', 'pr-1') });
    const resources = new FakeResources(
      [
        { arn: 'arn:aws:cloudformation:eu-west-2:123456789012:stack/pr-1-api/1', tags: owned('1', 'pr-1') },
        bucket('pr-1-gone', owned('1', 'pr-1', fromStack('pr-1-data'))),
        bucket('pr-1-in-live', owned('1', 'pr-1', fromStack('pr-1-live'))),
        // Same environment name, another PR's (a reused name): counted, not this PR's leftover.
        bucket('pr-1-other-pr', owned('11', 'pr-1', fromStack('pr-1-data'))),
      ],
      [logGroup('/aws/lambda/pr-1-data-Handler-ABC')],
    );
    const log = new FakeLog();

    const audit = await auditEnvironment(request, { log, stacks, resources });

    expect(audit).toEqual({
      environment: 'pr-1',
      pullRequest: 1,
      resourceCount: 3,
      leftovers: [
        { arn: 'arn:aws:s3:::pr-1-gone', type: 'AWS::S3::Bucket', outcome: 'reported', stack: 'pr-1-data' },
        {
          arn: 'arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/pr-1-data-Handler-ABC',
          type: 'AWS::Logs::LogGroup',
          outcome: 'reported',
          createdAt: '2026-11-30T10:00:00Z',
        },
      ],
    });
    expect(resources.prefixes).toEqual(['/aws/lambda/pr-1-']);
    expect(resources.deleted).toEqual([]);
    expect(log.messages('warning')).toEqual([
      'Left behind: AWS::S3::Bucket arn:aws:s3:::pr-1-gone',
      'Left behind: AWS::Logs::LogGroup arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/pr-1-data-Handler-ABC',
    ]);
  });

  it('is undefined, with a warning, when the tagging API fails', async () => {
    const log = new FakeLog();
    const ports = {
      log,
      stacks: new FakeStacks(new FakeClock()),
      resources: new FakeResources(new Error('Denied')),
    };

    expect(await auditEnvironment(request, ports)).toBeUndefined();
    expect(log.lines).toEqual([
      { level: 'warning', message: 'Could not look for resources left behind: Denied' },
    ]);
  });
});

describe('auditRegion', () => {
  it('judges each environment: swept, live, orphan with a closed or open PR, and without a PR', async () => {
    const stacks = new FakeStacks(new FakeClock());
    stacks.add({ name: 'pr-2-api', tags: owned('2', 'pr-2') });
    // A stack named like PR 5's but not prenv's: it does not keep PR 5's environment alive.
    stacks.add({ name: 'pr-5-api', tags: { [TAG.environment]: 'pr-5', [TAG.pullRequest]: '5' } });
    const resources = new FakeResources(
      [
        { arn: 'arn:aws:cloudformation:eu-west-2:123456789012:stack/pr-2-api/1', tags: owned('2', 'pr-2') },
        // Live environment: even a resource of its gone stack is only reported.
        bucket('pr-2-old', owned('2', 'pr-2', fromStack('pr-2-old'))),
        // Swept now: deleted, or the failure recorded.
        bucket('pr-1-data', owned('1', 'pr-1', fromStack('pr-1-data'))),
        bucket('pr-1-stuck', owned('1', 'pr-1', fromStack('pr-1-data'))),
        // No stack left, PR closed: stale; its age is the first prenv:created-at found.
        bucket('pr-4-a', owned('4', 'pr-4', fromStack('pr-4-data'))),
        bucket(
          'pr-4-b',
          owned('4', 'pr-4', { ...fromStack('pr-4-data'), [TAG.createdAt]: '2026-11-01T00:00:00Z' }),
        ),
        bucket(
          'pr-4-c',
          owned('4', 'pr-4', { ...fromStack('pr-4-data'), [TAG.createdAt]: '2026-11-02T00:00:00Z' }),
        ),
        // No stack left, PR open, TTL not passed: kept, its resources reported.
        bucket('pr-5-a', owned('5', 'pr-5', fromStack('pr-5-data'))),
        // PR tags that are no PR number: never looked up; stale as if closed.
        bucket('odd-0', owned('0', 'odd-0', fromStack('odd-0-x'))),
        bucket('odd-frac', owned('1.5', 'odd-frac', fromStack('odd-frac-x'))),
        bucket('odd-lead', owned('012', 'odd-lead', fromStack('odd-lead-x'))),
        bucket('odd-tail', owned('12x', 'odd-tail', fromStack('odd-tail-x'))),
        // A well-formed two-digit PR, open, but every TTL passed: stale (expired).
        bucket('pr-12-a', owned('12', 'pr-12', { ...fromStack('pr-12-data'), [TAG.expiresAt]: PAST })),
      ],
      [logGroup('/aws/lambda/pr-3-Fn-ABC'), logGroup('/aws/lambda/pr-2-Fn-ABC')],
      new Map([['arn:aws:s3:::pr-1-stuck', new Error('AccessDenied')]]),
    );
    const asked: number[][] = [];
    const log = new FakeLog();

    const audited = await auditRegion(
      {
        repository: REPO,
        template: 'pr-{number}',
        dryRun: false,
        // pr-3 was swept but nothing is tagged for it any more; pr-x has no PR number.
        stale: [
          { environment: 'pr-1', pullRequest: 1 },
          { environment: 'pr-3', pullRequest: 3 },
          { environment: 'pr-x' },
        ],
        prOpen: async (numbers) => {
          asked.push([...numbers]);
          return new Map([
            [4, false],
            [5, true],
            [12, true],
          ]);
        },
        now: new Date('2026-12-02T00:00:00Z'),
      },
      { log, stacks, resources },
    );

    expect(asked).toEqual([[4, 5, 12]]);
    const s3 = (name: string, outcome: string, stack: string, extra: Record<string, string> = {}) => ({
      arn: `arn:aws:s3:::${name}`,
      type: 'AWS::S3::Bucket',
      outcome,
      ...extra,
      stack,
    });
    expect(audited).toEqual([
      {
        environment: 'pr-2',
        pullRequest: 2,
        resourceCount: 1,
        leftovers: [s3('pr-2-old', 'reported', 'pr-2-old')],
      },
      {
        environment: 'pr-1',
        pullRequest: 1,
        resourceCount: 2,
        leftovers: [
          s3('pr-1-data', 'deleted', 'pr-1-data'),
          s3('pr-1-stuck', 'delete-failed', 'pr-1-data', { reason: 'AccessDenied' }),
        ],
      },
      {
        environment: 'pr-4',
        pullRequest: 4,
        resourceCount: 3,
        leftovers: [
          s3('pr-4-a', 'deleted', 'pr-4-data'),
          s3('pr-4-b', 'deleted', 'pr-4-data', { createdAt: '2026-11-01T00:00:00Z' }),
          s3('pr-4-c', 'deleted', 'pr-4-data', { createdAt: '2026-11-02T00:00:00Z' }),
        ],
        createdAt: '2026-11-01T00:00:00Z',
        reasons: ['pr-closed'],
      },
      {
        environment: 'pr-5',
        pullRequest: 5,
        resourceCount: 1,
        leftovers: [s3('pr-5-a', 'reported', 'pr-5-data')],
      },
      ...['odd-0', 'odd-frac', 'odd-lead', 'odd-tail'].map((name) => ({
        environment: name,
        resourceCount: 1,
        leftovers: [s3(name, 'reported', `${name}-x`)],
        reasons: ['pr-closed'],
      })),
      {
        environment: 'pr-12',
        pullRequest: 12,
        resourceCount: 1,
        leftovers: [s3('pr-12-a', 'deleted', 'pr-12-data')],
        reasons: ['expired'],
      },
      {
        environment: 'pr-3',
        pullRequest: 3,
        resourceCount: 0,
        leftovers: [
          {
            arn: 'arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/pr-3-Fn-ABC',
            type: 'AWS::Logs::LogGroup',
            outcome: 'reported',
            createdAt: '2026-11-30T10:00:00Z',
          },
        ],
      },
      { environment: 'pr-x', resourceCount: 0, leftovers: [] },
    ]);
    // Log groups are looked up for the stale environments only, never for live or kept ones.
    expect([...resources.prefixes].sort()).toEqual(
      ['pr-1', 'pr-4', 'odd-0', 'odd-frac', 'odd-lead', 'odd-tail', 'pr-12', 'pr-3', 'pr-x']
        .map((environment) => `/aws/lambda/${environment}-`)
        .sort(),
    );
    expect(resources.deleted).toEqual([
      'arn:aws:s3:::pr-1-data',
      'arn:aws:s3:::pr-4-a',
      'arn:aws:s3:::pr-4-b',
      'arn:aws:s3:::pr-4-c',
      'arn:aws:s3:::pr-12-a',
    ]);
    expect(log.messages('warning')).toEqual([
      'Could not delete the leftover arn:aws:s3:::pr-1-stuck: AccessDenied',
    ]);
  });

  it('asks no PR when every environment is swept or live', async () => {
    const stacks = new FakeStacks(new FakeClock());
    stacks.add({ name: 'pr-2-api', tags: owned('2', 'pr-2') });
    const resources = new FakeResources([bucket('pr-2-a', owned('2', 'pr-2', fromStack('pr-2-api')))]);
    let asked = 0;

    const audited = await auditRegion(
      {
        repository: REPO,
        template: 'pr-{number}',
        dryRun: true,
        stale: [],
        prOpen: async () => {
          asked++;
          return new Map();
        },
        now: new Date('2026-12-02T00:00:00Z'),
      },
      { log: new FakeLog(), stacks, resources },
    );

    expect(asked).toBe(0);
    expect(audited).toEqual([{ environment: 'pr-2', pullRequest: 2, resourceCount: 1, leftovers: [] }]);
  });
});

describe('auditRegion’s deletes and judgements', () => {
  const sweep = (stale: { environment: string; pullRequest?: number }[], open: [number, boolean][] = []) => ({
    repository: REPO,
    template: 'pr-{number}',
    dryRun: false,
    stale,
    prOpen: async () => new Map(open),
    now: new Date('2026-12-02T00:00:00Z'),
  });
  const named = (name: string, message = name) => Object.assign(new Error(message), { name });

  it('counts a leftover that is already gone as deleted, silently; any other error is a failure', async () => {
    const gone = [
      'NoSuchBucket',
      'ResourceNotFoundException',
      'NotFoundException',
      'NotFound',
      'QueueDoesNotExist',
    ];
    const names = ['pr-1-ok', ...gone.map((name) => `pr-1-${name.toLowerCase()}`), 'pr-1-denied', 'pr-1-odd'];
    const failures = new Map<string, unknown>([
      ...gone.map((name): [string, unknown] => [`arn:aws:s3:::pr-1-${name.toLowerCase()}`, named(name)]),
      ['arn:aws:s3:::pr-1-denied', named('AccessDenied', 'Access Denied')],
      // Not an SDK error: no name to go by.
      ['arn:aws:s3:::pr-1-odd', 'NoSuchBucket'],
    ]);
    const resources = new FakeResources(
      names.map((name) => bucket(name, owned('1', 'pr-1', fromStack('pr-1-data')))),
      [],
      failures as ReadonlyMap<string, Error>,
    );
    const log = new FakeLog();

    const audited = await auditRegion(sweep([{ environment: 'pr-1', pullRequest: 1 }]), {
      log,
      stacks: new FakeStacks(new FakeClock()),
      resources,
    });

    const entry = (name: string, outcome: string, reason?: string) => ({
      arn: `arn:aws:s3:::${name}`,
      type: 'AWS::S3::Bucket',
      outcome,
      stack: 'pr-1-data',
      ...(reason === undefined ? {} : { reason }),
    });
    expect(audited).toStrictEqual([
      {
        environment: 'pr-1',
        pullRequest: 1,
        resourceCount: 8,
        leftovers: [
          entry('pr-1-ok', 'deleted'),
          ...gone.map((name) => entry(`pr-1-${name.toLowerCase()}`, 'deleted')),
          entry('pr-1-denied', 'delete-failed', 'Access Denied'),
          entry('pr-1-odd', 'delete-failed', 'NoSuchBucket'),
        ],
      },
    ]);
    expect(log.lines).toStrictEqual([
      { level: 'info', message: 'Deleted the leftover arn:aws:s3:::pr-1-ok' },
      { level: 'warning', message: 'Could not delete the leftover arn:aws:s3:::pr-1-denied: Access Denied' },
      { level: 'warning', message: 'Could not delete the leftover arn:aws:s3:::pr-1-odd: NoSuchBucket' },
    ]);
  });

  it('judges an environment with no stack left expired only when every resource’s TTL passed', async () => {
    const resources = new FakeResources([
      bucket('pr-6-a', owned('6', 'pr-6', { ...fromStack('pr-6-data'), [TAG.expiresAt]: PAST })),
      bucket('pr-6-b', owned('6', 'pr-6', fromStack('pr-6-data'))),
    ]);

    const audited = await auditRegion(sweep([], [[6, true]]), {
      log: new FakeLog(),
      stacks: new FakeStacks(new FakeClock()),
      resources,
    });

    expect(audited).toStrictEqual([
      {
        environment: 'pr-6',
        pullRequest: 6,
        resourceCount: 2,
        leftovers: [
          { arn: 'arn:aws:s3:::pr-6-a', type: 'AWS::S3::Bucket', outcome: 'reported', stack: 'pr-6-data' },
          { arn: 'arn:aws:s3:::pr-6-b', type: 'AWS::S3::Bucket', outcome: 'reported', stack: 'pr-6-data' },
        ],
      },
    ]);
    expect(resources.deleted).toEqual([]);
  });

  it('finds the resources of a swept environment without a PR tag under that environment, once', async () => {
    const { [TAG.pullRequest]: _, ...untagged } = owned('0', 'pr-x', fromStack('pr-x-data'));
    const resources = new FakeResources([bucket('pr-x-a', untagged)]);

    const audited = await auditRegion(sweep([{ environment: 'pr-x' }]), {
      log: new FakeLog(),
      stacks: new FakeStacks(new FakeClock()),
      resources,
    });

    expect(audited).toStrictEqual([
      {
        environment: 'pr-x',
        resourceCount: 1,
        leftovers: [
          { arn: 'arn:aws:s3:::pr-x-a', type: 'AWS::S3::Bucket', outcome: 'reported', stack: 'pr-x-data' },
        ],
      },
    ]);
    expect(resources.prefixes).toEqual(['/aws/lambda/pr-x-']);
  });
});
