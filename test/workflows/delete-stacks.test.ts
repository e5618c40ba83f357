import { describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import {
  createdAtOf,
  deleteStack,
  deleteStacks,
  STACK_TIMEOUT_MS,
} from '../../src/workflows/delete-stacks.js';
import { FakeClock, FakeLog } from '../support/fake-ports.js';
import {
  FakeBuckets,
  type FakeStackSpec,
  FakeStacks,
  type FakeStacksOptions,
  inProgressFor,
} from '../support/fake-stacks.js';

function setup(specs: readonly FakeStackSpec[], options: FakeStacksOptions = {}) {
  const clock = new FakeClock();
  const log = new FakeLog();
  const stacks = new FakeStacks(clock, options);
  for (const spec of specs) stacks.add(spec);
  const info = (name: string) => {
    const found = stacks.peek(name);
    if (found === undefined) throw new Error(`no stack ${name}`);
    return found;
  };
  return { clock, log, stacks, info };
}

const wave = (n: number | string) => ({ [TAG.wave]: String(n) });

describe('deleteStack', () => {
  it('deletes a stack and waits until it is gone', async () => {
    const world = setup([{ name: 'pr-1-api', deletePolls: 3 }]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(result).toEqual({ report: { name: 'pr-1-api', outcome: 'deleted' } });
    expect(world.stacks.names()).toEqual([]);
    expect(world.stacks.deletes()).toEqual([['pr-1-api', 'STANDARD']]);
    expect(world.stacks.callsOf('settle')[0]?.timeoutMs).toBe(STACK_TIMEOUT_MS);
  });

  it('waits for a stack mid-operation before deleting it', async () => {
    const world = setup([
      {
        name: 'pr-1-api',
        status: 'UPDATE_IN_PROGRESS',
        polls: inProgressFor('UPDATE_IN_PROGRESS', 2, 'UPDATE_COMPLETE'),
      },
    ]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(result.report.outcome).toBe('deleted');
    expect(world.stacks.calls.map((call) => call.method)).toEqual(['settle', 'delete', 'settle']);
  });

  it('deletes a REVIEW_IN_PROGRESS stack at once (it never settles by itself)', async () => {
    const world = setup([{ name: 'pr-1-api', status: 'REVIEW_IN_PROGRESS' }]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(result.report.outcome).toBe('deleted');
    expect(world.stacks.calls.map((call) => call.method)).toEqual(['delete', 'settle']);
  });

  it('counts a stack that disappears while being waited for as deleted, without a delete call', async () => {
    const world = setup([
      { name: 'pr-1-api', status: 'DELETE_IN_PROGRESS', polls: ['DELETE_IN_PROGRESS', 'DELETE_COMPLETE'] },
    ]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(result.report.outcome).toBe('deleted');
    expect(world.stacks.deletes()).toEqual([]);
  });

  it.each(['silent', 'throw'] as const)(
    'counts an already-gone stack as deleted (DeleteStack %s)',
    async (missingDelete) => {
      const world = setup([{ name: 'pr-1-api' }], { missingDelete });
      const stale = world.info('pr-1-api');
      world.stacks.vanish('pr-1-api');

      const result = await deleteStack(world.stacks, stale, world.log);

      expect(result).toEqual({ report: { name: 'pr-1-api', outcome: 'deleted' } });
    },
  );

  it('retries DELETE_FAILED once, then forces, then reports the stack left behind with its cause', async () => {
    const cause = {
      stack: 'pr-1-api',
      resource: 'Role',
      resourceType: 'AWS::IAM::Role',
      reason: 'Role in use',
    };
    const world = setup([{ name: 'pr-1-api', deleteFailures: 9, forceDeleteFails: true, failure: cause }]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(world.stacks.deletes()).toEqual([
      ['pr-1-api', 'STANDARD'],
      ['pr-1-api', 'STANDARD'],
      ['pr-1-api', 'FORCE_DELETE_STACK'],
    ]);
    expect(result).toEqual({
      report: { name: 'pr-1-api', outcome: 'left-behind', status: 'DELETE_FAILED' },
      failure: cause,
    });
    expect(world.log.messages('warning')).toHaveLength(2);
  });

  it('starts with a standard delete on a stack already DELETE_FAILED, and forces only on the third try', async () => {
    const world = setup([{ name: 'pr-1-api', status: 'DELETE_FAILED', deleteFailures: 2 }]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(result.report.outcome).toBe('force-deleted');
    expect(world.stacks.deletes().map(([, mode]) => mode)).toEqual([
      'STANDARD',
      'STANDARD',
      'FORCE_DELETE_STACK',
    ]);
  });
});

describe('deleteStack on a stack that never finishes deleting', () => {
  // A delete still DELETE_IN_PROGRESS when the wait gives up is not a failed delete: no second
  // delete and no FORCE_DELETE_STACK (AWS accepts that only for DELETE_FAILED, and this fake, like
  // CloudFormation, refuses it otherwise). After one bounded wait the stack is reported left behind.
  it('reports it left behind after one bounded wait, without forcing', async () => {
    const world = setup([{ name: 'pr-1-api', deletePolls: 1_000_000 }]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(result.report).toEqual({ name: 'pr-1-api', outcome: 'left-behind', status: 'DELETE_IN_PROGRESS' });
    expect(world.stacks.deletes().map(([, mode]) => mode)).not.toContain('FORCE_DELETE_STACK');
    expect(world.clock.slept).toBeLessThanOrEqual(STACK_TIMEOUT_MS + 60_000);
  });
});

describe('deleteStacks', () => {
  it('deletes the highest wave first and each wave in parallel; stacks without a wave go last', async () => {
    const world = setup([
      { name: 'pr-1-data', tags: wave(0), deletePolls: 2 },
      { name: 'pr-1-untagged', deletePolls: 2 },
      { name: 'pr-1-garbage', tags: wave('x'), deletePolls: 2 },
      { name: 'pr-1-api', tags: wave(1), deletePolls: 2 },
      { name: 'pr-1-worker', tags: wave(1), deletePolls: 2 },
      { name: 'pr-1-web', tags: wave(2), deletePolls: 2 },
    ]);
    const targets = world.stacks.names().map(world.info);

    const deletion = await deleteStacks(world.stacks, targets, world.log);

    expect(deletion.failure).toBeUndefined();
    expect(deletion.stacks.map((stack) => stack.name)).toEqual([
      'pr-1-web',
      'pr-1-api',
      'pr-1-worker',
      'pr-1-data',
      'pr-1-untagged',
      'pr-1-garbage',
    ]);
    expect(deletion.stacks.every((stack) => stack.outcome === 'deleted')).toBe(true);
    expect(world.stacks.maxInFlight).toBe(3);
  });

  it('reports the first left-behind cause, and keeps deleting the other stacks', async () => {
    const world = setup([
      {
        name: 'pr-1-api',
        tags: wave(1),
        deleteFailures: 9,
        forceDeleteFails: true,
        deleteFailureReason: 'Export in use',
      },
      { name: 'pr-1-data', tags: wave(0) },
    ]);

    const deletion = await deleteStacks(world.stacks, world.stacks.names().map(world.info), world.log);

    expect(deletion.stacks).toEqual([
      { name: 'pr-1-api', outcome: 'left-behind', status: 'DELETE_FAILED' },
      { name: 'pr-1-data', outcome: 'deleted' },
    ]);
    expect(deletion.failure).toEqual({ stack: 'pr-1-api', reason: 'Export in use' });
  });

  it('does nothing for no stacks', async () => {
    const world = setup([]);

    expect(await deleteStacks(world.stacks, [], world.log)).toEqual({ stacks: [] });
    expect(world.stacks.calls).toEqual([]);
  });
});

// What a person reads in the log and in the report when a delete does not go to plan: exact texts.
describe('deleteStack, what it says', () => {
  it('gives up on a stack that stays mid-operation, with the wait in minutes and no delete', async () => {
    const world = setup([
      {
        name: 'pr-1-api',
        status: 'UPDATE_IN_PROGRESS',
        polls: ['UPDATE_IN_PROGRESS'],
        failure: { stack: 'pr-1-api', reason: 'an older root cause' },
      },
    ]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log, undefined, 90 * 60_000);

    expect(result).toEqual({
      report: { name: 'pr-1-api', outcome: 'left-behind', status: 'UPDATE_IN_PROGRESS' },
      failure: { stack: 'pr-1-api', reason: 'still UPDATE_IN_PROGRESS after 90 min' },
    });
    expect(world.stacks.deletes()).toEqual([]);
    expect(world.log.lines).toEqual([
      { level: 'info', message: 'pr-1-api is UPDATE_IN_PROGRESS; waiting for it to settle before deleting' },
    ]);
  });

  it('names the status and the wait when a delete never finishes', async () => {
    const world = setup([{ name: 'pr-1-api', deletePolls: 1_000_000 }]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log, undefined, 120_000);

    expect(result.failure).toEqual({ stack: 'pr-1-api', reason: 'still DELETE_IN_PROGRESS after 2 min' });
  });

  it('turns termination protection off, saying so', async () => {
    const world = setup([{ name: 'pr-1-api', terminationProtection: true }]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(result.report.outcome).toBe('deleted');
    expect(world.log.lines).toEqual([
      {
        level: 'info',
        message: 'pr-1-api has termination protection on; turning it off to delete the stack',
      },
    ]);
  });

  it('reports a delete CloudFormation refuses as left behind, with its message', async () => {
    const world = setup([{ name: 'pr-1-api', deleteError: new Error('AccessDenied: not allowed') }]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(result).toEqual({
      report: { name: 'pr-1-api', outcome: 'left-behind', status: 'CREATE_COMPLETE' },
      failure: { stack: 'pr-1-api', reason: 'AccessDenied: not allowed' },
    });
    expect(world.log.messages('warning')).toEqual([
      'pr-1-api could not be deleted: AccessDenied: not allowed',
    ]);
  });

  it('empties only the failed buckets, retries, forces, and lists what CloudFormation kept', async () => {
    const world = setup([
      {
        name: 'pr-1-api',
        deleteFailures: 2,
        deleteFailureReason: 'Bucket not empty',
        resources: [
          { logicalId: 'Data', type: 'AWS::S3::Bucket', physicalId: 'pr-1-data', status: 'DELETE_FAILED' },
          { logicalId: 'Gone', type: 'AWS::S3::Bucket', physicalId: 'pr-1-gone', status: 'DELETE_COMPLETE' },
          { logicalId: 'Lost', type: 'AWS::S3::Bucket', physicalId: 'pr-1-lost', status: 'DELETE_FAILED' },
          { logicalId: 'Role', type: 'AWS::IAM::Role', physicalId: 'pr-1-role', status: 'DELETE_FAILED' },
          { logicalId: 'Custom', type: 'Custom::Thing', status: 'DELETE_FAILED' },
        ],
      },
    ]);
    const buckets = new FakeBuckets(new Map([['pr-1-data', 3]]));

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log, buckets);

    expect(buckets.emptied).toEqual(['pr-1-data', 'pr-1-lost']);
    const kept =
      'Data (AWS::S3::Bucket, pr-1-data), Lost (AWS::S3::Bucket, pr-1-lost), Role (AWS::IAM::Role, pr-1-role), Custom (Custom::Thing)';
    expect(result).toStrictEqual({
      report: {
        name: 'pr-1-api',
        outcome: 'force-deleted',
        status: 'DELETE_COMPLETE',
        retained: [
          { logicalId: 'Data', type: 'AWS::S3::Bucket', physicalId: 'pr-1-data' },
          { logicalId: 'Lost', type: 'AWS::S3::Bucket', physicalId: 'pr-1-lost' },
          { logicalId: 'Role', type: 'AWS::IAM::Role', physicalId: 'pr-1-role' },
          { logicalId: 'Custom', type: 'Custom::Thing' },
        ],
      },
      failure: { stack: 'pr-1-api', reason: `deleted by force; resources left behind: ${kept}` },
    });
    expect(world.log.lines).toEqual([
      { level: 'warning', message: 'pr-1-api is DELETE_FAILED: Bucket not empty; retrying the delete' },
      {
        level: 'info',
        message: 'pr-1-api: emptied bucket pr-1-data (3 object version(s)) so that it can be deleted',
      },
      { level: 'warning', message: 'pr-1-api: could not empty bucket pr-1-lost: NoSuchBucket: pr-1-lost' },
      {
        level: 'warning',
        message:
          'pr-1-api is DELETE_FAILED: Bucket not empty; retrying the delete with DeletionMode FORCE_DELETE_STACK',
      },
      {
        level: 'warning',
        message: `pr-1-api was deleted with DeletionMode FORCE_DELETE_STACK; CloudFormation kept these resources, which nothing tracks any more: ${kept}`,
      },
    ]);
  });

  it('says what it cannot list when a forced delete kept resources it could not read', async () => {
    const world = setup([
      { name: 'pr-1-api', status: 'DELETE_FAILED', deleteFailures: 2, deleteFailureReason: '' },
    ]);

    const result = await deleteStack(world.stacks, world.info('pr-1-api'), world.log);

    expect(result).toEqual({
      report: { name: 'pr-1-api', outcome: 'force-deleted', status: 'DELETE_COMPLETE', retained: [] },
      failure: { stack: 'pr-1-api', reason: 'deleted by force; resources left behind: unknown' },
    });
    expect(world.log.messages('warning')).toEqual([
      'pr-1-api is DELETE_FAILED; retrying the delete',
      'pr-1-api is DELETE_FAILED; retrying the delete with DeletionMode FORCE_DELETE_STACK',
      'pr-1-api was deleted with DeletionMode FORCE_DELETE_STACK; CloudFormation kept the resources that blocked the delete',
    ]);
  });
});

describe('deleteStacks, what it says', () => {
  it('logs one line per stack: deleted, deleted by force with what was kept, or left behind with its status', async () => {
    const world = setup([
      { name: 'pr-1-web', tags: wave(2) },
      {
        name: 'pr-1-api',
        tags: wave(1),
        deleteFailures: 2,
        resources: [
          { logicalId: 'Role', type: 'AWS::IAM::Role', physicalId: 'r', status: 'DELETE_FAILED' },
          { logicalId: 'Data', type: 'AWS::S3::Bucket', status: 'DELETE_FAILED' },
        ],
      },
      { name: 'pr-1-data', tags: wave(0), deleteFailures: 9, forceDeleteFails: true },
    ]);
    const buckets = new FakeBuckets();

    await deleteStacks(world.stacks, world.stacks.names().map(world.info), world.log, buckets);

    // A failed bucket without a physical id is never emptied (there is no name to empty).
    expect(buckets.emptied).toEqual([]);
    expect(world.log.messages('info').filter((message) => /^pr-1-\w+: (deleted|left)/.test(message))).toEqual(
      [
        'pr-1-web: deleted',
        'pr-1-api: deleted by force, 2 resource(s) left behind',
        'pr-1-data: left behind (DELETE_FAILED)',
      ],
    );
  });
});

describe('createdAtOf', () => {
  const at = (iso: string) => new Date(iso);
  const info = (tags: Record<string, string>, createdAt?: Date) => ({
    name: 'pr-1-x',
    id: 'id',
    status: 'CREATE_COMPLETE',
    tags,
    outputs: [],
    ...(createdAt === undefined ? {} : { createdAt }),
  });

  it('is the earliest prenv:created-at tag, else creation time, in whole seconds', () => {
    expect(
      createdAtOf([
        info({ [TAG.createdAt]: '2026-11-20T00:00:00Z' }, at('2026-11-01T00:00:00Z')),
        info({}, at('2026-11-10T08:30:15.999Z')),
        info({}),
        info({ [TAG.createdAt]: '2026-11-15T00:00:00Z' }),
      ]),
    ).toBe('2026-11-10T08:30:15Z');
  });

  it('is undefined when no stack says', () => {
    expect(createdAtOf([info({}), info({})])).toBeUndefined();
    expect(createdAtOf([])).toBeUndefined();
  });
});
