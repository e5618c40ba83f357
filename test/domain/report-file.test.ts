import { describe, expect, it } from 'vitest';
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
  stacks: [{ name: 'pr-42-api', outcome: 'deployed', status: 'CREATE_COMPLETE' }],
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
