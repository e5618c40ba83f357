import { describe, expect, it } from 'vitest';
import { TAG } from '../../src/domain/ownership.js';
import { deleteStack, deleteStacks, STACK_TIMEOUT_MS } from '../../src/workflows/delete-stacks.js';
import { FakeClock, FakeLog } from '../support/fake-ports.js';
import {
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
