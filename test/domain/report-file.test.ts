import { describe, expect, it } from 'vitest';
import type { StackChanges } from '../../src/domain/infra-diff.js';
import type { EnvironmentReport } from '../../src/domain/report.js';
import {
  encodeReportFile,
  MAX_REPORT_FILE_BYTES,
  parseReportFile,
  REPORT_LIMITS,
  reportFile,
} from '../../src/domain/report-file.js';

const EXPECTED = { repository: 'octo-org/invoices', pullRequest: 42, environment: 'pr-42' };
const REPORT: EnvironmentReport = {
  state: 'tests-failed',
  environment: 'pr-42',
  repository: 'octo-org/invoices',
  pullRequest: 42,
  sha: 'a'.repeat(40),
  url: 'https://pr-42.example.invalid/',
  outputs: [{ stack: 'pr-42-api', key: 'ApiUrl', value: 'https://pr-42.example.invalid/' }],
  stacks: [
    { name: 'pr-42-api', outcome: 'deployed', status: 'CREATE_COMPLETE' },
    { name: 'pr-42-web', outcome: 'hotswapped', hotswapped: "1 Lambda function's code" },
    {
      name: 'pr-42-data',
      outcome: 'force-deleted',
      retained: [{ logicalId: 'Uploads', type: 'AWS::S3::Bucket', physicalId: 'pr-42-data-uploads' }],
    },
  ],
  tests: {
    total: 3,
    passed: 2,
    failed: 1,
    skipped: 0,
    failures: [{ name: 'api > lists', message: 'expected 200' }],
    exitCode: 1,
  },
  timings: { synth: 1, deploy: 2, tests: 3, total: 6 },
  failure: { stack: 'pr-42-api', resource: 'Fn', resourceType: 'AWS::Lambda::Function', reason: 'boom' },
  expiresAt: '2026-01-04T00:00:00Z',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:10:00Z',
  leftRunning: ['pr-42-api'],
  notes: ['a note'],
};

const roundTrip = (report: EnvironmentReport, extra: Record<string, unknown> = {}) =>
  parseReportFile(
    JSON.stringify({ ...reportFile('deploy', report, { failure: 'tests failed' }), ...extra }),
    EXPECTED,
  );

describe('the report file, version 1', () => {
  it('round-trips every field of a report', () => {
    expect(roundTrip(REPORT)).toEqual({
      ok: true,
      file: { version: 1, operation: 'deploy', report: REPORT, failure: 'tests failed' },
    });
  });

  it('drops sections it does not know (a newer writer of the same version), at any depth', () => {
    const parsed = roundTrip(
      { ...REPORT, diff: 'x', tests: { ...REPORT.tests, flaky: 1 } } as EnvironmentReport,
      {
        leftovers: [],
      },
    );
    expect(parsed.ok && parsed.file.report).toEqual(REPORT);
    expect(parsed.ok && 'leftovers' in parsed.file).toBe(false);
  });

  it.each([
    ['another PR', { pullRequest: 7 }, 'pull request #7'],
    ['no PR', { pullRequest: undefined }, 'pull request #(none)'],
    ['another environment', { environment: 'pr-7' }, 'environment pr-7'],
    ['another repository', { repository: 'octo-org/payments' }, 'repository octo-org/payments'],
  ])('refuses a report for %s', (_what, change, named) => {
    const parsed = roundTrip({ ...REPORT, ...change } as EnvironmentReport);
    expect(parsed).toEqual({ ok: false, reason: expect.stringContaining(`it is for ${named}`) });
  });

  it.each([
    ['a state that is none', { state: 'owned' }, 'file.report.state'],
    ['a negative count', { tests: { ...REPORT.tests, failed: -1 } }, 'file.report.tests.failed'],
    ['a fractional timing', { timings: { synth: 1.5 } }, 'file.report.timings.synth'],
    ['a sha that is not one', { sha: 'main; rm -rf /' }, 'file.report.sha'],
    ['an instant that is not one', { updatedAt: 'yesterday' }, 'file.report.updatedAt'],
    ['a string where a list goes', { notes: 'hi' }, 'file.report.notes'],
    ['too many notes', { notes: Array(REPORT_LIMITS.notes + 1).fill('n') }, 'file.report.notes'],
    ['an over-long note', { notes: ['n'.repeat(REPORT_LIMITS.text + 1)] }, 'file.report.notes[0]'],
    [
      'a status with markup',
      { stacks: [{ name: 's', outcome: 'deployed', status: '<b>' }] },
      'file.report.stacks[0].status',
    ],
  ])('refuses %s, naming where', (_what, change, path) => {
    const raw = JSON.stringify({ version: 1, operation: 'deploy', report: { ...REPORT, ...change } });
    expect(parseReportFile(raw, EXPECTED)).toEqual({ ok: false, reason: expect.stringContaining(path) });
  });

  it('refuses what is not a version-1 file', () => {
    for (const raw of ['', 'null', '[]', '"report"', '{"version":"1"}', '{not json']) {
      expect(parseReportFile(raw, EXPECTED).ok, raw).toBe(false);
    }
    expect(
      parseReportFile(JSON.stringify({ version: 2, operation: 'deploy', report: REPORT }), EXPECTED),
    ).toEqual({
      ok: false,
      reason: expect.stringContaining('version 2'),
    });
  });

  it('the writer keeps to the limits the reader enforces, so a real report is never refused', () => {
    const huge: EnvironmentReport = {
      ...REPORT,
      url: `https://example.invalid/${'x'.repeat(REPORT_LIMITS.url)}`,
      notes: Array(500).fill('n'.repeat(10_000)),
      outputs: Array(2_000).fill({ stack: 'pr-42-api', key: 'K', value: 'v'.repeat(10_000) }),
      tests: {
        ...(REPORT.tests as NonNullable<EnvironmentReport['tests']>),
        failures: Array(5_000).fill({ name: 'n'.repeat(10_000), message: 'm'.repeat(10_000) }),
        problem: 'p'.repeat(10_000),
      },
      failure: { reason: 'r'.repeat(10_000) },
    };
    const text = encodeReportFile(reportFile('deploy', huge, { failure: 'f'.repeat(10_000) }));
    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(MAX_REPORT_FILE_BYTES);
    const parsed = parseReportFile(text, EXPECTED);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.file.report.url).toBeUndefined();
    expect(parsed.ok && parsed.file.report.tests?.failures.length).toBeGreaterThan(0);
    expect(parsed.ok && parsed.file.report.notes?.at(-1)).toContain('too large');
  });
});

/** A report with every optional field set, each within the limits. */
const FULL: EnvironmentReport = {
  ...REPORT,
  runUrl: 'https://github.com/octo-org/invoices/actions/runs/1',
  repositoryUrl: 'https://github.com/octo-org/invoices',
  urlOutput: 'ApiUrl',
  // A secret output reaches the report job hidden: shown as *hidden*, never as an empty value.
  outputs: [...(REPORT.outputs ?? []), { stack: 'pr-42-api', key: 'DbPassword', value: '', hidden: true }],
  tests: { ...(REPORT.tests as NonNullable<EnvironmentReport['tests']>), timedOut: true, problem: 'late' },
  changes: {
    stacks: [
      {
        stack: 'pr-42-api',
        firstDeploy: false,
        resources: [{ logicalId: 'Fn', type: 'AWS::Lambda::Function', kind: 'modified' }],
        statements: [
          {
            change: 'added',
            effect: 'Allow',
            actions: ['s3:GetObject'],
            resources: ['*'],
            principals: [],
            negated: true,
          },
        ],
        managedPolicies: [{ change: 'removed', identity: 'Role', policy: 'ReadOnlyAccess' }],
        securityGroupRules: [
          { change: 'added', direction: 'ingress', group: 'Sg', protocol: 'TCP 443', peer: '0.0.0.0/0' },
        ],
        text: 'diff',
      },
    ],
  },
  blocked: { failOn: 'security', reason: '1 security-relevant change', approveLabel: 'prenv-approve' },
  leftovers: [
    {
      arn: 'arn:aws:s3:::pr-42-uploads',
      type: 'AWS::S3::Bucket',
      outcome: 'delete-failed',
      createdAt: '2026-01-01T00:00:00Z',
      stack: 'pr-42-data',
      reason: 'BucketNotEmpty',
    },
  ],
  resourceCount: 7,
};

const long = (n: number, char = 'x') => char.repeat(n);
const cutTo = (n: number) => `${long(n - 1)}…`;

describe('the report file, at and over its limits', () => {
  it('keeps a report with every optional field unchanged through write, encode and read', () => {
    const file = reportFile('destroy', FULL, { failure: 'tests failed', skipped: 'closed first' });
    expect(parseReportFile(encodeReportFile(file), EXPECTED)).toStrictEqual({
      ok: true,
      file: {
        version: 1,
        operation: 'destroy',
        report: FULL,
        failure: 'tests failed',
        skipped: 'closed first',
      },
    });
  });

  it('says why text that is no JSON is refused', () => {
    expect(parseReportFile('{not json', EXPECTED)).toStrictEqual({
      ok: false,
      reason: 'it is not valid JSON',
    });
  });

  it('cuts each list over its limit to the limit, and each long text to the text limit', () => {
    const L = REPORT_LIMITS;
    const stack = { name: 'pr-42-x', outcome: 'deployed' as const };
    const over: EnvironmentReport = {
      ...FULL,
      outputs: Array(L.outputs + 1).fill({ stack: 'pr-42-api', key: 'K', value: 'v' }),
      stacks: [
        {
          ...stack,
          outcome: 'force-deleted',
          retained: Array(L.stacks + 1).fill({ logicalId: 'B', type: 'AWS::S3::Bucket' }),
          hotswapped: long(L.text + 1),
        },
        ...Array(L.stacks).fill(stack),
      ],
      leftRunning: Array(L.stacks + 1).fill('pr-42-api'),
      notes: Array(L.notes + 1).fill('n'),
      leftovers: Array(L.stacks + 1).fill({ ...FULL.leftovers?.[0], reason: long(L.text + 1) }),
      blocked: { failOn: 'replacement', reason: long(L.text + 1) },
      changes: { stacks: [{ ...(FULL.changes?.stacks[0] as StackChanges), stack: long(600) }] },
      tests: {
        ...(FULL.tests as NonNullable<EnvironmentReport['tests']>),
        failures: Array(L.failures + 1).fill({ name: 'n', message: 'm' }),
      },
    };
    const { report } = reportFile('deploy', over, { skipped: long(L.text + 1) });
    expect(reportFile('deploy', over, { skipped: long(L.text + 1) }).skipped).toBe(cutTo(L.text));
    expect(report.outputs).toHaveLength(L.outputs);
    expect(report.stacks).toHaveLength(L.stacks);
    expect(report.stacks?.[0]?.retained).toHaveLength(L.stacks);
    expect(report.stacks?.[0]?.hotswapped).toBe(cutTo(L.text));
    expect(report.leftRunning).toHaveLength(L.stacks);
    expect(report.notes).toHaveLength(L.notes);
    expect(report.leftovers).toHaveLength(L.stacks);
    expect(report.leftovers?.[0]?.reason).toBe(cutTo(L.text));
    expect(report.blocked).toStrictEqual({ failOn: 'replacement', reason: cutTo(L.text) });
    expect(report.changes?.stacks[0]?.stack).toBe(cutTo(512));
    expect(report.tests?.failures).toHaveLength(L.failures);
    const parsed = parseReportFile(encodeReportFile(reportFile('deploy', over)), EXPECTED);
    expect(parsed.ok).toBe(true);
  });

  it('keeps a URL of exactly the limit, and drops a longer one', () => {
    const at = `https://e.invalid/${long(REPORT_LIMITS.url - 18)}`;
    expect(at).toHaveLength(REPORT_LIMITS.url);
    expect(reportFile('deploy', { ...REPORT, url: at }).report.url).toBe(at);
    expect(reportFile('deploy', { ...REPORT, url: `${at}x` }).report.url).toBeUndefined();
  });

  it('passes a file of exactly 1 MiB whole, and cuts one a byte larger', () => {
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    const file = (n: number, pad: number) =>
      reportFile('deploy', {
        ...REPORT,
        outputs: [
          ...Array(n).fill({ stack: 'pr-42-api', key: 'K', value: long(3_000) }),
          { stack: 'pr-42-api', key: 'K', value: long(pad) },
        ],
      });
    const size = (n: number, pad: number) => bytes(`${JSON.stringify(file(n, pad), null, 2)}\n`);
    const n = Math.floor((MAX_REPORT_FILE_BYTES - size(0, 0)) / (size(1, 0) - size(0, 0)));
    const sized = (target: number) => file(n, target - size(n, 0));
    const exact = encodeReportFile(sized(MAX_REPORT_FILE_BYTES));
    expect(bytes(exact)).toBe(MAX_REPORT_FILE_BYTES);
    expect(exact).toBe(`${JSON.stringify(sized(MAX_REPORT_FILE_BYTES), null, 2)}\n`);
    const over = parseReportFile(encodeReportFile(sized(MAX_REPORT_FILE_BYTES + 1)), EXPECTED);
    expect(over.ok && over.file.report.outputs).toHaveLength(Math.floor((n + 1) / 2));
    expect(over.ok && over.file.report.notes).toStrictEqual([
      'The report was too large to pass on whole: lists were cut; see the workflow run.',
    ]);
  });

  it('adds the note about the cut to a report that had none', () => {
    const { notes: _, ...noNotes } = REPORT;
    const big: EnvironmentReport = {
      ...noNotes,
      outputs: Array(400).fill({ stack: 'pr-42-api', key: 'K', value: long(4_000) }),
    };
    const parsed = parseReportFile(encodeReportFile(reportFile('deploy', big)), EXPECTED);
    expect(parsed.ok && parsed.file.report.notes).toStrictEqual([
      'The report was too large to pass on whole: lists were cut; see the workflow run.',
    ]);
  });
});
