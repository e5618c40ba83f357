import { describe, expect, it } from 'vitest';
import { readEvent } from '../../src/domain/event.js';
import { EVENT_NAMES, loadEvent } from '../fixtures/events.js';

const REPO = 'octo-org/invoices';
const GITHUB_SHA = 'a'.repeat(40);

describe('readEvent', () => {
  it('reads a pull_request opened event: number, head commit, head repository, open', () => {
    const event = readEvent(
      EVENT_NAMES['pull-request-opened'],
      REPO,
      GITHUB_SHA,
      loadEvent('pull-request-opened'),
    );
    expect(event).toEqual({
      name: 'pull_request',
      action: 'opened',
      repository: REPO,
      sha: GITHUB_SHA,
      pullRequest: {
        number: 42,
        headSha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
        headRepository: REPO,
        merged: false,
        state: 'open',
      },
    });
  });

  it('reads a merged close as closed and merged', () => {
    const event = readEvent('pull_request', REPO, GITHUB_SHA, loadEvent('pull-request-closed-merged'));
    expect(event.action).toBe('closed');
    expect(event.pullRequest).toMatchObject({ state: 'closed', merged: true });
  });

  it('reads an unmerged close as closed and not merged', () => {
    const event = readEvent('pull_request', REPO, GITHUB_SHA, loadEvent('pull-request-closed-unmerged'));
    expect(event.pullRequest).toMatchObject({ state: 'closed', merged: false });
  });

  it.each(['pull-request-labeled', 'pull-request-unlabeled'] as const)(
    'reads the label added or removed on %s',
    (name) => {
      const event = readEvent('pull_request', REPO, GITHUB_SHA, loadEvent(name));
      expect(event).toMatchObject({ action: name.replace('pull-request-', ''), label: 'preview' });
    },
  );

  it("reads a fork PR's head repository", () => {
    const event = readEvent('pull_request', REPO, GITHUB_SHA, loadEvent('pull-request-opened-fork'));
    expect(event.pullRequest?.headRepository).toBe('outsider-dev/invoices');
  });

  it.each(['workflow-dispatch', 'schedule'] as const)('reads %s with no pull request', (name) => {
    const event = readEvent(EVENT_NAMES[name], REPO, GITHUB_SHA, loadEvent(name));
    expect(event).toEqual({ name: EVENT_NAMES[name], repository: REPO, sha: GITHUB_SHA });
  });

  it('treats a PR whose head repository is gone (deleted fork) as coming from an unknown repository', () => {
    const payload = { ...loadEvent('pull-request-opened') };
    payload.pull_request = { ...payload.pull_request, head: { ...payload.pull_request.head } };
    (payload.pull_request.head as { repo: unknown }).repo = null;
    const event = readEvent('pull_request', REPO, GITHUB_SHA, payload);
    expect(event.pullRequest?.headRepository).toBe('');
  });

  it('falls back to GITHUB_SHA when the payload has no head commit', () => {
    const event = readEvent('pull_request', REPO, GITHUB_SHA, {
      action: 'opened',
      pull_request: { number: 7 },
    });
    expect(event.pullRequest?.headSha).toBe(GITHUB_SHA);
  });

  it.each([
    ['null', null],
    ['a string', 'not an event'],
    ['an array', []],
    ['a pull_request without a number', { action: 'opened', pull_request: { number: '42' } }],
  ])('reads %s as an event without action details or pull request', (_label, payload) => {
    const event = readEvent('push', REPO, GITHUB_SHA, payload);
    expect(event.pullRequest).toBeUndefined();
    expect(event.name).toBe('push');
  });
});
