import { describe, expect, it } from 'vitest';
import type { Limits } from '../../src/domain/comment-budget.js';
import {
  displayOutputs,
  facts,
  failures,
  headline,
  intro,
  leftRunning,
  notes,
  notShown,
  outputs,
  rootCause,
  stacks,
  testProblems,
  VISIBLE_FAILURES,
  VISIBLE_STACKS,
} from '../../src/domain/comment-sections.js';
import type { EnvironmentReport, FailureCause, StackReport, TestSummary } from '../../src/domain/report.js';

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
    expect(factsOf({}, limits, true)).toBe('');
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

  it('counts the failures the limit left out', () => {
    const list = [
      { name: 'a', message: 'x' },
      { name: 'b', message: 'y' },
      { name: 'c', message: 'z' },
    ];
    expect(failures(report(list), { ...limits, failures: 1 })).toStrictEqual({
      kind: 'failures',
      text: '#### Failing tests (3)\n\n- **a**: x\n\n… 2 more not shown; see the job log.',
    });
  });

  it(`collapses the failures after the first ${VISIBLE_FAILURES}`, () => {
    const list = Array.from({ length: VISIBLE_FAILURES + 1 }, (_, i) => ({ name: `t${i}`, message: '' }));
    const text = failures(report(list), limits).text;
    expect(text).toContain(
      `- **t${VISIBLE_FAILURES - 1}**\n\n<details>\n<summary>and 1 more failing test</summary>`,
    );
  });
});

describe('rootCause', () => {
  const causeOf = (failure: FailureCause) => rootCause({ ...base, failure }, limits);

  it('names the resource, its type and the stack, as far as they are known', () => {
    expect(
      causeOf({
        stack: 'pr-1-api',
        resource: 'Fn',
        resourceType: 'AWS::Lambda::Function',
        reason: 'Rate exceeded',
      }),
    ).toStrictEqual({
      kind: 'fixed',
      text: '#### Root cause\n\nResource `Fn` (`AWS::Lambda::Function`) in stack `pr-1-api` failed:\n\n> Rate exceeded',
    });
    expect(causeOf({ resource: 'Fn', reason: 'Rate exceeded' }).text).toBe(
      '#### Root cause\n\nResource `Fn` failed:\n\n> Rate exceeded',
    );
    expect(causeOf({ stack: 'pr-1-api', reason: 'Rate exceeded' }).text).toBe(
      '#### Root cause\n\nStack `pr-1-api` failed:\n\n> Rate exceeded',
    );
  });

  it('gives the reason alone when nothing says where, and says when there is no reason', () => {
    expect(causeOf({ reason: 'Rate exceeded' }).text).toBe('#### Root cause\n\n> Rate exceeded');
    expect(causeOf({ stack: 'pr-1-api', reason: ' ' }).text).toBe(
      '#### Root cause\n\nStack `pr-1-api` failed:\n\n> (no reason given)',
    );
    expect(rootCause(base, limits)).toStrictEqual({ kind: 'fixed', text: '' });
  });
});

describe('leftRunning', () => {
  const running = { ...base, state: 'cancelled', leftRunning: ['pr-1-a', 'pr-1-b', 'pr-1-c'] } as const;

  it('lists the stacks up to the limit and counts the rest', () => {
    expect(leftRunning(running, { ...limits, stacks: 2 })).toStrictEqual({
      kind: 'stacks',
      text: '#### Stacks that may still be running\n\n- `pr-1-a`\n- `pr-1-b`\n\n… 1 more not shown; see the job log.',
    });
  });

  it('leaves no empty list when the limit leaves no stack', () => {
    expect(leftRunning(running, { ...limits, stacks: 0 }).text).toBe(
      '#### Stacks that may still be running\n\n… 3 more not shown; see the job log.',
    );
  });
});

describe('outputs', () => {
  const url = 'https://api.test/';
  const list = [
    { stack: 'pr-1-api', key: 'Alias', value: url },
    { stack: 'pr-1-api', key: 'ExportsOutputRefBucket', value: 'b' },
    { stack: 'pr-1-api', key: 'Bucket', value: 'pr-1-bucket' },
    { stack: 'pr-1-api', key: 'ApiUrl', value: url },
  ];

  it('puts the url-output first, by name even when another output holds the same URL', () => {
    const keys = (report: EnvironmentReport) => displayOutputs(report).map((output) => output.key);
    expect(keys({ ...base, outputs: list, url, urlOutput: 'ApiUrl' })).toStrictEqual([
      'ApiUrl',
      'Alias',
      'Bucket',
    ]);
    expect(keys({ ...base, outputs: list, url })).toStrictEqual(['Alias', 'ApiUrl', 'Bucket']);
    expect(keys({ ...base, outputs: list })).toStrictEqual(['Alias', 'Bucket', 'ApiUrl']);
  });

  it('shows the outputs up to the limit and counts the rest', () => {
    expect(
      outputs({ ...base, outputs: list, url, urlOutput: 'ApiUrl' }, { ...limits, outputs: 1 }),
    ).toStrictEqual({
      kind: 'outputs',
      text: '#### Outputs\n\n| Output | Value |\n| --- | --- |\n| `ApiUrl` | `https://api.test/` |\n\n… 2 more not shown; see the job log.',
    });
    expect(outputs({ ...base, outputs: list }, { ...limits, outputs: 0 }).text).toBe(
      '… 3 more not shown; see the job log.',
    );
  });

  it('shows none once the environment is being destroyed, or when there are none', () => {
    for (const state of ['destroying', 'destroyed', 'destroy-failed'] as const) {
      expect(outputs({ ...base, state, outputs: list }, limits)).toStrictEqual({ kind: 'outputs', text: '' });
    }
    expect(outputs({ ...base, outputs: [] }, limits)).toStrictEqual({ kind: 'outputs', text: '' });
  });
});

describe('stacks', () => {
  const named = (count: number): StackReport[] =>
    Array.from({ length: count }, (_, i) => ({ name: `pr-1-s${i}`, outcome: 'deleted' }));

  it('shows the stacks up to the limit, each with what the run did, and counts the rest', () => {
    const list: StackReport[] = [
      {
        name: 'pr-1-a',
        outcome: 'deployed',
        status: 'UPDATE_COMPLETE',
        hotswapped: 'not shown for a deploy',
      },
      { name: 'pr-1-b', outcome: 'hotswapped', hotswapped: "1 Lambda function's code" },
      { name: 'pr-1-c', outcome: 'unchanged' },
    ];
    expect(stacks({ ...base, stacks: list }, { ...limits, stacks: 2 })).toStrictEqual({
      kind: 'stacks',
      text:
        '<details>\n<summary>Stacks (3)</summary>\n\n| Stack | Outcome | Status |\n| --- | --- | --- |\n' +
        "| `pr-1-a` | ✅ deployed | `UPDATE_COMPLETE` |\n| `pr-1-b` | ⚡ hotswapped: 1 Lambda function's code |   |\n\n" +
        '</details>\n\n… 1 more not shown; see the job log.',
    });
    expect(stacks({ ...base, stacks: list }, { ...limits, stacks: 0 }).text).toBe(
      '… 3 more not shown; see the job log.',
    );
    expect(stacks({ ...base, stacks: [] }, limits)).toStrictEqual({ kind: 'stacks', text: '' });
  });

  it(`opens the table of a destroy of up to ${VISIBLE_STACKS} stacks`, () => {
    const firstLineOf = (report: EnvironmentReport) =>
      stacks(report, { ...limits, stacks: 20 }).text.split('\n')[0];
    expect(firstLineOf({ ...base, state: 'destroyed', stacks: named(VISIBLE_STACKS) })).toBe('#### Stacks');
    expect(firstLineOf({ ...base, state: 'destroyed', stacks: named(VISIBLE_STACKS + 1) })).toBe('<details>');
    expect(firstLineOf({ ...base, state: 'ready', stacks: named(1) })).toBe('<details>');
  });
});

describe('notes', () => {
  it('lists the notes that are not blank', () => {
    expect(notes({ ...base, notes: ['Deployed twice', '  ', '', 'Hotswap on'] }, limits)).toStrictEqual({
      kind: 'notes',
      text: '#### Notes\n\n- Deployed twice\n- Hotswap on',
    });
    expect(notes({ ...base, notes: ['', ' \n '] }, limits)).toStrictEqual({ kind: 'notes', text: '' });
  });

  it('lists the notes up to the limit and counts the rest', () => {
    const report = { ...base, notes: ['a', 'b', 'c'] };
    expect(notes(report, { ...limits, notes: 1 }).text).toBe(
      '#### Notes\n\n- a\n\n… 2 more not shown; see the job log.',
    );
    expect(notes(report, { ...limits, notes: 0 }).text).toBe(
      '#### Notes\n\n… 3 more not shown; see the job log.',
    );
  });
});
