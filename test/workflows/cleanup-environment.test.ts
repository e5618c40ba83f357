/**
 * One stale environment's sweep (sweepEnvironment) through fakes of our ports: skipped while a stack
 * is mid-operation, listed in a dry run, or deleted, with its state and its PR told. The results and
 * the PR's comment are compared whole; test/workflows/cleanup.test.ts runs the whole sweep.
 */
import { describe, expect, it } from 'vitest';
import { markerFor, renderComment } from '../../src/domain/comment.js';
import { TAG } from '../../src/domain/ownership.js';
import type { EnvironmentReport, StaleReason } from '../../src/domain/report.js';
import type { StackInfo } from '../../src/ports.js';
import type { CleanupRequest } from '../../src/workflows/cleanup.js';
import { sweepEnvironment } from '../../src/workflows/cleanup-environment.js';
import type { PullRequestLookup } from '../../src/workflows/pull-request-states.js';
import { FakeClock, FakeGitHub, FakeLog, FakeStep } from '../support/fake-ports.js';
import { type FakeStackSpec, FakeStacks } from '../support/fake-stacks.js';
import { FakeStateStore } from '../support/fake-state.js';

const REPO = 'acme/invoices';
const NOW = '2025-03-03T12:00:00Z';
const RUN_URL = 'https://github.com/acme/invoices/actions/runs/9';
const ENV = 'pr-7';

function spec(name: string, wave: number, extra: Partial<FakeStackSpec> = {}): FakeStackSpec {
  return {
    name,
    tags: {
      [TAG.managedBy]: 'prenv',
      [TAG.repository]: REPO,
      [TAG.pullRequest]: '7',
      [TAG.environment]: ENV,
      [TAG.wave]: String(wave),
      [TAG.createdAt]: '2025-02-28T10:00:00Z',
    },
    ...extra,
  };
}

/** The stack as the region's list showed it, without a creation time (so the environment has no age). */
function ageless(stack: StackInfo): StackInfo {
  const { createdAt: _, ...rest } = stack;
  return {
    ...rest,
    tags: Object.fromEntries(Object.entries(stack.tags).filter(([k]) => k !== TAG.createdAt)),
  };
}

function setup(
  specs: readonly FakeStackSpec[],
  options: {
    request?: Partial<CleanupRequest>;
    pullRequest?: number;
    region?: string;
    reasons?: StaleReason[];
    ageless?: boolean;
  } = {},
) {
  const clock = new FakeClock(NOW);
  const log = new FakeLog();
  const stacks = new FakeStacks(clock);
  for (const s of specs) stacks.add(s);
  const listed = specs.map((s) => stacks.peek(s.name) as StackInfo);
  const github = new FakeGitHub().withPull(7, 'closed');
  const state = new FakeStateStore();
  state.seed(ENV, {});
  const pulls = new Map<number, PullRequestLookup>([[7, { open: false, exists: true }]]);
  const request: CleanupRequest = { repository: REPO, dryRun: false, comment: true, ...options.request };
  return {
    log,
    stacks,
    state,
    github,
    sweep: () =>
      sweepEnvironment(
        {
          environment: {
            environment: ENV,
            ...(options.pullRequest === undefined ? {} : { pullRequest: options.pullRequest }),
            stacks: options.ageless === true ? listed.map(ageless) : listed,
          },
          reasons: options.reasons ?? ['pr-closed'],
        },
        {
          request,
          ports: { log, clock, step: new FakeStep(), stacks, github, state },
          pulls,
          region: options.region,
        },
      ),
  };
}

/** The comment the PR should get: the report of the sweep, rendered. */
function commentOf(report: Omit<EnvironmentReport, 'environment' | 'repository' | 'pullRequest' | 'notes'>) {
  return renderComment({
    ...report,
    environment: ENV,
    repository: REPO,
    pullRequest: 7,
    notes: ['Removed by the scheduled cleanup sweep.'],
  });
}

describe('sweepEnvironment', () => {
  it('skips an environment while a stack is mid-operation, saying which', async () => {
    const world = setup(
      [
        spec('pr-7-data', 0, { status: 'UPDATE_IN_PROGRESS' }),
        spec('pr-7-api', 1),
        spec('pr-7-web', 2, { status: 'DELETE_IN_PROGRESS' }),
      ],
      { pullRequest: 7, region: 'eu-west-2' },
    );

    const swept = await world.sweep();

    expect(swept).toStrictEqual({
      region: 'eu-west-2',
      environment: ENV,
      pullRequest: 7,
      reasons: ['pr-closed'],
      createdAt: '2025-02-28T10:00:00Z',
      stacks: [
        { name: 'pr-7-data', outcome: 'not-deployed', status: 'UPDATE_IN_PROGRESS' },
        { name: 'pr-7-api', outcome: 'not-deployed', status: 'CREATE_COMPLETE' },
        { name: 'pr-7-web', outcome: 'not-deployed', status: 'DELETE_IN_PROGRESS' },
      ],
      result: 'skipped',
    });
    expect(world.log.lines).toStrictEqual([
      {
        level: 'info',
        message: 'skipping pr-7 this round: pr-7-data is UPDATE_IN_PROGRESS, pr-7-web is DELETE_IN_PROGRESS',
      },
    ]);
    expect(world.stacks.callsOf('delete')).toEqual([]);
  });

  it('in a dry run says what it would delete and why, and deletes nothing', async () => {
    const world = setup([spec('pr-7-data', 0), spec('pr-7-api', 1)], {
      request: { dryRun: true },
      reasons: ['pr-closed', 'expired'],
      ageless: true,
    });

    const swept = await world.sweep();

    // No region, no PR, no age: none of them is made up.
    expect(swept).toStrictEqual({
      environment: ENV,
      reasons: ['pr-closed', 'expired'],
      stacks: [
        { name: 'pr-7-data', outcome: 'not-deployed' },
        { name: 'pr-7-api', outcome: 'not-deployed' },
      ],
      result: 'would-delete',
    });
    expect(world.log.lines).toStrictEqual([
      { level: 'info', message: 'would delete pr-7 (pr-closed, expired): pr-7-data, pr-7-api' },
    ]);
    expect(world.stacks.callsOf('delete')).toEqual([]);
    expect(world.state.count('delete')).toBe(0);
  });

  it('deletes the stacks and the state, and tells the PR: comment and every deployment', async () => {
    const world = setup([spec('pr-7-data', 0), spec('pr-7-api', 1)], { pullRequest: 7 });
    for (const ref of ['a', 'b'])
      await world.github.createDeployment({ environment: ENV, ref, description: 'prenv' });

    const swept = await world.sweep();

    const stacks = [
      { name: 'pr-7-api', outcome: 'deleted' },
      { name: 'pr-7-data', outcome: 'deleted' },
    ] as const;
    expect(swept).toStrictEqual({
      environment: ENV,
      pullRequest: 7,
      reasons: ['pr-closed'],
      createdAt: '2025-02-28T10:00:00Z',
      stacks,
      result: 'deleted',
    });
    expect(world.state.documents.has(ENV)).toBe(false);
    expect(world.github.commentFor(7, markerFor(ENV))?.body).toBe(
      commentOf({
        state: 'destroyed',
        stacks: [...stacks],
        updatedAt: '2025-03-03T12:00:10Z',
        createdAt: '2025-02-28T10:00:00Z',
      }),
    );
    expect(world.github.deployments.map((d) => d.statuses)).toStrictEqual([
      [{ state: 'inactive', description: 'Swept by cleanup' }],
      [{ state: 'inactive', description: 'Swept by cleanup' }],
    ]);
  });

  it('keeps the state and fails when a stack is left behind, and the comment says why', async () => {
    const world = setup(
      [
        spec('pr-7-data', 0),
        spec('pr-7-api', 0, {
          deleteFailures: 5,
          forceDeleteFails: true,
          deleteFailureReason: 'Role in use',
        }),
      ],
      { pullRequest: 7, request: { runUrl: RUN_URL } },
    );

    const swept = await world.sweep();

    const stacks = [
      { name: 'pr-7-data', outcome: 'deleted' },
      { name: 'pr-7-api', outcome: 'left-behind', status: 'DELETE_FAILED' },
    ] as const;
    expect(swept).toStrictEqual({
      environment: ENV,
      pullRequest: 7,
      reasons: ['pr-closed'],
      createdAt: '2025-02-28T10:00:00Z',
      stacks,
      result: 'failed',
      error: 'Role in use',
    });
    expect(world.state.documents.has(ENV)).toBe(true);
    expect(world.state.count('delete')).toBe(0);
    expect(world.github.commentFor(7, markerFor(ENV))?.body).toBe(
      commentOf({
        state: 'destroy-failed',
        stacks: [...stacks],
        updatedAt: '2025-03-03T12:00:25Z',
        createdAt: '2025-02-28T10:00:00Z',
        runUrl: RUN_URL,
        failure: { stack: 'pr-7-api', reason: 'Role in use' },
      }),
    );
  });

  it('reports a forced delete as left behind, never as a clean sweep, in the result and the comment', async () => {
    const world = setup([spec('pr-7-data', 0, { deleteFailures: 2 }), spec('pr-7-api', 1)], {
      pullRequest: 7,
    });

    const swept = await world.sweep();

    const stacks = [
      { name: 'pr-7-api', outcome: 'deleted' },
      { name: 'pr-7-data', outcome: 'force-deleted', status: 'DELETE_COMPLETE', retained: [] },
    ] as const;
    expect(swept).toStrictEqual({
      environment: ENV,
      pullRequest: 7,
      reasons: ['pr-closed'],
      createdAt: '2025-02-28T10:00:00Z',
      stacks,
      result: 'left-behind',
    });
    expect(world.state.documents.has(ENV)).toBe(false);
    expect(world.github.commentFor(7, markerFor(ENV))?.body).toBe(
      commentOf({
        state: 'destroy-failed',
        stacks: [...stacks],
        updatedAt: '2025-03-03T12:00:30Z',
        createdAt: '2025-02-28T10:00:00Z',
        failure: { stack: 'pr-7-data', reason: 'deleted by force; resources left behind: unknown' },
      }),
    );
  });

  it('a state that cannot be deleted is a warning; the environment is still deleted', async () => {
    const world = setup([spec('pr-7-data', 0)]);
    world.state.failures.set('delete', new Error('AccessDeniedException'));

    const swept = await world.sweep();

    expect(swept.result).toBe('deleted');
    expect(world.log.messages('warning')).toStrictEqual([
      "prenv's state of pr-7 is left: AccessDeniedException",
    ]);
  });
});
