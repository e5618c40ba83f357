import type { TestSummary } from '../domain/report.js';
import type { CommandRunner, Log, TestReportReader } from '../ports.js';

/** What the e2e step needs. */
export interface TestRequest {
  readonly command: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMinutes: number;
  /** Glob of JUnit files, relative to the workspace. */
  readonly report?: string;
  readonly workspace: string;
}

/** Runs the e2e command and reads its JUnit report into one summary. */
export async function runTests(
  request: TestRequest,
  ports: { runner: CommandRunner; junit: TestReportReader; log: Log },
): Promise<TestSummary> {
  const run = await ports.log.group(`Run e2e tests: ${request.command}`, () =>
    ports.runner.run({
      command: request.command,
      cwd: request.cwd,
      env: request.env,
      timeoutMs: request.timeoutMinutes * 60_000,
    }),
  );
  const fromReport =
    request.report === undefined ? undefined : await ports.junit.read(request.report, request.workspace);
  const base: TestSummary = fromReport ?? { total: 0, passed: 0, failed: 0, skipped: 0, failures: [] };
  const problems = [
    run.timedOut
      ? `the test command was killed after test-timeout-minutes (${request.timeoutMinutes} min)`
      : undefined,
    run.error,
    !run.timedOut && run.exitCode !== undefined && run.exitCode !== 0 && base.failed === 0
      ? `the test command exited with code ${run.exitCode}`
      : undefined,
    base.problem,
  ].filter((problem): problem is string => problem !== undefined);
  const result: TestSummary = {
    total: base.total,
    passed: base.passed,
    failed: base.failed,
    skipped: base.skipped,
    failures: base.failures,
    ...(run.timedOut ? { timedOut: true } : {}),
    ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }),
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
  };
  ports.log.info(
    `e2e: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped` +
      (result.problem === undefined ? '' : ` (${result.problem})`),
  );
  return result;
}

/** passed, failed or skipped: the test-result output. */
export function testResult(tests: TestSummary | undefined): 'passed' | 'failed' | 'skipped' {
  if (tests === undefined) return 'skipped';
  const exitedClean = tests.exitCode === 0 && tests.timedOut !== true;
  return exitedClean && tests.failed === 0 && tests.problem === undefined ? 'passed' : 'failed';
}
