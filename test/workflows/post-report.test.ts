import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markerFor, renderComment } from '../../src/domain/comment.js';
import type { EnvironmentReport, TestSummary } from '../../src/domain/report.js';
import {
  encodeReportFile,
  MAX_REPORT_FILE_BYTES,
  type ReportOperation,
  reportFile,
} from '../../src/domain/report-file.js';
import { type PostReportRequest, postReport } from '../../src/workflows/post-report.js';
import { FakeClock, FakeGitHub } from '../support/fake-ports.js';
import { reporterWorld } from '../support/reporter-world.js';

/**
 * Mode report (the second job of the hardened layout) through fakes of our ports: a real report
 * file on disk, the real Reporter in front of a fake GitHub, the step and the log. Each case
 * compares whole results: what postReport returns, the deployments and statuses GitHub holds
 * afterwards, the comment, the step outputs and the log lines.
 */

const SHA = '0123456789abcdef0123456789abcdef01234567';
const RUN = 'https://github.com/acme/invoices/actions/runs/9';
const REPO_URL = 'https://github.com/acme/invoices';
const URL = 'https://abc123.execute-api.eu-west-2.amazonaws.com/prod/';
const COMMENT_URL = 'https://github.com/acme/invoices/pull/42#issuecomment-1';
const NOW = '2025-03-03T12:00:00Z';
const PASSED: TestSummary = { total: 2, passed: 2, failed: 0, skipped: 0, failures: [], exitCode: 0 };
const FAILED: TestSummary = {
  total: 2,
  passed: 1,
  failed: 1,
  skipped: 0,
  failures: [{ name: 'api > lists invoices', message: 'expected 200' }],
  exitCode: 1,
};

/** What the first job wrote: facts the report job takes from its own event are the writer's here. */
function written(
  state: EnvironmentReport['state'],
  extra: Partial<EnvironmentReport> = {},
): EnvironmentReport {
  return {
    state,
    environment: 'pr-42',
    repository: 'acme/invoices',
    pullRequest: 42,
    sha: 'fedcba9876543210fedcba9876543210fedcba98',
    runUrl: 'https://github.com/acme/invoices/actions/runs/1',
    repositoryUrl: 'https://github.com/evil/fork',
    updatedAt: '2025-03-03T11:00:00Z',
    ...extra,
  };
}

/** The writer's report with the job's own facts. */
function posted(report: EnvironmentReport): EnvironmentReport {
  return { ...report, sha: SHA, runUrl: RUN, repositoryUrl: REPO_URL };
}

/** The report built from the job's own event when the file is missing or refused. */
function fromEvent(state: EnvironmentReport['state'], reason: string): EnvironmentReport {
  return {
    state,
    environment: 'pr-42',
    repository: 'acme/invoices',
    pullRequest: 42,
    sha: SHA,
    runUrl: RUN,
    repositoryUrl: REPO_URL,
    updatedAt: NOW,
    failure: { reason },
  };
}

/** The deployment an earlier deploy of the environment left: statuses without an environment name go nowhere. */
const EARLIER = { id: 1, environment: 'pr-42', ref: 'earlier', description: 'earlier deploy' };

/** A deployment this job created for the commit, starting as in progress. */
function created(...statuses: object[]) {
  return {
    id: 2,
    environment: 'pr-42',
    ref: SHA,
    description: 'prenv environment pr-42',
    statuses: [{ state: 'in_progress', description: 'Deploying', logUrl: RUN }, ...statuses],
  };
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prenv-post-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Case {
  /** The file's text; undefined: no file arrived. */
  readonly text?: string;
  /** Overrides of the job's request; undefined removes a field. */
  readonly request?: { readonly [K in keyof PostReportRequest]?: PostReportRequest[K] | undefined };
  /** Leave runUrl out of the Reporter (as when the context has none). */
  readonly noRunUrl?: boolean;
}

/** Runs postReport on one file, with a GitHub that holds the earlier deployment. */
async function run(options: Case) {
  const path = join(dir, 'prenv-report.json');
  if (options.text !== undefined) await writeFile(path, options.text);
  const github = new FakeGitHub();
  await github.createDeployment(EARLIER);
  github.calls.length = 0;
  const { log, step, reporter } = reporterWorld(github, options.noRunUrl ? {} : { runUrl: RUN });
  const request = Object.fromEntries(
    Object.entries({
      repository: 'acme/invoices',
      pullRequest: 42,
      environment: 'pr-42',
      sha: SHA,
      reportFile: path,
      runUrl: RUN,
      repositoryUrl: REPO_URL,
      ...options.request,
    }).filter(([, value]) => value !== undefined),
  ) as unknown as PostReportRequest;
  const outcome = await postReport(request, { log, clock: new FakeClock(NOW), step, reporter });
  return { outcome, github, log, step, path };
}

/** The file the first job writes. */
function file(operation: ReportOperation, report: EnvironmentReport, outcome = {}): string {
  return encodeReportFile(reportFile(operation, report, outcome));
}

/** The one sticky comment, showing exactly the report posted. */
function comment(report: EnvironmentReport) {
  return [{ pullRequest: 42, marker: markerFor('pr-42'), body: renderComment(report), writes: 1 }];
}

describe('postReport with a report file that fits', () => {
  it('ready: a new deployment for the commit, success with the URL, the job’s own run, commit and repository links', async () => {
    const report = written('ready', { url: URL, urlOutput: 'ApiUrl', tests: PASSED });
    const { outcome, github, log, step } = await run({ text: file('deploy', report) });
    expect(outcome).toStrictEqual({ report: posted(report) });
    expect(github.deployments).toStrictEqual([
      { ...EARLIER, statuses: [] },
      created({ state: 'success', description: 'Deployed', environmentUrl: URL, logUrl: RUN }),
    ]);
    expect(github.comments).toStrictEqual(comment(posted(report)));
    expect(step.outputs).toStrictEqual({
      environment: 'pr-42',
      url: URL,
      'test-result': 'passed',
      'comment-url': COMMENT_URL,
    });
    expect(log.lines).toStrictEqual([]);
  });

  it('tests failed: the deployment succeeds with the URL, the failure the writing step had is the step’s', async () => {
    const report = written('tests-failed', { url: URL, tests: FAILED });
    const failure = 'The e2e tests failed: 1 of 2.';
    const { outcome, github, step } = await run({ text: file('deploy', report, { failure }) });
    expect(outcome).toStrictEqual({ report: posted(report), failure });
    expect(github.deployments).toStrictEqual([
      { ...EARLIER, statuses: [] },
      created({
        state: 'success',
        description: 'Deployed; e2e tests failed',
        environmentUrl: URL,
        logUrl: RUN,
      }),
    ]);
    expect(step.outputs).toStrictEqual({
      environment: 'pr-42',
      url: URL,
      'test-result': 'failed',
      'comment-url': COMMENT_URL,
    });
  });

  it('an unsafe URL is neither the deployment’s nor the url output', async () => {
    const report = written('ready', { url: 'javascript:alert(1)' });
    const { outcome, github, step } = await run({ text: file('deploy', report) });
    expect(outcome).toStrictEqual({ report: posted(report) });
    expect(github.deployments[1]).toStrictEqual(
      created({ state: 'success', description: 'Deployed', logUrl: RUN }),
    );
    expect(step.outputs).toStrictEqual({
      environment: 'pr-42',
      url: '',
      'test-result': 'skipped',
      'comment-url': COMMENT_URL,
    });
  });

  it('the event says destroy: no deployment is created for a ready report, and the URL is still the output', async () => {
    const report = written('ready', { url: URL, tests: PASSED });
    const { github, step } = await run({ text: file('deploy', report), request: { operation: 'destroy' } });
    expect(github.deployments).toStrictEqual([{ ...EARLIER, statuses: [] }]);
    expect(github.count('createDeployment')).toBe(0);
    expect(step.outputs.url).toBe(URL);
  });

  it('deploy failed: a new deployment that failed, with no URL even if the file names one', async () => {
    const report = written('deploy-failed', {
      url: URL,
      failure: { stack: 'pr-42-api', resource: 'Fn', reason: 'Resource limit exceeded' },
    });
    const { outcome, github, step } = await run({
      text: file('deploy', report, { failure: 'Deploy failed' }),
    });
    expect(outcome).toStrictEqual({ report: posted(report), failure: 'Deploy failed' });
    expect(github.deployments).toStrictEqual([
      { ...EARLIER, statuses: [] },
      created({ state: 'failure', description: 'Deploy failed', logUrl: RUN }),
    ]);
    expect(step.outputs).toStrictEqual({
      environment: 'pr-42',
      url: '',
      'test-result': 'skipped',
      'comment-url': COMMENT_URL,
    });
  });

  it('destroyed: the environment’s latest deployment goes inactive', async () => {
    const report = written('destroyed');
    const { outcome, github } = await run({ text: file('destroy', report) });
    expect(outcome).toStrictEqual({ report: posted(report) });
    expect(github.deployments).toStrictEqual([
      {
        ...EARLIER,
        statuses: [{ state: 'inactive', description: 'Environment destroyed', logUrl: RUN }],
      },
    ]);
  });

  it('the job’s own facts replace the file’s: no run or repository link when the job has none, no commit that is no SHA', async () => {
    const report = written('destroyed');
    const { outcome } = await run({
      text: file('destroy', report),
      request: { sha: 'refs/heads/main', runUrl: undefined, repositoryUrl: undefined },
      noRunUrl: true,
    });
    const { sha: _sha, runUrl: _run, repositoryUrl: _repo, ...rest } = report;
    expect(outcome).toStrictEqual({ report: rest });
  });

  it.each([
    ['0123abc', true],
    ['0123AB', false],
    ['A'.repeat(64), true],
    ['a'.repeat(65), false],
    ['x0123abcd', false],
    ['0123abcdx', false],
    ['', false],
  ])('takes the event’s commit %j as the report’s sha: %s', async (sha, kept) => {
    const { outcome } = await run({ request: { sha } });
    expect(outcome.report?.sha).toBe(kept ? sha : undefined);
    expect(outcome.report !== undefined && 'sha' in outcome.report).toBe(kept);
  });

  it('skipped: a notice, and nothing is posted', async () => {
    const skipped = 'PR #42 was closed before the deploy started: nothing to deploy.';
    const { outcome, github, log, step } = await run({
      text: file('deploy', written('deploying'), { skipped }),
    });
    expect(outcome).toStrictEqual({ skipped });
    expect(log.lines).toStrictEqual([{ level: 'notice', message: skipped }]);
    expect(github.calls).toStrictEqual([]);
    expect(step.outputs).toStrictEqual({});
  });
});

describe('postReport without a report it can post', () => {
  it('no file after a deploy: cancelled, the environment’s deployment is an error, the reason is logged and the step’s', async () => {
    const { outcome, github, log, step, path } = await run({});
    const reason = `No report file arrived at ${path}: the job that ran prenv was cancelled, crashed, or failed before prenv wrote it.`;
    expect(outcome).toStrictEqual({ report: fromEvent('cancelled', reason), failure: reason });
    expect(log.lines).toStrictEqual([{ level: 'error', message: reason }]);
    expect(github.deployments).toStrictEqual([
      {
        ...EARLIER,
        statuses: [{ state: 'error', description: 'The run was cancelled or crashed', logUrl: RUN }],
      },
    ]);
    expect(github.comments).toStrictEqual(comment(fromEvent('cancelled', reason)));
    expect(step.outputs).toStrictEqual({
      environment: 'pr-42',
      url: '',
      'test-result': 'skipped',
      'comment-url': COMMENT_URL,
    });
  });

  it('no file after a destroy: destroy failed, the deployment goes inactive', async () => {
    const { outcome, github, path } = await run({ request: { operation: 'destroy' } });
    const reason = `No report file arrived at ${path}: the job that ran prenv was cancelled, crashed, or failed before prenv wrote it.`;
    expect(outcome).toStrictEqual({ report: fromEvent('destroy-failed', reason), failure: reason });
    expect(github.deployments).toStrictEqual([
      {
        ...EARLIER,
        statuses: [{ state: 'inactive', description: 'Environment destroyed', logUrl: RUN }],
      },
    ]);
  });

  it('a file over the limit: deploy failed with its size, a failed deployment for the commit', async () => {
    const { outcome, github, log } = await run({ text: 'x'.repeat(MAX_REPORT_FILE_BYTES + 1) });
    const reason = `The report file was refused: it is ${MAX_REPORT_FILE_BYTES + 1} bytes, and at most ${MAX_REPORT_FILE_BYTES} are read.`;
    expect(outcome).toStrictEqual({ report: fromEvent('deploy-failed', reason), failure: reason });
    expect(log.lines).toStrictEqual([{ level: 'error', message: reason }]);
    expect(github.deployments).toStrictEqual([
      { ...EARLIER, statuses: [] },
      created({ state: 'failure', description: 'Deploy failed', logUrl: RUN }),
    ]);
  });

  it('a file that does not parse: refused with the reason, from the event’s operation', async () => {
    const { outcome, log } = await run({ text: '{ not json', request: { operation: 'destroy' } });
    const reason = 'The report file was refused: it is not valid JSON.';
    expect(outcome).toStrictEqual({ report: fromEvent('destroy-failed', reason), failure: reason });
    expect(log.lines).toStrictEqual([{ level: 'error', message: reason }]);
  });
});
