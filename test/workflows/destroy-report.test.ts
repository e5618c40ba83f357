/**
 * What destroy tells people, compared whole: the report (what the comment and summary render),
 * the step's failure text, its outputs, the log lines and groups, and the deployments' statuses.
 * test/workflows/destroy.test.ts covers what is deleted and in which order.
 */
import { describe, expect, it } from 'vitest';
import type { FoundResource } from '../../src/domain/leftovers.js';
import { LEGACY_TAG, TAG } from '../../src/domain/ownership.js';
import { type DestroyRequest, destroy } from '../../src/workflows/destroy.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { FakeClock, FakeGitHub, FakeLog, FakeStep } from '../support/fake-ports.js';
import { FakeResources } from '../support/fake-resources.js';
import { FakeBuckets, type FakeStackSpec, FakeStacks } from '../support/fake-stacks.js';
import { FakeStateStore } from '../support/fake-state.js';

const REPO = 'acme/invoices';
const PR = 42;
const ENV = 'pr-42';
const NOW = '2025-03-03T12:00:00Z';
const LINKS = {
  runUrl: 'https://github.com/acme/invoices/actions/runs/7',
  repositoryUrl: 'https://github.com/acme/invoices',
};

function tags(wave: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [TAG.managedBy]: 'prenv',
    [TAG.repository]: REPO,
    [TAG.pullRequest]: String(PR),
    [TAG.environment]: ENV,
    [TAG.wave]: String(wave),
    [TAG.createdAt]: '2025-03-01T09:00:00Z',
    ...extra,
  };
}

const BUCKET = 'pr-42-data-uploadsbucket-1x2y3z';
const FAILED_BUCKET = {
  logicalId: 'Uploads',
  type: 'AWS::S3::Bucket',
  physicalId: BUCKET,
  status: 'DELETE_FAILED',
  statusReason: 'The bucket you tried to delete is not empty',
};

function setup(
  existing: readonly FakeStackSpec[],
  options: { links?: boolean; resources?: FakeResources } = {},
) {
  const clock = new FakeClock(NOW);
  const log = new FakeLog();
  const step = new FakeStep();
  const stacks = new FakeStacks(clock);
  for (const spec of existing) stacks.add(spec);
  const github = new FakeGitHub().withPull(PR, 'closed', true);
  const state = new FakeStateStore();
  const request: DestroyRequest = {
    repository: REPO,
    pullRequest: PR,
    environment: ENV,
    ...(options.links === true ? LINKS : {}),
  };
  return {
    clock,
    log,
    step,
    stacks,
    state,
    github,
    run: () =>
      destroy(request, {
        log,
        clock,
        step,
        stacks,
        state,
        reporter: new Reporter({ github, step, log, comment: true }),
        buckets: new FakeBuckets(new Map([[BUCKET, 3]])),
        ...(options.resources === undefined ? {} : { resources: options.resources }),
      }),
  };
}

describe('destroy when the stacks cannot be listed', () => {
  it.each([
    ['without', false, {}],
    ['with', true, LINKS],
  ])('reports it %s the run and repository links, and logs it as an error', async (_, links, expected) => {
    const world = setup([], { links });
    world.stacks.beforeEachCall((call) => {
      if (call.method === 'list') throw new Error('Rate exceeded');
    });

    const outcome = await world.run();

    const reason = 'Could not list the stacks to delete: Rate exceeded';
    expect(outcome).toStrictEqual({
      report: {
        state: 'destroy-failed',
        environment: ENV,
        repository: REPO,
        pullRequest: PR,
        updatedAt: NOW,
        failure: { reason },
        ...expected,
      },
      failure: reason,
    });
    expect(world.log.lines).toStrictEqual([{ level: 'error', message: reason }]);
  });
});

describe('destroy’s report', () => {
  it('of a clean destroy: deleted stacks, the last commit, the age and the resource count, nothing more', async () => {
    const world = setup([{ name: 'pr-42-data', tags: tags(0), deletePolls: 2 }], {
      resources: new FakeResources([]),
    });
    world.state.seed(ENV, {
      'pr-42-data': {
        fingerprint: 'fp',
        templateHash: 'hash',
        sha: 'abcdef1',
        deployedAt: '2025-03-02T10:00:00Z',
        via: 'deploy',
      },
    });

    const outcome = await world.run();

    expect(outcome).toStrictEqual({
      report: {
        state: 'destroyed',
        environment: ENV,
        repository: REPO,
        pullRequest: PR,
        stacks: [{ name: 'pr-42-data', outcome: 'deleted', status: 'DELETE_COMPLETE' }],
        // Two polls of 5 s while CloudFormation deletes.
        timings: { destroy: 10_000 },
        sha: 'abcdef1',
        updatedAt: '2025-03-03T12:00:10Z',
        createdAt: '2025-03-01T09:00:00Z',
        resourceCount: 0,
      },
    });
    expect(world.log.groups).toStrictEqual(['Delete stacks', 'Look for resources left behind']);
    expect(world.log.messages('info')).toStrictEqual([
      'Deleting 1 stack(s) of PR #42: pr-42-data',
      'pr-42-data: deleted',
    ]);
  });

  it('of stacks left behind and a forced delete: every field, the failure text, the outputs and the deployment', async () => {
    const gone: FoundResource = {
      arn: 'arn:aws:s3:::pr-42-data-exports',
      tags: { ...tags(0), 'aws:cloudformation:stack-name': 'pr-42-data' },
    };
    const world = setup(
      [
        // A commit tag that only holds a sha inside it is no commit (prenv 0.1.0 wrote the sha whole).
        {
          name: 'pr-42-data',
          tags: tags(0, { [LEGACY_TAG.sha]: 'release-abcdef1' }),
          deleteFailures: 2,
          resources: [FAILED_BUCKET],
        },
        {
          name: 'pr-42-web',
          tags: tags(1, { [LEGACY_TAG.sha]: 'abcdef1-dirty' }),
          deleteFailures: 5,
          forceDeleteFails: true,
          deleteFailureReason: 'Role is in use',
        },
        { name: 'pr-42-api', tags: tags(1), deleteError: new Error('Access denied') },
      ],
      { links: true, resources: new FakeResources([gone]) },
    );
    await world.github.createDeployment({ environment: ENV, ref: 'abc', description: 'prenv' });

    const outcome = await world.run();

    const retained = `Uploads (AWS::S3::Bucket, ${BUCKET}) in pr-42-data`;
    expect(outcome).toStrictEqual({
      report: {
        state: 'destroy-failed',
        environment: ENV,
        repository: REPO,
        pullRequest: PR,
        stacks: [
          { name: 'pr-42-web', outcome: 'left-behind', status: 'DELETE_FAILED' },
          { name: 'pr-42-api', outcome: 'left-behind', status: 'CREATE_COMPLETE' },
          {
            name: 'pr-42-data',
            outcome: 'force-deleted',
            status: 'DELETE_COMPLETE',
            retained: [{ logicalId: 'Uploads', type: 'AWS::S3::Bucket', physicalId: BUCKET }],
          },
        ],
        timings: { destroy: 30_000 },
        updatedAt: '2025-03-03T12:00:30Z',
        createdAt: '2025-03-01T09:00:00Z',
        failure: { stack: 'pr-42-web', reason: 'Role is in use' },
        ...LINKS,
        leftRunning: ['pr-42-web', 'pr-42-api'],
        resourceCount: 1,
        leftovers: [
          {
            arn: gone.arn,
            type: 'AWS::S3::Bucket',
            outcome: 'reported',
            stack: 'pr-42-data',
            createdAt: '2025-03-01T09:00:00Z',
          },
        ],
      },
      failure:
        'Could not delete pr-42-web (DELETE_FAILED), pr-42-api (CREATE_COMPLETE). ' +
        'CloudFormation deleted stacks only by force and left resources behind, which nothing tracks ' +
        `any more (delete them by hand): ${retained}`,
    });
    expect(world.step.outputs).toStrictEqual({
      environment: ENV,
      stacks: '["pr-42-data"]',
      outputs: '{}',
      url: '',
      'test-result': 'skipped',
      'comment-url': 'https://github.com/acme/invoices/pull/42#issuecomment-1',
    });
    expect(world.github.deployments[0]?.statuses).toStrictEqual([
      { state: 'inactive', description: 'Environment destroyed' },
    ]);
    expect(world.log.messages('info')[0]).toBe(
      'Deleting 3 stack(s) of PR #42: pr-42-data, pr-42-web, pr-42-api',
    );
  });

  it('of a forced delete that listed no resource it kept: the failure points to the stack events', async () => {
    const world = setup([{ name: 'pr-42-data', tags: tags(0), deleteFailures: 2 }]);

    const outcome = await world.run();

    expect(outcome.failure).toBe(
      'CloudFormation deleted stacks only by force and left resources behind, which nothing tracks ' +
        'any more (delete them by hand): see the stack events',
    );
  });
});
