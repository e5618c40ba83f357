import { describe, expect, it } from 'vitest';
import { pullRequestStates } from '../../src/workflows/pull-request-states.js';
import { FakeGitHub, FakeLog } from '../support/fake-ports.js';

describe('pullRequestStates', () => {
  it('asks once per PR number, never about environments without one', async () => {
    const github = new FakeGitHub().withPull(42, 'open').withPull(7, 'closed');
    const log = new FakeLog();
    const states = await pullRequestStates(
      [
        {},
        { pullRequest: 0 },
        { pullRequest: 42 },
        { pullRequest: 7 },
        { pullRequest: 42 },
        { pullRequest: 9 },
      ],
      { github, log },
      new Map(),
    );
    expect(github.calls.map((call) => call.target).sort()).toEqual(['42', '7', '9']);
    expect(Object.fromEntries(states)).toStrictEqual({
      42: { open: true, exists: true },
      7: { open: false, exists: true },
      9: { open: false, exists: false },
    });
  });

  it('without a github-token warns only when there are PR numbers to judge', async () => {
    const log = new FakeLog();
    await pullRequestStates([{}, { pullRequest: 0 }], { github: undefined, log }, new Map());
    expect(log.messages('warning')).toEqual([]);
    await pullRequestStates([{ pullRequest: 42 }], { github: undefined, log }, new Map());
    expect(log.messages('warning')).toEqual([
      'No github-token: cleanup can only judge environments by their TTL.',
    ]);
  });

  it('a PR GitHub could not read is of unknown state and not known to exist', async () => {
    const github = new FakeGitHub().withPull(42, 'open').failing('pullRequest');
    const log = new FakeLog();
    const states = await pullRequestStates([{ pullRequest: 42 }], { github, log }, new Map());
    expect(states.get(42)).toStrictEqual({ open: undefined, exists: false });
    expect(log.messages('warning')).toEqual([
      'Could not read PR #42; judging its environment by TTL only: Bad credentials',
    ]);
  });
});
