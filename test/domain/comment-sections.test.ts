import { describe, expect, it } from 'vitest';
import type { Limits } from '../../src/domain/comment-budget.js';
import {
  facts,
  failures,
  headline,
  intro,
  notShown,
  testProblems,
  VISIBLE_FAILURES,
} from '../../src/domain/comment-sections.js';
import type { EnvironmentReport, TestSummary } from '../../src/domain/report.js';

const limits: Limits = { failures: 50, outputs: 10, stacks: 10, notes: 10, environments: 10, text: 100 };
const base: EnvironmentReport = {
  state: 'ready',
  environment: 'pr-1',
  repository: 'o/r',
  updatedAt: '2025-03-01T10:00:00Z',
};
const sha = '3f2a9c1b7e4d5a6b8c9d0e1f2a3b4c5d6e7f8a9b';
const repositoryUrl = 'https://github.com/o/r';
const tests = (extra: Partial<TestSummary> = {}): TestSummary => ({
  total: 1,
  passed: 1,
  failed: 0,
  skipped: 0,
  failures: [],
  ...extra,
});
const factsOf = (extra: Partial<EnvironmentReport>, at: Limits = limits, pullRequestLine = false) =>
  facts({ ...base, ...extra }, at, pullRequestLine).text;

describe('notShown', () => {
  it('links the run only when its URL is safe', () => {
    expect(notShown(3, undefined)).toBe('… 3 more not shown; see the job log.');
    expect(notShown(3, 'javascript:alert(1)')).toBe('… 3 more not shown; see the job log.');
    expect(notShown(1, 'https://x.test/run')).toBe(
      '… 1 more not shown; see the [workflow run](https://x.test/run).',
    );
  });
});

describe('headline and intro', () => {
  it('counts failed tests when it knows them', () => {
    expect(headline({ ...base, state: 'tests-failed', tests: tests({ failed: 2 }) }, '###').text).toBe(
      '### ❌ 2 tests failed on `pr-1`',
    );
    expect(headline({ ...base, state: 'tests-failed', tests: tests() }, '###').text).toBe(
      '### ❌ Tests failed on `pr-1`',
    );
  });

  it('tells the reader to delete what a forced delete kept', () => {
    const report: EnvironmentReport = {
      ...base,
      state: 'destroy-failed',
      stacks: [
        { name: 's', outcome: 'force-deleted', retained: [{ logicalId: 'B', type: 'AWS::S3::Bucket' }] },
      ],
    };
    expect(intro(report).text).toBe(
      'The stacks are gone (2025-03-01 10:00 UTC), but CloudFormation could delete them only by force, and kept the resources below. Nothing tracks them any more and the cleanup sweep cannot find them: delete them by hand.',
    );
  });
});

describe('facts', () => {
  it('lists the hotswapped stacks up to the stack limit, with what each updated', () => {
    const stacks = [
      { name: 'a', outcome: 'hotswapped', hotswapped: "1 Lambda function's code" },
      { name: 'b', outcome: 'hotswapped' },
      { name: 'c', outcome: 'hotswapped' },
      { name: 'd', outcome: 'deployed' },
    ] as const;
    expect(factsOf({ stacks }, { ...limits, stacks: 2 })).toBe(
      "- **Hotswapped** (no CloudFormation deployment): `a` (1 Lambda function's code), `b`, 1 more",
    );
    expect(factsOf({ stacks: stacks.slice(1) }, { ...limits, stacks: 2 })).toBe(
      '- **Hotswapped** (no CloudFormation deployment): `b`, `c`',
    );
  });

  it('gives the expiry relative to the report time only when that time parses', () => {
    expect(factsOf({ expiresAt: '2025-03-02T10:00:00Z' })).toBe(
      '- **Expires:** 2025-03-02 10:00 UTC (in 1 day)',
    );
    expect(factsOf({ expiresAt: 'soon' })).toBe('');
    expect(factsOf({ expiresAt: '2025-03-02T10:00:00Z', updatedAt: 'later' })).toBe(
      '- **Expires:** 2025-03-02 10:00 UTC',
    );
  });

  it('shows the age from one minute on', () => {
    expect(factsOf({ createdAt: '2025-03-01T09:59:00Z' })).toBe(
      '- **Age:** 1 min (created 2025-03-01 09:59 UTC)',
    );
    expect(factsOf({ createdAt: '2025-03-01T09:59:00.001Z' })).toBe('');
  });

  it('names the pull request only when asked, linked when the repository URL is known', () => {
    expect(factsOf({ pullRequest: 42 })).toBe('');
    expect(factsOf({ pullRequest: 42 }, limits, true)).toBe('- **Pull request:** \\#42');
    expect(factsOf({ pullRequest: 42, repositoryUrl }, limits, true)).toBe(
      '- **Pull request:** [#42](https://github.com/o/r/pull/42)',
    );
  });

  it('links a commit only when it is a SHA and the repository URL is known', () => {
    expect(factsOf({ sha: '' })).toBe('');
    expect(factsOf({ sha })).toBe('- **Commit:** `3f2a9c1`');
    expect(factsOf({ sha, repositoryUrl })).toBe(
      `- **Commit:** [\`3f2a9c1\`](https://github.com/o/r/commit/${sha})`,
    );
    expect(factsOf({ sha: `zz${sha}`, repositoryUrl })).toBe('- **Commit:** `zz3f2a9c1b7…`');
    expect(factsOf({ sha: `${sha.slice(0, 9)}zz`, repositoryUrl })).toBe('- **Commit:** `3f2a9c1b7zz`');
  });

  it('joins the commit and the run, and leaves out an unsafe run link', () => {
    expect(factsOf({ sha, runUrl: 'https://x.test/run' })).toBe(
      '- **Commit:** `3f2a9c1` · [Workflow run](https://x.test/run)',
    );
    expect(factsOf({ runUrl: 'javascript:alert(1)' })).toBe('');
    expect(factsOf({ runUrl: 'https://x.test/run' })).toBe('- [Workflow run](https://x.test/run)');
  });
});

describe('testProblems', () => {
  it('reports a failing exit code only when no test failed', () => {
    expect(testProblems({ ...base, tests: tests({ exitCode: 2.7 }) }, limits).text).toBe(
      '- ⚠️ The test command exited with code 2.',
    );
    expect(testProblems({ ...base, tests: tests({ exitCode: 1, failed: 1 }) }, limits).text).toBe('');
  });
});

describe('failures', () => {
  const report = (list: TestSummary['failures']): EnvironmentReport => ({
    ...base,
    state: 'tests-failed',
    tests: tests({ failed: list.length, failures: list }),
  });

  it('names unnamed tests and leaves out empty messages', () => {
    expect(
      failures(
        report([
          { name: '', message: '\n  boom\nstack' },
          { name: 't', message: '' },
        ]),
        limits,
      ).text,
    ).toBe('#### Failing tests (2)\n\n- **(unnamed test)**: boom\n- **t**');
  });

  it('only counts the failures when the limit leaves none', () => {
    const list = [
      { name: 'a', message: 'x' },
      { name: 'b', message: 'y' },
    ];
    expect(failures(report(list), { ...limits, failures: 0 }).text).toBe(
      '#### Failing tests (2)\n\n… 2 more not shown; see the job log.',
    );
  });

  it(`collapses the failures after the first ${VISIBLE_FAILURES}`, () => {
    const list = Array.from({ length: VISIBLE_FAILURES + 1 }, (_, i) => ({ name: `t${i}`, message: '' }));
    const text = failures(report(list), limits).text;
    expect(text).toContain(
      `- **t${VISIBLE_FAILURES - 1}**\n\n<details>\n<summary>and 1 more failing test</summary>`,
    );
  });
});
