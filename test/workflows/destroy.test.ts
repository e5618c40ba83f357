import { describe, expect, it } from 'vitest';
import { markerFor } from '../../src/domain/comment.js';
import { TAG } from '../../src/domain/ownership.js';
import { type DestroyRequest, destroy } from '../../src/workflows/destroy.js';
import { Reporter } from '../../src/workflows/reporter.js';
import { loadRunState } from '../../src/workflows/run-state.js';
import { FakeClock, FakeGitHub, FakeLog, FakeStep, Journal } from '../support/fake-ports.js';
import { FakeResources } from '../support/fake-resources.js';
import {
  FakeBuckets,
  type FakeStackSpec,
  FakeStacks,
  type FakeStacksOptions,
} from '../support/fake-stacks.js';
import { FakeStateStore } from '../support/fake-state.js';

const REPO = 'acme/invoices';
const PR = 42;
const ENV = 'pr-42';

function tags(wave: number, pullRequest = PR, repository = REPO): Record<string, string> {
  return {
    [TAG.managedBy]: 'prenv',
    [TAG.repository]: repository,
    [TAG.pullRequest]: String(pullRequest),
    [TAG.environment]: `pr-${pullRequest}`,
    [TAG.wave]: String(wave),
    [TAG.createdAt]: '2025-03-01T09:00:00Z',
  };
}

const BUCKET = 'pr-42-data-uploadsbucket-1x2y3z';
/** The stack's bucket, as DescribeStackResources shows it after a delete it blocked. */
const FAILED_BUCKET = {
  logicalId: 'Uploads',
  type: 'AWS::S3::Bucket',
  physicalId: BUCKET,
  status: 'DELETE_FAILED',
  statusReason: 'The bucket you tried to delete is not empty',
};
const DATA: FakeStackSpec = { name: 'pr-42-data', tags: tags(0) };
const API: FakeStackSpec = { name: 'pr-42-api', tags: tags(1) };

function setup(existing: readonly FakeStackSpec[], options: Omit<FakeStacksOptions, 'journal'> = {}) {
  const journal = new Journal();
  const clock = new FakeClock();
  const log = new FakeLog();
  const step = new FakeStep();
  const stacks = new FakeStacks(clock, { ...options, journal });
  for (const spec of existing) stacks.add(spec);
  const github = new FakeGitHub(journal).withPull(PR, 'closed', true);
  const buckets = new FakeBuckets(new Map([[BUCKET, 3]]));
  const state = new FakeStateStore(journal);
  const request: DestroyRequest = { repository: REPO, pullRequest: PR, environment: ENV };
  return {
    buckets,
    journal,
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
        buckets,
      }),
  };
}

describe('destroy', () => {
  it('when the stacks cannot be listed: fails naming why, and the comment says nothing was deleted', async () => {
    const world = setup([]);
    world.stacks.beforeEachCall((call) => {
      if (call.method === 'list') throw new Error('Rate exceeded');
    });

    const outcome = await world.run();

    expect(outcome.report.state).toBe('destroy-failed');
    expect(outcome.failure).toBe('Could not list the stacks to delete: Rate exceeded');
    expect(world.github.commentFor(PR, '<!-- prenv:pr-42 -->')?.body).toContain('Rate exceeded');
    expect(world.step.outputs.stacks).toBe('[]');
  });

  it('deletes the stacks this PR owns, found by their tags, and no decoy of the same names', async () => {
    const world = setup([
      DATA,
      API,
      { name: 'pr-42-renamed', tags: tags(0) },
      // Decoys: names that look like this PR's environment, tags that say otherwise.
      { name: 'pr-42-cache' },
      { name: 'pr-42-legacy', tags: tags(0, PR, 'acme/payments') },
      { name: 'pr-42-shared', tags: { ...tags(0), [TAG.managedBy]: 'someone-else' } },
      { name: 'pr-42-other', tags: tags(0, 7) },
      { name: 'pr-7-api', tags: tags(0, 7) },
    ]);

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(outcome.report.state).toBe('destroyed');
    expect(world.stacks.names()).toEqual([
      'pr-42-cache',
      'pr-42-legacy',
      'pr-42-shared',
      'pr-42-other',
      'pr-7-api',
    ]);
    expect(
      world.stacks
        .deletes()
        .map(([name]) => name)
        .sort(),
    ).toEqual(['pr-42-api', 'pr-42-data', 'pr-42-renamed']);
    expect(JSON.parse(world.step.outputs.stacks ?? '')).toEqual(['pr-42-api', 'pr-42-data', 'pr-42-renamed']);
    expect(world.step.outputs).toMatchObject({ environment: ENV, 'test-result': 'skipped', outputs: '{}' });
    expect(world.stacks.callsOf('list')).toHaveLength(1);
    expect(world.stacks.callsOf('get')).toHaveLength(0);
  });

  it('deletes dependents first: a wave starts only once the higher wave is gone', async () => {
    const world = setup([
      DATA,
      { name: 'pr-42-web', tags: tags(2), deletePolls: 3 },
      { ...API, deletePolls: 2 },
    ]);

    await world.run();

    const deletes = world.stacks.deletes().map(([name]) => name);
    expect(deletes).toEqual(['pr-42-web', 'pr-42-api', 'pr-42-data']);
    const entries = world.journal.entries;
    const lastSettleOf = (name: string) =>
      entries.findLastIndex((entry) => entry.method === 'settle' && entry.target === name);
    const deleteOf = (name: string) =>
      world.journal.indexOf((e) => e.method === 'delete' && e.target === name);
    expect(deleteOf('pr-42-api')).toBeGreaterThan(lastSettleOf('pr-42-web'));
    expect(deleteOf('pr-42-data')).toBeGreaterThan(lastSettleOf('pr-42-api'));
  });

  it('empties the bucket that blocked the delete, then retries the normal delete', async () => {
    const world = setup([{ ...DATA, deleteFailures: 1, resources: [FAILED_BUCKET] }]);

    const outcome = await world.run();

    expect(world.buckets.emptied).toEqual([BUCKET]);
    expect(world.stacks.deletes()).toEqual([
      ['pr-42-data', 'STANDARD'],
      ['pr-42-data', 'STANDARD'],
    ]);
    expect(outcome.report.state).toBe('destroyed');
    expect(outcome.failure).toBeUndefined();
  });

  it('never empties a bucket CloudFormation did not try to delete (DeletionPolicy Retain)', async () => {
    const kept = { ...FAILED_BUCKET, status: 'CREATE_COMPLETE' };
    const world = setup([{ ...DATA, deleteFailures: 1, resources: [kept] }]);

    await world.run();

    expect(world.buckets.emptied).toEqual([]);
  });

  it('reports a forced delete as resources left behind, never as a clean destroy, and fails the step', async () => {
    const cause = {
      stack: 'pr-42-data',
      resource: 'Uploads',
      resourceType: 'AWS::S3::Bucket',
      reason: 'The bucket you tried to delete is not empty',
    };
    const world = setup([{ ...DATA, deleteFailures: 2, resources: [FAILED_BUCKET], failure: cause }]);

    const outcome = await world.run();

    expect(world.stacks.deletes()).toEqual([
      ['pr-42-data', 'STANDARD'],
      ['pr-42-data', 'STANDARD'],
      ['pr-42-data', 'FORCE_DELETE_STACK'],
    ]);
    expect(outcome.report.state).toBe('destroy-failed');
    expect(outcome.report.stacks).toEqual([
      {
        name: 'pr-42-data',
        outcome: 'force-deleted',
        status: 'DELETE_COMPLETE',
        retained: [{ logicalId: 'Uploads', type: 'AWS::S3::Bucket', physicalId: BUCKET }],
      },
    ]);
    expect(outcome.report.failure).toEqual(cause);
    expect(outcome.failure).toContain(`Uploads (AWS::S3::Bucket, ${BUCKET}) in pr-42-data`);
    expect(JSON.parse(world.step.outputs.stacks ?? '[]')).toEqual(['pr-42-data']);
    const comment = world.github.commentFor(PR, markerFor(ENV))?.body ?? '';
    expect(comment).toContain('was destroyed, but resources were left behind');
    expect(comment).toContain('#### Resources left behind (1)');
    expect(comment).toContain(`\`${BUCKET}\``);
    expect(world.log.messages('warning').join('\n')).toContain('DeletionMode FORCE_DELETE_STACK');
  });

  it('turns termination protection off before deleting a protected stack', async () => {
    const world = setup([{ ...DATA, terminationProtection: true }]);

    const outcome = await world.run();

    expect(world.stacks.calls.map((call) => call.method)).toEqual(['list', 'unprotect', 'delete', 'settle']);
    expect(outcome.report.state).toBe('destroyed');
    expect(world.stacks.names()).toEqual([]);
  });

  it('leaves nested stacks to their parent: never deleted directly, never reported', async () => {
    const world = setup([DATA, { name: 'pr-42-data-NestedA1B2-XYZ', tags: tags(0), parentId: 'parent-id' }]);

    const outcome = await world.run();

    expect(world.stacks.deletes()).toEqual([['pr-42-data', 'STANDARD']]);
    expect(outcome.report.stacks?.map((stack) => stack.name)).toEqual(['pr-42-data']);
  });

  it('marks every deployment of the environment inactive, not only the latest', async () => {
    const world = setup([DATA]);
    for (const ref of ['sha-1', 'sha-2', 'sha-3'])
      await world.github.createDeployment({ environment: ENV, ref, description: 'push' });
    await world.github.createDeployment({ environment: 'pr-7', ref: 'sha-7', description: 'other PR' });

    await world.run();

    const last = (environment: string) =>
      world.github.deployments
        .filter((deployment) => deployment.environment === environment)
        .map((deployment) => deployment.statuses.at(-1)?.state);
    expect(last(ENV)).toEqual(['inactive', 'inactive', 'inactive']);
    expect(last('pr-7')).toEqual([undefined]);
  });

  it('needs no force when the retry succeeds', async () => {
    const world = setup([{ ...DATA, deleteFailures: 1 }]);

    const outcome = await world.run();

    expect(world.stacks.deletes()).toEqual([
      ['pr-42-data', 'STANDARD'],
      ['pr-42-data', 'STANDARD'],
    ]);
    expect(outcome.failure).toBeUndefined();
  });

  it('reports a stack that even FORCE could not delete as left behind, with the reason', async () => {
    const cause = {
      stack: 'pr-42-data',
      resource: 'ReportsBucket',
      resourceType: 'AWS::S3::Bucket',
      reason: 'The bucket you tried to delete is not empty',
    };
    const world = setup([API, { ...DATA, deleteFailures: 5, forceDeleteFails: true, failure: cause }]);

    const outcome = await world.run();

    expect(world.stacks.deletes()).toHaveLength(4);
    expect(outcome.report.state).toBe('destroy-failed');
    expect(outcome.report.stacks).toEqual([
      { name: 'pr-42-api', outcome: 'deleted', status: 'DELETE_COMPLETE' },
      { name: 'pr-42-data', outcome: 'left-behind', status: 'DELETE_FAILED' },
    ]);
    expect(outcome.report.failure).toEqual(cause);
    expect(outcome.report.leftRunning).toEqual(['pr-42-data']);
    expect(outcome.failure).toBe('Could not delete pr-42-data (DELETE_FAILED)');
    expect(world.github.commentFor(PR, markerFor(ENV))?.body).toContain('not empty');
    expect(loadRunState(world.step)).toEqual({ phase: 'done' });
  });

  it("falls back to the stack's status reason when the events name no failed resource", async () => {
    const world = setup([
      { ...DATA, deleteFailures: 5, forceDeleteFails: true, deleteFailureReason: 'Role is in use' },
    ]);

    const outcome = await world.run();

    expect(outcome.report.failure).toEqual({ stack: 'pr-42-data', reason: 'Role is in use' });
  });

  it('is a no-op when nothing is left, so a second destroy succeeds without a delete', async () => {
    const world = setup([DATA, API]);

    const first = await world.run();
    const deletesAfterFirst = world.stacks.deletes().length;
    const second = await world.run();

    expect(first.failure).toBeUndefined();
    expect(second.failure).toBeUndefined();
    expect(second.report.state).toBe('destroyed');
    expect(second.report.stacks).toEqual([]);
    expect(world.stacks.deletes()).toHaveLength(deletesAfterFirst);
    expect(world.log.messages('info').join('\n')).toContain('nothing to delete');
  });

  it('marks the GitHub deployment inactive and updates the sticky comment', async () => {
    const world = setup([DATA]);
    await world.github.createDeployment({ environment: ENV, ref: 'abc', description: 'prenv' });
    await world.github.createDeployment({ environment: 'pr-7', ref: 'def', description: 'prenv' });

    await world.run();

    expect(world.github.deploymentStates(ENV)).toEqual(['inactive']);
    expect(world.github.deploymentStates('pr-7')).toEqual([]);
    expect(world.github.commentFor(PR, markerFor(ENV))?.body).toMatch(/destroyed/i);
  });

  it.each(['silent', 'throw'] as const)(
    'counts a stack deleted out of band between list and delete as deleted (DeleteStack %s)',
    async (missingDelete) => {
      const world = setup([DATA, API], { missingDelete });
      world.stacks.afterEachCall((call) => {
        if (call.method === 'list') world.stacks.vanish('pr-42-api');
      });

      const outcome = await world.run();

      expect(outcome.failure).toBeUndefined();
      expect(outcome.report.state).toBe('destroyed');
      expect(outcome.report.stacks).toEqual([
        { name: 'pr-42-api', outcome: 'deleted', status: 'DELETE_COMPLETE' },
        { name: 'pr-42-data', outcome: 'deleted', status: 'DELETE_COMPLETE' },
      ]);
    },
  );

  it('waits for a stack a cancelled destroy left DELETE_IN_PROGRESS', async () => {
    const world = setup([
      { ...DATA, status: 'DELETE_IN_PROGRESS', polls: ['DELETE_IN_PROGRESS', 'DELETE_COMPLETE'] },
    ]);

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(world.stacks.deletes()).toEqual([]);
    expect(world.clock.slept).toBeGreaterThan(0);
  });

  it("records 'destroying' with the stacks for the post step, then 'done'", async () => {
    const world = setup([DATA, API]);

    await world.run();

    expect(world.step.savedStates('prenv-run')).toEqual([
      { phase: 'destroying', environment: ENV, pullRequest: PR, stacks: ['pr-42-data', 'pr-42-api'] },
      { phase: 'done' },
    ]);
  });

  // A stack that refuses deletion (termination protection, AccessDenied) does not stop the
  // destroy: it is reported left behind with the error as its reason, later waves still go, and
  // the run state ends 'done'.
  it('reports a stack whose delete is refused as left behind and still deletes the rest', async () => {
    const refused = new Error('Stack [pr-42-api] cannot be deleted while TerminationProtection is enabled');
    const world = setup([DATA, { ...API, deleteError: refused }, { name: 'pr-42-web', tags: tags(1) }]);

    const outcome = await world.run();

    expect(outcome.report.state).toBe('destroy-failed');
    expect(outcome.report.stacks).toContainEqual(
      expect.objectContaining({ name: 'pr-42-api', outcome: 'left-behind' }),
    );
    expect(outcome.report.failure?.reason).toContain('TerminationProtection');
    expect(world.stacks.names()).toEqual(['pr-42-api']);
    expect(loadRunState(world.step)).toEqual({ phase: 'done' });
  });
});

describe('destroy while CloudFormation deletes', () => {
  it('sends the deletes first, then reads the state and loads the audit’s clients during the delete', async () => {
    const world = setup([DATA, API]);
    const resources = new FakeResources([]);
    let preparedWhenFirstSettled: number | undefined;
    const settle = world.stacks.settle.bind(world.stacks);
    world.stacks.settle = async (id, timeoutMs) => {
      preparedWhenFirstSettled ??= resources.prepared;
      return settle(id, timeoutMs);
    };
    const outcome = await destroy(
      { repository: REPO, pullRequest: PR, environment: ENV },
      {
        log: world.log,
        clock: world.clock,
        step: world.step,
        stacks: world.stacks,
        state: world.state,
        reporter: new Reporter({ github: world.github, step: world.step, log: world.log, comment: true }),
        resources,
      },
    );

    expect(outcome.report.state).toBe('destroyed');
    const firstDelete = world.journal.indexOf(
      (entry) => entry.port === 'stacks' && entry.method === 'delete',
    );
    const stateRead = world.journal.indexOf((entry) => entry.port === 'state' && entry.method === 'read');
    expect(firstDelete).toBeGreaterThanOrEqual(0);
    expect(stateRead).toBeGreaterThan(firstDelete);
    expect(preparedWhenFirstSettled).toBe(1);
    expect(resources.queries).toHaveLength(1); // the audit ran after, as before
  });
});

describe("destroy and the environment's state", () => {
  const record = (sha: string, deployedAt: string) => ({
    fingerprint: 'fp',
    templateHash: 'hash',
    sha,
    deployedAt,
    via: 'deploy' as const,
  });

  it('deletes the state once every stack is gone, and reports the last commit it recorded', async () => {
    const world = setup([DATA, API]);
    world.state.seed(ENV, {
      'pr-42-data': record('a'.repeat(40), '2025-03-01T10:00:00Z'),
      'pr-42-api': record('b'.repeat(40), '2025-03-02T10:00:00Z'),
    });

    const outcome = await world.run();

    expect(outcome.report.sha).toBe('b'.repeat(40));
    expect(world.state.documents.has(ENV)).toBe(false);
    // After the stacks: a destroy that fails half-way still has the state for the next try.
    const writes = world.journal.awsWrites();
    expect(writes.at(-1)).toMatchObject({ port: 'state', method: 'delete', target: ENV });
  });

  it('is idempotent: a second destroy deletes the (missing) state again and succeeds', async () => {
    const world = setup([DATA]);
    world.state.seed(ENV, { 'pr-42-data': record('c'.repeat(40), '2025-03-01T10:00:00Z') });

    await world.run();
    const second = await world.run();

    expect(second.failure).toBeUndefined();
    expect(world.state.count('delete')).toBe(2);
  });

  it('keeps the state while a stack is left behind', async () => {
    const world = setup([{ ...DATA, deleteFailures: 5, forceDeleteFails: true }]);
    world.state.seed(ENV, { 'pr-42-data': record('c'.repeat(40), '2025-03-01T10:00:00Z') });

    await world.run();

    expect(world.state.documents.has(ENV)).toBe(true);
  });

  it('reads the commit of an environment prenv 0.1.0 deployed from its legacy tag', async () => {
    const world = setup([{ ...DATA, tags: { ...tags(0), 'prenv:sha': 'd'.repeat(40) } }]);

    const outcome = await world.run();

    expect(outcome.report.sha).toBe('d'.repeat(40));
  });

  it('a state that cannot be deleted is a warning, not a failed destroy', async () => {
    const world = setup([DATA]);
    world.state.failures.set('delete', new Error('AccessDeniedException'));

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(world.log.messages('warning').join('\n')).toContain('AccessDeniedException');
  });
});
