import { describe, expect, it } from 'vitest';
import { type GitHubEvent, readEvent } from '../../src/domain/event.js';
import { planRun, withApproval } from '../../src/domain/plan.js';
import { PlanError } from '../../src/errors.js';
import { MODES } from '../../src/inputs.js';
import { EVENT_NAMES, type EventFixture, loadEvent } from '../fixtures/events.js';

const REPO = 'octo-org/invoices';
const GITHUB_SHA = 'a'.repeat(40);
const HEAD_SHA = 'c0ffee5b8a2d4e1f9a7b3c6d0e8f1a2b3c4d5e6f';

/** The fixture as the action reads it from GITHUB_EVENT_NAME and GITHUB_EVENT_PATH. */
function event(name: EventFixture): GitHubEvent {
  return readEvent(EVENT_NAMES[name], REPO, GITHUB_SHA, loadEvent(name));
}

/** The fixture's pull_request payload with another action, e.g. labeled. */
function pullRequestEvent(action: string, eventName = 'pull_request'): GitHubEvent {
  return readEvent(eventName, REPO, GITHUB_SHA, { ...loadEvent('pull-request-synchronize'), action });
}

function planError(run: () => unknown): PlanError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return error as PlanError;
  }
  throw new Error('planRun returned a plan instead of failing');
}

describe('mode auto', () => {
  it('deploys the head commit when a PR is opened', () => {
    expect(planRun('auto', event('pull-request-opened'))).toEqual({
      kind: 'deploy',
      pullRequest: 42,
      sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    });
  });

  it.each(['pull-request-synchronize', 'pull-request-reopened'] as const)(
    'deploys the head commit on %s',
    (name) => {
      expect(planRun('auto', event(name))).toEqual({ kind: 'deploy', pullRequest: 42, sha: HEAD_SHA });
    },
  );

  it.each(['pull-request-closed-merged', 'pull-request-closed-unmerged'] as const)(
    'destroys on %s',
    (name) => {
      expect(planRun('auto', event(name))).toEqual({ kind: 'destroy', pullRequest: 42 });
    },
  );

  it.each(['workflow-dispatch', 'schedule'] as const)('cleans up on %s', (name) => {
    expect(planRun('auto', event(name))).toEqual({ kind: 'cleanup' });
  });

  it('handles pull_request_target like pull_request', () => {
    expect(planRun('auto', pullRequestEvent('opened', 'pull_request_target'))).toMatchObject({
      kind: 'deploy',
    });
  });

  it.each(['labeled', 'unlabeled', 'edited', 'assigned', 'review_requested', 'ready_for_review'])(
    'skips pull_request %s, saying which actions it acts on',
    (action) => {
      const plan = planRun('auto', pullRequestEvent(action));
      expect(plan.kind).toBe('skip');
      expect(plan).toMatchObject({ reason: expect.stringContaining(`pull_request ${action} needs no`) });
      expect(plan).toMatchObject({
        reason: expect.stringContaining('opened, synchronize, reopened and closed'),
      });
    },
  );

  it.each([
    ['push', {}],
    ['release', { action: 'published' }],
    ['issue_comment', { action: 'created' }],
    ['', {}],
  ])('refuses the %j event, naming it and the events auto handles', (eventName, payload) => {
    const error = planError(() => planRun('auto', readEvent(eventName, REPO, GITHUB_SHA, payload)));
    expect(error.message).toContain(`does not handle the ${eventName} event`);
    expect(error.message).toContain('set mode to deploy, destroy or cleanup explicitly');
  });

  it('accepts a pull-request input that repeats the event’s own PR', () => {
    expect(planRun('auto', event('pull-request-opened'), 42)).toMatchObject({
      kind: 'deploy',
      pullRequest: 42,
    });
  });

  it('refuses a pull-request input that names a different PR than the pull_request event', () => {
    // Otherwise closing PR 42 would destroy PR 7's environment, and opening it would deploy 42's code as pr-7.
    for (const name of ['pull-request-opened', 'pull-request-closed-merged'] as const) {
      const error = planError(() => planRun('auto', event(name), 7));
      expect(error.message).toContain('pull-request is 7');
      expect(error.message).toContain('#42');
    }
  });

  it('ignores a pull-request input on workflow_dispatch and schedule: they clean up', () => {
    expect(planRun('auto', event('workflow-dispatch'), 7)).toEqual({ kind: 'cleanup' });
  });
});

describe('fork pull requests', () => {
  it.each(MODES.filter((mode) => mode !== 'cleanup'))(
    'mode %s skips a fork PR without touching AWS, saying why',
    (mode) => {
      const plan = planRun(mode, event('pull-request-opened-fork'), 42);
      expect(plan.kind).toBe('skip');
      const reason = plan.kind === 'skip' ? plan.reason : '';
      expect(reason).toContain('Pull request #42 comes from the fork outsider-dev/invoices');
      expect(reason).toContain('GitHub gives fork PRs no OIDC token');
      expect(reason).toContain('Nothing was done.');
    },
  );

  it('mode cleanup still sweeps when run on a fork PR event', () => {
    expect(planRun('cleanup', event('pull-request-opened-fork'))).toEqual({ kind: 'cleanup' });
  });

  it('skips a PR whose head repository no longer exists, as it would a fork', () => {
    const payload = loadEvent('pull-request-opened');
    (payload.pull_request.head as { repo: unknown }).repo = null;
    const plan = planRun('auto', readEvent('pull_request', REPO, GITHUB_SHA, payload));
    expect(plan).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining('a fork that no longer exists'),
    });
  });
});

describe('explicit modes', () => {
  it('deploy on a PR event deploys that PR’s head commit', () => {
    expect(planRun('deploy', event('pull-request-synchronize'))).toEqual({
      kind: 'deploy',
      pullRequest: 42,
      sha: HEAD_SHA,
    });
  });

  it('deploy with pull-request on workflow_dispatch deploys the checked-out commit (GITHUB_SHA)', () => {
    expect(planRun('deploy', event('workflow-dispatch'), 17)).toEqual({
      kind: 'deploy',
      pullRequest: 17,
      sha: GITHUB_SHA,
    });
  });

  it('destroy with pull-request on workflow_dispatch destroys that PR', () => {
    expect(planRun('destroy', event('workflow-dispatch'), 17)).toEqual({ kind: 'destroy', pullRequest: 17 });
  });

  it('destroy on a PR event destroys the event’s PR', () => {
    expect(planRun('destroy', event('pull-request-opened'))).toEqual({ kind: 'destroy', pullRequest: 42 });
  });

  it.each(['deploy', 'destroy'] as const)(
    '%s without a PR number fails, naming the pull-request input',
    (mode) => {
      for (const name of ['workflow-dispatch', 'schedule'] as const) {
        const error = planError(() => planRun(mode, event(name)));
        expect(error.message).toContain(`mode ${mode} needs a pull request number`);
        expect(error.message).toContain(`the ${EVENT_NAMES[name]} event carries none`);
        expect(error.message).toContain('set the pull-request input');
      }
    },
  );

  it.each(['workflow-dispatch', 'schedule', 'pull-request-opened', 'pull-request-closed-merged'] as const)(
    'cleanup on %s cleans up',
    (name) => {
      expect(planRun('cleanup', event(name))).toEqual({ kind: 'cleanup' });
    },
  );
});

describe('withApproval', () => {
  const labeled = (label: string) =>
    readEvent('pull_request', REPO, GITHUB_SHA, {
      ...loadEvent('pull-request-synchronize'),
      action: 'labeled',
      label: { name: label },
    });

  it('deploys again when approve-label is added in mode auto', () => {
    const event = labeled('infra-approved');
    expect(withApproval(planRun('auto', event), 'auto', event, 'infra-approved')).toEqual({
      kind: 'deploy',
      pullRequest: 42,
      sha: HEAD_SHA,
    });
  });

  it('keeps require-label on the deploy it makes', () => {
    const event = labeled('infra-approved');
    expect(
      withApproval(planRun('auto', event, undefined, 'preview'), 'auto', event, 'infra-approved', 'preview'),
    ).toMatchObject({
      kind: 'deploy',
      requireLabel: 'preview',
    });
  });

  it('in mode report, reports the deploy that approve-label runs in the first job', () => {
    const event = labeled('infra-approved');
    const plan = planRun('report', event, undefined, 'preview');
    expect(withApproval(plan, 'report', event, 'infra-approved', 'preview')).toEqual({
      kind: 'report',
      pullRequest: 42,
      sha: HEAD_SHA,
      operation: 'deploy',
    });
    const other = labeled('bug');
    expect(withApproval(planRun('report', other), 'report', other, 'infra-approved').kind).toBe('skip');
  });

  it('matches approve-label regardless of case, as GitHub names labels', () => {
    const event = labeled('Infra-Approved');
    expect(withApproval(planRun('auto', event), 'auto', event, 'infra-approved').kind).toBe('deploy');
  });

  it('changes nothing for another label, without approve-label, or in an explicit mode', () => {
    const other = labeled('bug');
    expect(withApproval(planRun('auto', other), 'auto', other, 'infra-approved').kind).toBe('skip');
    const event = labeled('infra-approved');
    expect(withApproval(planRun('auto', event), 'auto', event, undefined).kind).toBe('skip');
    expect(withApproval(planRun('cleanup', event), 'cleanup', event, 'infra-approved').kind).toBe('cleanup');
  });
});

describe('mode report', () => {
  it('reports on the event’s own PR: a deploy for opened, a destroy for closed', () => {
    expect(planRun('report', event('pull-request-opened'))).toEqual({
      kind: 'report',
      pullRequest: 42,
      sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      operation: 'deploy',
    });
    expect(planRun('report', event('pull-request-closed-merged'))).toMatchObject({
      kind: 'report',
      pullRequest: 42,
      operation: 'destroy',
    });
  });

  it('takes the PR from the pull-request input outside a PR event, leaving the operation to the file', () => {
    expect(planRun('report', event('workflow-dispatch'), 7)).toEqual({
      kind: 'report',
      pullRequest: 7,
      sha: GITHUB_SHA,
    });
    expect(planError(() => planRun('report', event('workflow-dispatch'))).message).toContain('pull-request');
  });

  it('refuses a pull-request input that contradicts the event', () => {
    expect(planError(() => planRun('report', event('pull-request-opened'), 7)).message).toContain('#42');
  });

  it('skips what auto skips: fork PRs and PR actions that change nothing', () => {
    expect(planRun('report', event('pull-request-opened-fork')).kind).toBe('skip');
    expect(planRun('report', pullRequestEvent('labeled')).kind).toBe('skip');
  });
});

describe('require-label', () => {
  const LABEL = 'preview';
  const labelEvent = (name: 'pull-request-labeled' | 'pull-request-unlabeled', label: string) =>
    readEvent('pull_request', REPO, GITHUB_SHA, loadEvent(name, { label: { name: label } }));
  const OPENED_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

  it('deploys when that label is added, to be checked against the PR’s labels when the run starts', () => {
    expect(planRun('auto', event('pull-request-labeled'), undefined, LABEL)).toEqual({
      kind: 'deploy',
      pullRequest: 42,
      sha: OPENED_SHA,
      requireLabel: LABEL,
    });
  });

  it('destroys when that label is removed, unless the PR carries it again when the run starts', () => {
    expect(planRun('auto', event('pull-request-unlabeled'), undefined, LABEL)).toEqual({
      kind: 'destroy',
      pullRequest: 42,
      requireLabel: LABEL,
    });
  });

  it('matches the label regardless of case, as GitHub does', () => {
    expect(planRun('auto', labelEvent('pull-request-labeled', 'Preview'), undefined, LABEL).kind).toBe(
      'deploy',
    );
  });

  it.each(['pull-request-labeled', 'pull-request-unlabeled'] as const)(
    'ignores %s of another label, naming both labels',
    (name) => {
      const plan = planRun('auto', labelEvent(name, 'bug'), undefined, LABEL);
      expect(plan.kind).toBe('skip');
      expect(plan).toMatchObject({ reason: expect.stringContaining('"bug"') });
      expect(plan).toMatchObject({ reason: expect.stringContaining('"preview"') });
    },
  );

  it.each(['pull-request-opened', 'pull-request-synchronize', 'pull-request-reopened'] as const)(
    '%s deploys only while the PR carries the label',
    (name) => {
      expect(planRun('auto', event(name), undefined, LABEL)).toMatchObject({
        kind: 'deploy',
        pullRequest: 42,
        requireLabel: LABEL,
      });
    },
  );

  it('closed destroys whatever the labels (what exists; a PR that never had an environment gets no comment)', () => {
    expect(planRun('auto', event('pull-request-closed-merged'), undefined, LABEL)).toEqual({
      kind: 'destroy',
      pullRequest: 42,
      requireLabel: LABEL,
    });
  });

  it('without require-label, labeled and unlabeled change nothing', () => {
    for (const name of ['pull-request-labeled', 'pull-request-unlabeled'] as const) {
      expect(planRun('auto', event(name)).kind).toBe('skip');
    }
  });

  it('leaves explicit modes alone', () => {
    expect(planRun('deploy', event('pull-request-unlabeled'), undefined, LABEL)).toEqual({
      kind: 'deploy',
      pullRequest: 42,
      sha: OPENED_SHA,
    });
  });
});

describe('what each refusal and skip says (shown to the user as the run’s error or notice)', () => {
  it('names the mismatch and both ways out when pull-request contradicts the event in mode auto', () => {
    expect(planError(() => planRun('auto', event('pull-request-opened'), 7)).message).toBe(
      'pull-request is 7 but this pull_request event is for pull request #42. In mode auto a ' +
        'pull_request event decides the pull request: remove the pull-request input, or set mode to ' +
        'deploy or destroy explicitly.',
    );
  });

  it('lists the events mode auto handles', () => {
    const push = readEvent('push', REPO, GITHUB_SHA, {});
    expect(planError(() => planRun('auto', push)).message).toBe(
      'mode auto does not handle the push event: it deploys on pull_request opened, synchronize and ' +
        'reopened, destroys on pull_request closed, and cleans up on workflow_dispatch and schedule. ' +
        'Run prenv on those events, or set mode to deploy, destroy or cleanup explicitly.',
    );
  });

  it('says mode report needs a PR number, and to drop a pull-request input that contradicts the event', () => {
    expect(planError(() => planRun('report', event('workflow-dispatch'))).message).toBe(
      'mode report needs a pull request number, and the workflow_dispatch event carries none: ' +
        'set the pull-request input.',
    );
    expect(planError(() => planRun('report', event('pull-request-opened'), 7)).message).toBe(
      'pull-request is 7 but this pull_request event is for pull request #42: ' +
        "mode report posts for the event's pull request. Remove the pull-request input.",
    );
    expect(planRun('report', event('pull-request-opened'), 42)).toMatchObject({
      kind: 'report',
      pullRequest: 42,
    });
  });

  it('names a missing action or label in the skip reason', () => {
    const { action: _, ...noAction } = loadEvent('pull-request-synchronize');
    expect(planRun('auto', readEvent('pull_request', REPO, GITHUB_SHA, noAction))).toEqual({
      kind: 'skip',
      reason:
        'pull_request (no action) needs no environment change; prenv acts on opened, synchronize, reopened and closed.',
    });
    const { label: __, ...noLabel } = loadEvent('pull-request-labeled');
    expect(
      planRun('auto', readEvent('pull_request', REPO, GITHUB_SHA, noLabel), undefined, 'preview'),
    ).toEqual({
      kind: 'skip',
      reason:
        'pull_request labeled of the label "(none)" needs no environment change; prenv acts on the require-label "preview" only.',
    });
  });
});

describe('withApproval changes only a skipped labeled event of approve-label on a same-repository PR', () => {
  const withLabel = (
    action: string,
    label: string | undefined,
    fixture: EventFixture = 'pull-request-synchronize',
  ) =>
    readEvent('pull_request', REPO, GITHUB_SHA, {
      ...loadEvent(fixture),
      action,
      ...(label === undefined ? {} : { label: { name: label } }),
    });
  const skip = { kind: 'skip', reason: 'nothing' } as const;

  it('keeps a skip when approve-label is removed, not added', () => {
    const removed = withLabel('unlabeled', 'infra-approved');
    expect(withApproval(planRun('auto', removed), 'auto', removed, 'infra-approved')).toEqual(
      planRun('auto', removed),
    );
  });

  it('keeps a fork PR’s skip even when approve-label is added', () => {
    const fork = withLabel('labeled', 'infra-approved', 'pull-request-opened-fork');
    expect(withApproval(planRun('auto', fork), 'auto', fork, 'infra-approved').kind).toBe('skip');
    expect(withApproval(skip, 'auto', fork, 'infra-approved')).toBe(skip);
  });

  it('keeps a skip without approve-label, whatever the event’s label', () => {
    const unnamed = withLabel('labeled', undefined);
    expect(withApproval(skip, 'auto', unnamed, undefined)).toBe(skip);
  });

  it('keeps a plan that is no skip, and any plan of an explicit mode', () => {
    const added = withLabel('labeled', 'infra-approved');
    const destroy = { kind: 'destroy', pullRequest: 7 } as const;
    expect(withApproval(destroy, 'auto', added, 'infra-approved')).toBe(destroy);
    for (const mode of ['deploy', 'destroy', 'cleanup'] as const) {
      expect(withApproval(skip, mode, added, 'infra-approved'), mode).toBe(skip);
    }
  });
});
