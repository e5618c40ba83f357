import { describe, expect, it } from 'vitest';
import { markerFor } from '../../src/domain/comment.js';
import type { Reporter } from '../../src/workflows/reporter.js';
import { FakeGitHub } from '../support/fake-ports.js';
import { reporterWorld } from '../support/reporter-world.js';
import { READY_REPORT } from '../support/reports.js';

const REPORT = READY_REPORT;

const setup = (github: FakeGitHub | undefined, comment = true) =>
  reporterWorld(github, { comment, runUrl: 'https://github.com/acme/invoices/actions/runs/7' });

/** Everything a deploy run asks of the reporter. */
async function deployRun(reporter: Reporter): Promise<void> {
  await reporter.startDeployment('pr-42', 'abc123');
  await reporter.comment({ ...REPORT, state: 'deploying' });
  await reporter.deploymentStatus('success', 'Deployed', 'https://api.example/');
  await reporter.comment(REPORT);
  await reporter.summarize(REPORT);
}

describe('Reporter', () => {
  it('keeps one sticky comment, edited in place, and a deployment with its statuses', async () => {
    const world = setup(new FakeGitHub());

    await deployRun(world.reporter);

    const github = world.github as FakeGitHub;
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]).toMatchObject({ pullRequest: 42, marker: markerFor('pr-42'), writes: 2 });
    expect(github.comments[0]?.body.startsWith(markerFor('pr-42'))).toBe(true);
    expect(world.step.outputs['comment-url']).toContain('/pull/42#issuecomment-');
    expect(github.deployments).toEqual([
      {
        id: 1,
        environment: 'pr-42',
        ref: 'abc123',
        description: 'prenv environment pr-42',
        statuses: [
          {
            state: 'in_progress',
            description: 'Deploying',
            logUrl: 'https://github.com/acme/invoices/actions/runs/7',
          },
          {
            state: 'success',
            description: 'Deployed',
            environmentUrl: 'https://api.example/',
            logUrl: 'https://github.com/acme/invoices/actions/runs/7',
          },
        ],
      },
    ]);
    expect(world.step.summaries).toHaveLength(1);
    expect(world.log.messages('warning')).toEqual([]);
  });

  // Each GitHub call the reporter makes, made to reject: the run goes on, and the warning and the
  // job summary name the update that failed (attempt() catches it, not the queue's last resort).
  const EXISTING = { environment: 'pr-42', ref: 'a', description: '' };
  it.each([
    {
      method: 'upsertComment',
      call: 'comment',
      problem: 'Could not update the pull request comment: Bad credentials',
      run: (reporter: Reporter) => reporter.comment(REPORT),
    },
    {
      method: 'createDeployment',
      call: 'startDeployment',
      problem: 'Could not create the GitHub deployment: Bad credentials',
      run: (reporter: Reporter) => reporter.startDeployment('pr-42', 'abc123'),
    },
    {
      method: 'setDeploymentStatus',
      call: 'startDeployment',
      problem: 'Could not update the GitHub deployment: Bad credentials',
      run: (reporter: Reporter) => reporter.startDeployment('pr-42', 'abc123'),
    },
    {
      method: 'deploymentIds',
      call: 'deploymentStatus',
      problem: 'Could not find the GitHub deployment: Bad credentials',
      run: (reporter: Reporter) => reporter.deploymentStatus('inactive', 'gone', undefined, 'pr-42'),
    },
    {
      method: 'deploymentIds',
      call: 'deactivateAll',
      problem: 'Could not find the GitHub deployments: Bad credentials',
      run: (reporter: Reporter) => reporter.deactivateAll('pr-42', 'Environment destroyed'),
    },
    {
      method: 'setDeploymentStatus',
      call: 'deactivateAll',
      problem: 'Could not update the GitHub deployment: Bad credentials',
      run: (reporter: Reporter) => reporter.deactivateAll('pr-42', 'Environment destroyed'),
    },
  ] as const)(
    'a failing $method in $call is a warning, in the summary, and never throws',
    async ({ method, problem, run }) => {
      const github = new FakeGitHub();
      await github.createDeployment(EXISTING);
      const world = setup(github.failing(method));

      await expect(run(world.reporter)).resolves.toBeUndefined();
      await world.reporter.summarize(REPORT);

      expect(github.count(method)).toBeGreaterThan(0);
      expect(world.reporter.githubProblems).toEqual([problem]);
      expect(new Set(world.log.messages('warning'))).toEqual(new Set([problem]));
      expect(world.step.summaries[0]).toContain(problem);
    },
  );

  it('a failure outside a GitHub call is a warning, and later updates still go out', async () => {
    const world = setup(new FakeGitHub());
    world.step.setOutput = () => {
      throw new Error('EACCES: GITHUB_OUTPUT');
    };

    await expect(world.reporter.comment(REPORT)).resolves.toBeUndefined();
    await expect(world.reporter.startDeployment('pr-42', 'abc123')).resolves.toBeUndefined();

    expect(world.log.messages('warning')).toEqual(['Could not report to GitHub: EACCES: GITHUB_OUTPUT']);
    expect(world.github?.deploymentStates('pr-42')).toEqual(['in_progress']);
  });

  it('names the missing permission on a 403, and puts the problems in the job summary', async () => {
    const forbidden = Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    const world = setup(
      new FakeGitHub().failing('upsertComment', forbidden).failing('createDeployment', forbidden),
    );

    await deployRun(world.reporter);

    expect(world.reporter.githubProblems).toEqual([
      'Could not create the GitHub deployment: Resource not accessible by integration (does the job have `permissions: deployments: write`?)',
      'Could not update the pull request comment: Resource not accessible by integration (does the job have `permissions: pull-requests: write`?)',
    ]);
    expect(world.step.summaries[0]).toContain('deployments: write');
    expect(world.step.outputs['comment-url']).toBeUndefined();
  });

  it('a GitHub rejection that is not an Error (a string) is still a warning', async () => {
    const world = setup(new FakeGitHub().failing('upsertComment', 'socket hang up'));

    await expect(world.reporter.comment(REPORT)).resolves.toBeUndefined();
    expect(world.log.messages('warning')).toEqual([
      'Could not update the pull request comment: socket hang up. GitHub looks unavailable: prenv sends it no more updates in this run.',
    ]);
  });

  it('after a server or network failure, sends GitHub no more updates (each would retry for half a minute)', async () => {
    const github = new FakeGitHub()
      .withPull(42)
      .failing('upsertComment', Object.assign(new Error('Server Error'), { status: 502 }));
    const world = setup(github);

    await world.reporter.comment(REPORT);
    await world.reporter.startDeployment('pr-42', 'a'.repeat(40));
    await world.reporter.comment(REPORT);

    expect(github.count('upsertComment')).toBe(1);
    expect(github.count('createDeployment')).toBe(0);
    expect(world.log.messages('warning')).toHaveLength(1);
  });

  it('after a permission failure, still tries the other updates', async () => {
    const github = new FakeGitHub()
      .withPull(42)
      .failing(
        'createDeployment',
        Object.assign(new Error('Resource not accessible by integration'), { status: 403 }),
      );
    const world = setup(github);

    await world.reporter.startDeployment('pr-42', 'a'.repeat(40));
    await world.reporter.comment(REPORT);

    expect(github.count('upsertComment')).toBe(1);
  });

  // A rejection with no value at all has no status to read: it is still a warning that names the
  // update, and counts as GitHub being unavailable.
  it.each([undefined, null])('a GitHub rejection with %s is still a warning', async (value) => {
    const github = new FakeGitHub();
    github.upsertComment = () => Promise.reject(value);
    const world = setup(github);

    await expect(world.reporter.comment(REPORT)).resolves.toBeUndefined();
    expect(world.reporter.githubProblems).toEqual([
      `Could not update the pull request comment: ${String(value)}. GitHub looks unavailable: prenv sends it no more updates in this run.`,
    ]);
  });

  it('with comment off posts no comment, but keeps the deployment up to date', async () => {
    const world = setup(new FakeGitHub(), false);

    await deployRun(world.reporter);

    const github = world.github as FakeGitHub;
    expect(github.count('upsertComment')).toBe(0);
    expect(github.deploymentStates('pr-42')).toEqual(['in_progress', 'success']);
    expect(world.step.outputs['comment-url']).toBeUndefined();
  });

  it('without a token sends nothing to GitHub and still writes the job summary', async () => {
    const world = setup(undefined);

    await deployRun(world.reporter);
    await world.reporter.deploymentStatus('inactive', 'Environment destroyed', undefined, 'pr-42');

    expect(world.step.summaries).toHaveLength(1);
    expect(world.step.outputs).toEqual({});
    expect(world.log.messages('warning')).toEqual([]);
  });

  it("finds the environment's latest deployment when this run started none", async () => {
    const github = new FakeGitHub();
    await github.createDeployment({ environment: 'pr-42', ref: 'a', description: '' });
    await github.createDeployment({ environment: 'pr-42', ref: 'b', description: '' });
    const world = setup(github);

    await world.reporter.deploymentStatus('inactive', 'Environment destroyed', undefined, 'pr-42');

    expect(github.deployments.map((deployment) => deployment.statuses.map((status) => status.state))).toEqual(
      [[], ['inactive']],
    );
  });

  it('sends no status when the deployment could not be created', async () => {
    const github = new FakeGitHub().failing('createDeployment');
    const world = setup(github);

    await world.reporter.startDeployment('pr-42', 'abc');
    await world.reporter.deploymentStatus('failure', 'Deploy failed');

    expect(github.count('setDeploymentStatus')).toBe(0);
  });

  it('comments only on reports that have a pull request', async () => {
    const world = setup(new FakeGitHub());
    const { pullRequest: _, ...withoutPr } = REPORT;

    await world.reporter.comment(withoutPr);

    expect(world.github?.count('upsertComment')).toBe(0);
  });

  it('a job summary that cannot be written is a warning', async () => {
    const world = setup(new FakeGitHub());
    world.step.summaryError = new Error('EACCES: GITHUB_STEP_SUMMARY');

    await expect(world.reporter.summarize(REPORT)).resolves.toBeUndefined();
    expect(world.log.messages('warning').join('\n')).toContain('Could not write the job summary: EACCES');
  });
});
