import { describe, expect, it } from 'vitest';
import type { TestSummary } from '../../src/domain/report.js';
import type { CommandResult } from '../../src/ports.js';
import { runTests, type TestRequest, testResult } from '../../src/workflows/tests.js';
import { FakeJUnit, FakeLog, FakeRunner } from '../support/fake-ports.js';

const GREEN: TestSummary = { total: 4, passed: 3, failed: 0, skipped: 1, failures: [] };
const RED: TestSummary = {
  total: 4,
  passed: 2,
  failed: 2,
  skipped: 0,
  failures: [
    { name: 'api > creates an invoice', message: 'expected 201, got 500' },
    { name: 'api > lists invoices', message: 'timeout' },
  ],
};

const REQUEST: TestRequest = {
  command: 'npm run test:e2e',
  cwd: '/ws/sample-app',
  env: { API_URL: 'https://api.example/', PRENV_NAME: 'pr-42' },
  timeoutMinutes: 10,
  report: 'sample-app/reports/*.xml',
  workspace: '/ws',
};

async function run(result: CommandResult, summary: TestSummary = GREEN, request: TestRequest = REQUEST) {
  const runner = new FakeRunner(result);
  const junit = new FakeJUnit(summary);
  const log = new FakeLog();
  const tests = await runTests(request, { runner, junit, log });
  return { tests, runner, junit, log, result: testResult(tests) };
}

const exit = (exitCode: number): CommandResult => ({ exitCode, timedOut: false, durationMs: 1000 });

describe('runTests', () => {
  it('runs the command with its env, cwd and timeout, and reads the JUnit report from the workspace', async () => {
    const { tests, runner, junit, result } = await run(exit(0));

    expect(runner.calls).toEqual([
      { command: 'npm run test:e2e', cwd: '/ws/sample-app', env: REQUEST.env, timeoutMs: 600_000 },
    ]);
    expect(junit.calls).toEqual([{ pattern: 'sample-app/reports/*.xml', root: '/ws' }]);
    expect(tests).toEqual({ ...GREEN, exitCode: 0 });
    expect(result).toBe('passed');
  });

  it('failing tests in the report fail the run, without a redundant exit-code problem', async () => {
    const { tests, result } = await run(exit(1), RED);

    expect(result).toBe('failed');
    expect(tests.failures).toHaveLength(2);
    expect(tests.problem).toBeUndefined();
  });

  it('a non-zero exit with a clean report fails, saying the exit code', async () => {
    const { tests, result } = await run(exit(2));

    expect(result).toBe('failed');
    expect(tests.problem).toBe('the test command exited with code 2');
  });

  it('a timeout fails, saying it was killed after test-timeout-minutes', async () => {
    const { tests, result } = await run({ timedOut: true, durationMs: 600_000 });

    expect(result).toBe('failed');
    expect(tests.timedOut).toBe(true);
    expect(tests.problem).toBe('the test command was killed after test-timeout-minutes (10 min)');
  });

  it('a missing report fails even when the command exited 0', async () => {
    const problem = 'no JUnit file matched sample-app/reports/*.xml';
    const { tests, result } = await run(exit(0), {
      total: 0,
      passed: 0,
      failed: 0,
      skipped: 0,
      failures: [],
      problem,
    });

    expect(result).toBe('failed');
    expect(tests.problem).toBe(problem);
  });

  it('combines every problem: timeout, the runner error and the report problem', async () => {
    const { tests } = await run(
      { timedOut: true, durationMs: 600_000, error: 'killed by SIGTERM' },
      { total: 0, passed: 0, failed: 0, skipped: 0, failures: [], problem: 'report.xml is not valid XML' },
    );

    expect(tests.problem).toBe(
      'the test command was killed after test-timeout-minutes (10 min); killed by SIGTERM; report.xml is not valid XML',
    );
  });

  it('a command that could not start fails with the reason', async () => {
    const { tests, result } = await run({ timedOut: false, durationMs: 5, error: 'spawn npm ENOENT' }, GREEN);

    expect(result).toBe('failed');
    expect(tests.problem).toBe('spawn npm ENOENT');
    expect(tests.exitCode).toBeUndefined();
  });

  it('without a report pattern, the exit code alone decides', async () => {
    const { report: _, ...withoutReport } = REQUEST;
    const passed = await run(exit(0), GREEN, withoutReport);
    const failed = await run(exit(1), GREEN, withoutReport);

    expect(passed.junit.calls).toEqual([]);
    expect(passed.tests).toEqual({ total: 0, passed: 0, failed: 0, skipped: 0, failures: [], exitCode: 0 });
    expect(passed.result).toBe('passed');
    expect(failed.result).toBe('failed');
  });
});

describe('runTests, what it logs', () => {
  it('groups the command’s output under its name and logs the counts', async () => {
    const { log } = await run(exit(0));

    expect(log.groups).toEqual(['Run e2e tests: npm run test:e2e']);
    expect(log.lines).toEqual([{ level: 'info', message: 'e2e: 3 passed, 0 failed, 1 skipped' }]);
  });

  it('logs the problem after the counts, and has no exit code when the command never started', async () => {
    const { tests, log } = await run({ timedOut: false, durationMs: 5, error: 'spawn npm ENOENT' }, RED);

    expect(tests).toStrictEqual({ ...RED, problem: 'spawn npm ENOENT' });
    expect(log.messages('info')).toEqual(['e2e: 2 passed, 2 failed, 0 skipped (spawn npm ENOENT)']);
  });
});

describe('testResult', () => {
  const summary = (fields: Partial<TestSummary>): TestSummary => ({ ...GREEN, exitCode: 0, ...fields });

  it.each([
    ['no tests ran', undefined, 'skipped'],
    ['a clean run', summary({}), 'passed'],
    ['a failed test', summary({ failed: 1 }), 'failed'],
    ['a non-zero exit', summary({ exitCode: 1 }), 'failed'],
    ['no exit code (killed or never started)', { ...GREEN }, 'failed'],
    ['a timeout', summary({ timedOut: true }), 'failed'],
    ['a problem', summary({ problem: 'no JUnit file matched' }), 'failed'],
  ] as const)('%s → %s', (_, tests, expected) => {
    expect(testResult(tests)).toBe(expected);
  });
});
