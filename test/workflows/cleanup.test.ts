import { describe, expect, it } from 'vitest';
import { markerFor } from '../../src/domain/comment.js';
import { TAG } from '../../src/domain/ownership.js';
import { type CleanupRequest, cleanup } from '../../src/workflows/cleanup.js';
import { FakeClock, FakeGitHub, FakeLog, FakeStep, Journal } from '../support/fake-ports.js';
import { type FakeStackSpec, FakeStacks } from '../support/fake-stacks.js';
import { FakeStateStore } from '../support/fake-state.js';

const REPO = 'acme/invoices';
const NOW = '2025-03-03T12:00:00Z';
const LATER = '2025-03-06T12:00:00Z';
const EARLIER = '2025-03-01T12:00:00Z';

function stack(
  name: string,
  pullRequest: number,
  options: { expiresAt?: string; environment?: string; repository?: string; wave?: number } = {},
): FakeStackSpec {
  return {
    name,
    tags: {
      [TAG.managedBy]: 'prenv',
      [TAG.repository]: options.repository ?? REPO,
      [TAG.pullRequest]: String(pullRequest),
      [TAG.environment]: options.environment ?? `pr-${pullRequest}`,
      [TAG.expiresAt]: options.expiresAt ?? LATER,
      [TAG.wave]: String(options.wave ?? 0),
      [TAG.createdAt]: '2025-02-28T10:00:00Z',
    },
  };
}

function setup(
  existing: readonly FakeStackSpec[],
  /** null: no github-token. */
  withGitHub: FakeGitHub | null = new FakeGitHub(),
  request: Partial<CleanupRequest> = {},
) {
  const github = withGitHub ?? undefined;
  const journal = new Journal();
  const clock = new FakeClock(NOW);
  const log = new FakeLog();
  const step = new FakeStep();
  const stacks = new FakeStacks(clock, { journal });
  for (const spec of existing) stacks.add(spec);
  const full: CleanupRequest = { repository: REPO, dryRun: false, comment: true, ...request };
  const state = new FakeStateStore(journal);
  return {
    journal,
    clock,
    log,
    step,
    stacks,
    state,
    github,
    run: () => cleanup(full, { log, clock, step, stacks, github, state }),
  };
}

/** A repository with one environment of each kind, and decoys of other owners. */
function mixed() {
  const github = new FakeGitHub()
    .withPull(1, 'closed', true)
    .withPull(2, 'open')
    .withPull(3, 'open')
    .withPull(5, 'closed');
  // PR 4 does not exist (deleted repository history, or a typo'd tag): counts as closed.
  return setup(
    [
      stack('pr-1-data', 1),
      stack('pr-1-api', 1, { wave: 1 }),
      stack('pr-2-api', 2, { expiresAt: EARLIER }),
      stack('pr-3-api', 3),
      stack('pr-4-api', 4),
      // Decoys: another repository's closed PR, an untagged stack, someone else's tag.
      stack('pr-5-api', 5, { repository: 'acme/payments', expiresAt: EARLIER }),
      { name: 'pr-6-api' },
      { ...stack('pr-7-api', 7, { expiresAt: EARLIER }), tags: { [TAG.managedBy]: 'not-prenv' } },
    ],
    github,
  );
}

describe('cleanup', () => {
  it("deletes only this repository's environments whose PR is closed, missing or expired", async () => {
    const world = mixed();

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(world.stacks.names()).toEqual(['pr-3-api', 'pr-5-api', 'pr-6-api', 'pr-7-api']);
    expect(outcome.report.environments.map((env) => [env.environment, env.reasons, env.result])).toEqual([
      ['pr-1', ['pr-closed'], 'deleted'],
      ['pr-2', ['expired'], 'deleted'],
      ['pr-4', ['pr-closed'], 'deleted'],
    ]);
    expect(outcome.report.kept).toBe(1);
    expect(JSON.parse(world.step.outputs.stacks ?? '')).toEqual([
      'pr-1-api',
      'pr-1-data',
      'pr-2-api',
      'pr-4-api',
    ]);
    expect(world.step.summaries.join('\n')).toContain('prenv cleanup');
  });

  it("deletes the state of each environment it deleted, and no other environment's", async () => {
    const world = mixed();
    const record = { fingerprint: 'f', templateHash: 't', sha: 's', deployedAt: NOW, via: 'deploy' as const };
    for (const env of ['pr-1', 'pr-2', 'pr-3']) world.state.seed(env, { [`${env}-api`]: record });

    await world.run();

    expect([...world.state.documents.keys()]).toEqual(['pr-3']);
    expect(
      world.state.calls
        .filter((call) => call.method === 'delete')
        .map((call) => call.environment)
        .sort(),
    ).toEqual(['pr-1', 'pr-2', 'pr-4']);
  });

  it('asks GitHub once per distinct PR, and never about other repositories', async () => {
    const world = mixed();

    await world.run();

    const github = world.github as FakeGitHub;
    expect([1, 2, 3, 4].map((n) => github.count('pullRequest', n))).toEqual([1, 1, 1, 1]);
    expect(github.count('pullRequest')).toBe(4);
  });

  it('sweeps only the environment the template gives a PR, asking about the PR once', async () => {
    // invoices-pr-8 is what another template (say, before environment-name changed) gave PR 8.
    const world = setup(
      [
        stack('pr-8-api', 8),
        stack('pr-8-data', 8),
        stack('invoices-pr-8-api', 8, { environment: 'invoices-pr-8' }),
      ],
      new FakeGitHub().withPull(8, 'closed'),
    );

    const outcome = await world.run();

    expect(world.github?.count('pullRequest', 8)).toBe(1);
    expect(outcome.report.environments.map((env) => env.environment)).toEqual(['pr-8']);
    expect(world.stacks.names()).toEqual(['invoices-pr-8-api']);
  });

  it('keeps forged tags: a stack outside the prefix, or in it but tagged as another PR’s', async () => {
    const world = setup(
      [
        stack('pr-1-api', 1),
        // PR code holds sandbox credentials and can tag anything as PR 1's.
        { ...stack('shared-network', 1), name: 'shared-network' },
        // PR 2 is open: its stack, tagged as PR 1's environment, or as PR 1 with PR 2's environment.
        { ...stack('pr-2-api', 1) },
        stack('pr-2-data', 1, { environment: 'pr-2' }),
      ],
      new FakeGitHub().withPull(1, 'closed').withPull(2, 'open'),
    );

    await world.run();

    expect(world.stacks.names().sort()).toEqual(['pr-2-api', 'pr-2-data', 'shared-network']);
  });

  it('deletes the environment of a number that is no pull request, but comments on nothing', async () => {
    // PR 9's tag may name an issue (or nothing): GitHub answers 404 for it as a pull request.
    const github = new FakeGitHub();
    await github.createDeployment({ environment: 'pr-9', ref: 'abc', description: 'prenv' });
    const world = setup([stack('pr-9-api', 9)], github);

    const outcome = await world.run();

    expect(outcome.report.environments[0]).toMatchObject({ environment: 'pr-9', result: 'deleted' });
    expect(world.stacks.names()).toEqual([]);
    expect(github.comments).toEqual([]);
    expect(github.deploymentStates('pr-9')).toEqual([]);
  });

  it('lists stacks once for the whole sweep, and costs a delete and a settle per stack', async () => {
    const world = mixed();

    await world.run();

    expect(world.stacks.callsOf('list')).toHaveLength(1);
    expect(world.stacks.callsOf('get')).toHaveLength(0);
    expect(world.stacks.callsOf('delete')).toHaveLength(4);
    expect(world.stacks.callsOf('settle')).toHaveLength(4);
    expect(world.stacks.calls).toHaveLength(1 + 4 + 4);
  });

  it('deletes nothing in a dry run and reports what it would delete', async () => {
    const dry = setup(
      [stack('pr-1-api', 1), stack('pr-3-api', 3)],
      new FakeGitHub().withPull(1, 'closed').withPull(3, 'open'),
      { dryRun: true },
    );
    const dryOutcome = await dry.run();

    expect(dry.journal.awsWrites()).toEqual([]);
    expect(dry.stacks.names()).toEqual(['pr-1-api', 'pr-3-api']);
    expect(dryOutcome.failure).toBeUndefined();
    expect(dryOutcome.report.dryRun).toBe(true);
    expect(dryOutcome.report.environments).toEqual([
      expect.objectContaining({ environment: 'pr-1', result: 'would-delete', reasons: ['pr-closed'] }),
    ]);
    expect(dry.github?.comments).toEqual([]);
    expect(dry.github?.deployments).toEqual([]);
    expect(dry.step.summaries.join('\n')).toContain('Dry run');
    expect(dry.log.messages('info').join('\n')).toContain('would delete pr-1');
  });

  // Issue 6: "The `stacks` output lists what was deleted, or would be."
  it('a dry run outputs the stacks it would delete', async () => {
    const world = setup([stack('pr-1-api', 1)], new FakeGitHub().withPull(1, 'closed'), { dryRun: true });

    await world.run();

    expect(JSON.parse(world.step.outputs.stacks ?? '')).toEqual(['pr-1-api']);
    expect(world.stacks.deletes()).toEqual([]);
  });

  it('keeps going when one environment fails, and the failure names each failed one', async () => {
    const world = setup(
      [
        { ...stack('pr-1-api', 1), deleteError: new Error('Access denied for cloudformation:DeleteStack') },
        {
          ...stack('pr-2-api', 2),
          deleteFailures: 5,
          forceDeleteFails: true,
          deleteFailureReason: 'Bucket not empty',
        },
        stack('pr-4-api', 4),
      ],
      new FakeGitHub().withPull(1, 'closed').withPull(2, 'closed').withPull(4, 'closed'),
    );

    const outcome = await world.run();

    expect(world.stacks.names()).toEqual(['pr-1-api', 'pr-2-api']);
    expect(outcome.report.environments.map((env) => [env.environment, env.result])).toEqual([
      ['pr-1', 'failed'],
      ['pr-2', 'failed'],
      ['pr-4', 'deleted'],
    ]);
    expect(outcome.failure).toContain('pr-1 (Access denied for cloudformation:DeleteStack)');
    expect(outcome.failure).toContain('pr-2 (Bucket not empty)');
    expect(outcome.failure).not.toContain('pr-4');
    expect(JSON.parse(world.step.outputs.stacks ?? '')).toEqual(['pr-4-api']);
  });

  it('deletes at most 4 environments at once, and does use that parallelism', async () => {
    const specs = Array.from({ length: 12 }, (_, i) => ({
      ...stack(`pr-${i + 1}-api`, i + 1),
      deletePolls: 3,
    }));
    const github = new FakeGitHub();
    const world = setup(specs, github);

    const outcome = await world.run();

    expect(outcome.report.environments).toHaveLength(12);
    expect(world.stacks.names()).toEqual([]);
    expect(world.stacks.maxInFlight).toBe(4);
  });

  it('bounds environments in flight by the concurrency option, whatever their size', async () => {
    const specs = Array.from({ length: 6 }, (_, i) => [
      { ...stack(`pr-${i + 1}-a`, i + 1), deletePolls: 2 },
      { ...stack(`pr-${i + 1}-b`, i + 1), deletePolls: 2 },
    ]).flat();
    const world = setup(specs, new FakeGitHub(), { concurrency: 2 });

    await world.run();

    expect(world.stacks.names()).toEqual([]);
    expect(world.stacks.maxInFlightEnvironments).toBe(2);
  });

  it('without a github-token judges by TTL only, and says so', async () => {
    const world = setup([stack('pr-1-api', 1), stack('pr-2-api', 2, { expiresAt: EARLIER })], null);

    const outcome = await world.run();

    expect(world.stacks.names()).toEqual(['pr-1-api']);
    expect(outcome.report.kept).toBe(1);
    expect(world.log.messages('warning').join('\n')).toContain('No github-token');
  });

  it('judges an environment by TTL only when GitHub cannot say whether its PR is open', async () => {
    const github = new FakeGitHub().failing(
      'pullRequest',
      Object.assign(new Error('rate limited'), { status: 403 }),
    );
    const world = setup([stack('pr-1-api', 1), stack('pr-2-api', 2, { expiresAt: EARLIER })], github);

    const outcome = await world.run();

    expect(world.stacks.names()).toEqual(['pr-1-api']);
    expect(outcome.failure).toBeUndefined();
    expect(world.log.messages('warning').join('\n')).toContain('Could not read PR #1');
  });

  it('tells the swept PR: comment destroyed, deployment inactive', async () => {
    const github = new FakeGitHub().withPull(1, 'closed');
    await github.createDeployment({ environment: 'pr-1', ref: 'abc', description: 'prenv' });
    const world = setup([stack('pr-1-api', 1)], github);

    await world.run();

    expect(github.commentFor(1, markerFor('pr-1'))?.body).toContain('Removed by the scheduled cleanup sweep');
    expect(github.deploymentStates('pr-1')).toEqual(['inactive']);
  });

  it('with comment off, leaves the PR comment alone but still marks the deployment inactive', async () => {
    const github = new FakeGitHub().withPull(1, 'closed');
    await github.createDeployment({ environment: 'pr-1', ref: 'abc', description: 'prenv' });
    const world = setup([stack('pr-1-api', 1)], github, { comment: false });

    await world.run();

    expect(github.comments).toEqual([]);
    expect(github.deploymentStates('pr-1')).toEqual(['inactive']);
  });

  it('a GitHub failure while announcing is a warning, not a failed sweep', async () => {
    const github = new FakeGitHub().withPull(1, 'closed').failing('upsertComment');
    const world = setup([stack('pr-1-api', 1)], github);

    const outcome = await world.run();

    expect(outcome.failure).toBeUndefined();
    expect(outcome.report.environments[0]?.result).toBe('deleted');
    expect(world.log.messages('warning').join('\n')).toContain('Could not update PR #1 about pr-1');
  });
});

describe('cleanup and what real CloudFormation adds', () => {
  it('skips an environment with a stack mid-operation this round, and says so in the summary', async () => {
    const world = setup(
      [
        stack('pr-1-data', 1),
        { ...stack('pr-1-api', 1, { wave: 1 }), status: 'UPDATE_IN_PROGRESS' },
        stack('pr-5-api', 5),
      ],
      new FakeGitHub().withPull(1, 'closed').withPull(5, 'closed'),
    );

    const outcome = await world.run();

    expect(world.stacks.deletes()).toEqual([['pr-5-api', 'STANDARD']]);
    expect(world.stacks.names()).toEqual(['pr-1-data', 'pr-1-api']);
    const pr1 = outcome.report.environments.find((env) => env.environment === 'pr-1');
    expect(pr1?.result).toBe('skipped');
    expect(outcome.failure).toBeUndefined();
    expect(JSON.parse(world.step.outputs.stacks ?? '[]')).toEqual(['pr-5-api']);
    const summary = world.step.summaries.join('\n');
    expect(summary).toContain('skipped: in progress');
    expect(summary).toContain('`pr-1-api` (UPDATE\\_IN\\_PROGRESS)');
    expect(summary).toContain('**1** skipped');
  });

  it('still sweeps an environment whose only odd stack is REVIEW_IN_PROGRESS', async () => {
    const world = setup(
      [{ ...stack('pr-1-api', 1), status: 'REVIEW_IN_PROGRESS' }],
      new FakeGitHub().withPull(1, 'closed'),
    );

    const outcome = await world.run();

    expect(outcome.report.environments[0]?.result).toBe('deleted');
    expect(world.stacks.names()).toEqual([]);
  });

  it('never deletes a nested stack directly, nor lists it', async () => {
    const world = setup(
      [stack('pr-1-api', 1), { ...stack('pr-1-api-Nested-1AB', 1), parentId: 'arn:parent' }],
      new FakeGitHub().withPull(1, 'closed'),
    );

    const outcome = await world.run();

    expect(world.stacks.deletes()).toEqual([['pr-1-api', 'STANDARD']]);
    expect(outcome.report.environments[0]?.stacks.map((s) => s.name)).toEqual(['pr-1-api']);
  });

  it('reports resources a forced delete kept as left behind, and fails the step', async () => {
    const bucket = {
      logicalId: 'Uploads',
      type: 'AWS::S3::Bucket',
      physicalId: 'pr-1-api-uploads-abc',
      status: 'DELETE_FAILED',
    };
    const world = setup(
      [{ ...stack('pr-1-api', 1), deleteFailures: 2, resources: [bucket] }],
      new FakeGitHub().withPull(1, 'closed'),
    );

    const outcome = await world.run();

    expect(outcome.report.environments[0]?.result).toBe('left-behind');
    expect(outcome.failure).toContain('Uploads (AWS::S3::Bucket, pr-1-api-uploads-abc) in pr-1-api');
    const summary = world.step.summaries.join('\n');
    expect(summary).toContain('deleted, resources left behind');
    expect(summary).toContain('#### Resources left behind (1)');
    expect(summary).toContain('`pr-1-api-uploads-abc`');
  });

  it('marks every deployment of a swept environment inactive', async () => {
    const github = new FakeGitHub().withPull(1, 'closed');
    for (const ref of ['a', 'b'])
      await github.createDeployment({ environment: 'pr-1', ref, description: '' });
    const world = setup([stack('pr-1-api', 1)], github);

    await world.run();

    expect(github.deployments.map((deployment) => deployment.statuses.at(-1)?.state)).toEqual([
      'inactive',
      'inactive',
    ]);
  });
});
