import { safeHref } from '../domain/markdown.js';
import { isoSeconds } from '../domain/ownership.js';
import type { EnvironmentReport } from '../domain/report.js';
import { MAX_REPORT_FILE_BYTES, parseReportFile, type ReportOperation } from '../domain/report-file.js';
import type { Clock, Log, StepPort } from '../ports.js';
import { readReportFile } from './report-file.js';
import type { Reporter } from './reporter.js';
import { testResult } from './tests.js';

/** What mode report posts, and for whom: everything but the file comes from the job's own event and inputs. */
export interface PostReportRequest {
  readonly repository: string;
  readonly pullRequest: number;
  readonly environment: string;
  /** The commit the event names. */
  readonly sha: string;
  /** What the event says the first job did; undefined: the file says. */
  readonly operation?: ReportOperation;
  /** Path of the downloaded report file. */
  readonly reportFile: string;
  readonly runUrl?: string;
  readonly repositoryUrl?: string;
}

/** The ports mode report uses: no AWS. */
export interface PostReportPorts {
  readonly log: Log;
  readonly clock: Clock;
  readonly step: StepPort;
  readonly reporter: Reporter;
}

/** What was posted, and why the step fails, if it does. */
export interface PostReportOutcome {
  readonly report?: EnvironmentReport;
  readonly failure?: string;
  /** Why nothing was posted (the first job had nothing to do). */
  readonly skipped?: string;
}

/**
 * The second job of the hardened layout: reads the report file the first job wrote, checks it,
 * and posts the comment, the deployment status and the summary. A missing file (the first job was
 * cancelled or crashed) or a refused one (it does not fit the schema or names another PR) is
 * reported as a failure from the job's own event.
 */
export async function postReport(
  request: PostReportRequest,
  ports: PostReportPorts,
): Promise<PostReportOutcome> {
  const { log } = ports;
  const read = await readReportFile(request.reportFile);
  let problem: string | undefined;
  if (read.kind === 'missing') {
    problem = `No report file arrived at ${request.reportFile}: the job that ran prenv was cancelled, crashed, or failed before prenv wrote it.`;
  } else if (read.kind === 'too-large') {
    problem = `The report file was refused: it is ${read.bytes} bytes, and at most ${MAX_REPORT_FILE_BYTES} are read.`;
  } else {
    const parsed = parseReportFile(read.text, request);
    if (parsed.ok && parsed.file.skipped !== undefined) {
      log.notice(parsed.file.skipped);
      return { skipped: parsed.file.skipped };
    }
    if (parsed.ok) {
      const { file } = parsed;
      const report = ownFacts(file.report, request);
      await publish(report, request.operation ?? file.operation, request, ports);
      return { report, ...(file.failure === undefined ? {} : { failure: file.failure }) };
    }
    problem = `The report file was refused: ${parsed.reason}.`;
  }
  log.error(problem);
  const operation = request.operation ?? 'deploy';
  const report = ownFacts(
    {
      state: read.kind === 'missing' && operation === 'deploy' ? 'cancelled' : `${operation}-failed`,
      environment: request.environment,
      repository: request.repository,
      updatedAt: isoSeconds(ports.clock.now()),
      failure: { reason: problem },
    },
    request,
  );
  await publish(report, operation, request, ports);
  return { report, failure: problem };
}

/** The report with every fact the job knows itself taken from the job, not the file. */
function ownFacts(report: EnvironmentReport, request: PostReportRequest): EnvironmentReport {
  const { runUrl: _run, repositoryUrl: _repo, sha: _sha, ...rest } = report;
  return {
    ...rest,
    environment: request.environment,
    repository: request.repository,
    pullRequest: request.pullRequest,
    ...(/^[0-9a-f]{7,64}$/i.test(request.sha) ? { sha: request.sha } : {}),
    ...(request.runUrl === undefined ? {} : { runUrl: request.runUrl }),
    ...(request.repositoryUrl === undefined ? {} : { repositoryUrl: request.repositoryUrl }),
  };
}

/** The deployment status, the comment, the outputs; the caller writes the summary. */
async function publish(
  report: EnvironmentReport,
  operation: ReportOperation,
  request: PostReportRequest,
  ports: PostReportPorts,
): Promise<void> {
  const { reporter, step } = ports;
  const { environment } = request;
  const url = report.url !== undefined && safeHref(report.url) !== undefined ? report.url : undefined;
  switch (report.state) {
    case 'ready':
    case 'tests-failed':
      if (operation === 'deploy') await reporter.startDeployment(environment, request.sha);
      await reporter.deploymentStatus(
        'success',
        report.state === 'ready' ? 'Deployed' : 'Deployed; e2e tests failed',
        url,
      );
      break;
    case 'deploy-failed':
      await reporter.startDeployment(environment, request.sha);
      await reporter.deploymentStatus('failure', 'Deploy failed');
      break;
    case 'destroyed':
    case 'destroy-failed':
      await reporter.deploymentStatus('inactive', 'Environment destroyed', undefined, environment);
      break;
    default:
      await reporter.deploymentStatus('error', 'The run was cancelled or crashed', undefined, environment);
  }
  await reporter.comment(report);
  step.setOutput('environment', environment);
  step.setOutput('url', report.state === 'ready' || report.state === 'tests-failed' ? (url ?? '') : '');
  step.setOutput('test-result', testResult(report.tests));
}
