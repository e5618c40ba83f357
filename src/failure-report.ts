import { actionsLog, actionsStep } from './adapters/actions-core.js';
import type { RunContext } from './adapters/github-context.js';
import { isoSeconds } from './domain/ownership.js';
import type { EnvironmentReport } from './domain/report.js';
import { reportFile } from './domain/report-file.js';
import { messageOf } from './errors.js';
import { saveReportFile } from './workflows/report-file.js';

/** The report file of a deploy or destroy that failed outside its workflow (credentials, say). */
export async function saveFailureReport(
  operation: 'deploy' | 'destroy',
  error: unknown,
  environment: string,
  pullRequest: number,
  context: RunContext,
): Promise<void> {
  const failure = messageOf(error);
  const report: EnvironmentReport = {
    state: `${operation}-failed`,
    environment,
    repository: context.repository,
    pullRequest,
    updatedAt: isoSeconds(new Date()),
    failure: { reason: failure },
  };
  await saveReportFile(context.tempDir, reportFile(operation, report, { failure }), {
    step: actionsStep,
    log: actionsLog,
  });
}
