/**
 * How the Reporter reads a GitHub failure by its HTTP status (a permission hint, or GitHub being
 * down so later updates are skipped), and how the problems reach the comment and the job summary.
 */
import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/domain/comment.js';
import { renderSummary } from '../../src/domain/summary.js';
import { FakeGitHub } from '../support/fake-ports.js';
import { reporterWorld } from '../support/reporter-world.js';
import { READY_REPORT } from '../support/reports.js';

const REPORT = READY_REPORT;

const setup = (github: FakeGitHub) => reporterWorld(github);

const DOWN = '. GitHub looks unavailable: prenv sends it no more updates in this run.';
const DEPLOYMENTS_HINT = ' (does the job have `permissions: deployments: write`?)';
const COMMENT_HINT = ' (does the job have `permissions: pull-requests: write`?)';

describe('Reporter, a failed GitHub call by its status', () => {
  it.each([
    { status: 403, deployment: DEPLOYMENTS_HINT, comment: COMMENT_HINT, skipsLater: false },
    { status: 404, deployment: DEPLOYMENTS_HINT, comment: COMMENT_HINT, skipsLater: false },
    { status: 422, deployment: '', comment: '', skipsLater: false },
    { status: 499, deployment: '', comment: '', skipsLater: false },
    { status: 500, deployment: DOWN, comment: DOWN, skipsLater: true },
    { status: 503, deployment: DOWN, comment: DOWN, skipsLater: true },
  ])(
    'status $status: the hint or "unavailable" in the problem, later updates skipped: $skipsLater',
    async (row) => {
      const error = Object.assign(new Error('It failed'), { status: row.status });
      const fake = new FakeGitHub().failing('deploymentIds', error).failing('upsertComment', error);
      const world = setup(fake);

      await world.reporter.deactivateAll('pr-42', 'Environment destroyed');
      await world.reporter.comment(REPORT);

      const problems = [`Could not find the GitHub deployments: It failed${row.deployment}`];
      if (!row.skipsLater)
        problems.push(`Could not update the pull request comment: It failed${row.comment}`);
      expect(world.reporter.githubProblems).toEqual(problems);
      expect(world.log.messages('warning')).toEqual(problems);
      expect(fake.count('upsertComment')).toBe(row.skipsLater ? 0 : 1);
    },
  );
});

describe('Reporter, the problems in the report', () => {
  it('adds them as notes of the comment and the summary, after the report notes', async () => {
    const forbidden = Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    const fake = new FakeGitHub().failing('createDeployment', forbidden);
    const world = setup(fake);
    const problem = `Could not create the GitHub deployment: Resource not accessible by integration${DEPLOYMENTS_HINT}`;

    await world.reporter.startDeployment('pr-42', 'abc123');
    await world.reporter.comment(REPORT);
    await world.reporter.summarize({ ...REPORT, notes: ['The e2e suite was skipped.'] });

    expect(fake.comments.map((comment) => comment.body)).toEqual([
      renderComment({ ...REPORT, notes: [problem] }),
    ]);
    expect(world.step.summaries).toEqual([
      renderSummary({ ...REPORT, notes: ['The e2e suite was skipped.', problem] }),
    ]);
  });

  it('leaves the report as it is when GitHub had no problem', async () => {
    const fake = new FakeGitHub();
    const world = setup(fake);

    await world.reporter.comment(REPORT);
    await world.reporter.summarize(REPORT);

    expect(fake.comments.map((comment) => comment.body)).toEqual([renderComment(REPORT)]);
    expect(world.step.summaries).toEqual([renderSummary(REPORT)]);
  });
});
