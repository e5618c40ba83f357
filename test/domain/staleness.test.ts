import { describe, expect, it } from 'vitest';
import { TAG, type Tags } from '../../src/domain/ownership.js';
import { groupByEnvironment, type OwnedEnvironment, staleReasons } from '../../src/domain/staleness.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const PAST = '2026-06-01T11:00:00Z';
const FUTURE = '2026-06-01T13:00:00Z';

const stack = (name: string, tags: Record<string, string>) => ({ name, tags });

function environment(...expiresAt: (string | undefined)[]): OwnedEnvironment<{ tags: Tags }> {
  return {
    environment: 'pr-42',
    pullRequest: 42,
    stacks: expiresAt.map((at) => ({ tags: at === undefined ? {} : { [TAG.expiresAt]: at } })),
  };
}

describe('groupByEnvironment', () => {
  it('groups stacks by their environment tag, sorted by name, with the PR number', () => {
    const groups = groupByEnvironment([
      stack('pr-7-api', { [TAG.environment]: 'pr-7', [TAG.pullRequest]: '7' }),
      stack('pr-42-api', { [TAG.environment]: 'pr-42', [TAG.pullRequest]: '42' }),
      stack('pr-7-base', { [TAG.environment]: 'pr-7', [TAG.pullRequest]: '7' }),
    ]);
    expect(
      groups.map((group) => [group.environment, group.pullRequest, group.stacks.map((s) => s.name)]),
    ).toEqual([
      ['pr-42', 42, ['pr-42-api']],
      ['pr-7', 7, ['pr-7-api', 'pr-7-base']],
    ]);
  });

  it('groups stacks without an environment tag by their PR', () => {
    const groups = groupByEnvironment([
      stack('x-api', { [TAG.pullRequest]: '9' }),
      stack('x-base', { [TAG.pullRequest]: '9', [TAG.environment]: '' }),
    ]);
    expect(groups).toEqual([{ environment: 'pr-9', pullRequest: 9, stacks: expect.any(Array) }]);
    expect(groups[0]?.stacks).toHaveLength(2);
  });

  it('keeps a stack with neither tag on its own, under its name', () => {
    const groups = groupByEnvironment([stack('lonely', {})]);
    expect(groups).toEqual([{ environment: 'pr-lonely', stacks: [stack('lonely', {})] }]);
  });

  it.each(['', 'abc', '0', '-3', '4.5'])('leaves out a PR number that is not one (%j)', (value) => {
    const [group] = groupByEnvironment([
      stack('pr-x-api', { [TAG.environment]: 'pr-x', [TAG.pullRequest]: value }),
    ]);
    expect(group).not.toHaveProperty('pullRequest');
  });

  it('groups nothing as no environments', () => {
    expect(groupByEnvironment([])).toEqual([]);
  });
});

describe('staleReasons', () => {
  it('keeps an environment whose PR is open and whose stacks have not expired', () => {
    expect(staleReasons(environment(FUTURE), true, NOW)).toEqual([]);
  });

  it('sweeps an environment whose PR is closed, even before it expires', () => {
    expect(staleReasons(environment(FUTURE), false, NOW)).toEqual(['pr-closed']);
  });

  it('sweeps an environment whose PR is open once every stack has expired', () => {
    expect(staleReasons(environment(PAST, PAST), true, NOW)).toEqual(['expired']);
  });

  it('gives both reasons when the PR is closed and every stack expired', () => {
    expect(staleReasons(environment(PAST), false, NOW)).toEqual(['pr-closed', 'expired']);
  });

  it('judges an environment whose PR state is unknown by its TTL only', () => {
    expect(staleReasons(environment(FUTURE), undefined, NOW)).toEqual([]);
    expect(staleReasons(environment(PAST), undefined, NOW)).toEqual(['expired']);
  });

  it('does not call it expired while one stack was renewed by a later deploy', () => {
    expect(staleReasons(environment(PAST, FUTURE), true, NOW)).toEqual([]);
  });

  it('does not call it expired while one stack has no (or an unreadable) expires-at tag', () => {
    expect(staleReasons(environment(PAST, undefined), true, NOW)).toEqual([]);
    expect(staleReasons(environment(PAST, 'soon'), true, NOW)).toEqual([]);
  });

  it('expires exactly at expires-at', () => {
    expect(staleReasons(environment('2026-06-01T12:00:00Z'), true, NOW)).toEqual(['expired']);
  });

  it('never calls an environment without stacks expired', () => {
    expect(staleReasons({ environment: 'pr-1', stacks: [] }, true, NOW)).toEqual([]);
  });
});
