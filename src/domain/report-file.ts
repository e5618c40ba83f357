/**
 * The report file of the hardened two-job layout: the job that runs PR code (and holds no GitHub
 * write token) writes it; a second job, `mode: report`, posts it. PR code can overwrite the file,
 * so the reader treats it as untrusted: a versioned schema with size limits, and the pull request,
 * environment and repository taken from the report job's own event and inputs, never the file.
 *
 * Version 1. A later section (an infrastructure diff, leftovers, hotswap) is added as an optional
 * field of EnvironmentReport and of REPORT (report-file-fields.ts); readers of version 1 drop fields they do not
 * know. A change that an older reader would misread bumps VERSION.
 */
import { truncate } from './markdown.js';
import type { EnvironmentReport } from './report.js';
import { changesWithinLimits } from './report-file-changes.js';
import { REPORT, REPORT_LIMITS } from './report-file-fields.js';
import { integer, object, oneOf, optional, SchemaError, text } from './report-schema.js';

/** The report file format's version. */
export const REPORT_FILE_VERSION = 1;
export { REPORT_LIMITS };
/** The largest report file the report job reads, in bytes. */
export const MAX_REPORT_FILE_BYTES = 1_048_576;

/** What the run did, as the file says: only decides the wording when the event does not. */
export type ReportOperation = 'deploy' | 'destroy';

/** The report file, version 1. */
export interface ReportFile {
  readonly version: typeof REPORT_FILE_VERSION;
  readonly operation: ReportOperation;
  /** The report as the writing job rendered it. */
  readonly report: EnvironmentReport;
  /** Why the writing step failed, if it did. */
  readonly failure?: string;
  /** Why nothing was done (e.g. the PR was closed before the deploy started). */
  readonly skipped?: string;
}

/** Whose report the report job expects: from its own event and inputs. */
export interface ReportExpectation {
  readonly repository: string;
  readonly pullRequest: number;
  readonly environment: string;
}

/** The file, checked; or why it was refused. */
export type ParsedReportFile =
  | { readonly ok: true; readonly file: ReportFile }
  | { readonly ok: false; readonly reason: string };

const L = REPORT_LIMITS;
const message = text(L.text);

const FILE = object({
  version: integer(REPORT_FILE_VERSION, REPORT_FILE_VERSION),
  operation: oneOf<ReportOperation>(['deploy', 'destroy']),
  report: REPORT,
  failure: optional(message),
  skipped: optional(message),
});

/**
 * Parses and checks a report file's text against the schema and the report job's expectation.
 * The caller has already refused files over MAX_REPORT_FILE_BYTES.
 */
export function parseReportFile(raw: string, expected: ReportExpectation): ParsedReportFile {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'it is not valid JSON' };
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== REPORT_FILE_VERSION) {
    return {
      ok: false,
      reason: `it is version ${Math.trunc(version)} and this prenv reads version ${REPORT_FILE_VERSION}: run the same prenv version in both jobs`,
    };
  }
  let file: ReportFile;
  try {
    file = FILE(json, 'file') as ReportFile;
  } catch (error) {
    if (error instanceof SchemaError)
      return { ok: false, reason: `it does not fit the schema (${error.message})` };
    throw error;
  }
  const { report } = file;
  const mismatch =
    report.repository !== expected.repository
      ? `repository ${report.repository}`
      : report.pullRequest !== expected.pullRequest
        ? `pull request #${report.pullRequest ?? '(none)'}`
        : report.environment !== expected.environment
          ? `environment ${report.environment}`
          : undefined;
  if (mismatch !== undefined) {
    return {
      ok: false,
      reason: `it is for ${truncate(mismatch, 80)}, and this run reports ${expected.environment} of pull request #${expected.pullRequest} of ${expected.repository}`,
    };
  }
  return { ok: true, file };
}

/** The report file for a run's report, cut to the limits the reader enforces. */
export function reportFile(
  operation: ReportOperation,
  report: EnvironmentReport,
  outcome: { failure?: string; skipped?: string } = {},
): ReportFile {
  return {
    version: REPORT_FILE_VERSION,
    operation,
    report: withinLimits(report),
    ...(outcome.failure === undefined ? {} : { failure: truncate(outcome.failure, L.text) }),
    ...(outcome.skipped === undefined ? {} : { skipped: truncate(outcome.skipped, L.text) }),
  };
}

/**
 * The file's text, under MAX_REPORT_FILE_BYTES: while it is larger (thousands of long outputs or
 * failures, text that JSON escapes), the lists are halved, and a note says what was cut.
 */
export function encodeReportFile(file: ReportFile): string {
  let current = file;
  for (let keep = 1; ; keep /= 2) {
    const text = `${JSON.stringify(current, null, 2)}\n`;
    if (new TextEncoder().encode(text).length <= MAX_REPORT_FILE_BYTES || keep < 1 / 1024) return text;
    const report = halved(file.report, keep / 2);
    current = {
      ...file,
      report: {
        ...report,
        notes: [
          ...(report.notes ?? []),
          'The report was too large to pass on whole: lists were cut; see the workflow run.',
        ],
      },
    };
  }
}

/** The report with each list cut to this share of its length. */
function halved(report: EnvironmentReport, share: number): EnvironmentReport {
  const keep = <T>(items: readonly T[]) => items.slice(0, Math.floor(items.length * share));
  const { outputs, notes, tests } = report;
  return {
    ...report,
    ...(outputs === undefined ? {} : { outputs: keep(outputs) }),
    ...(notes === undefined ? {} : { notes: keep(notes) }),
    ...(tests === undefined ? {} : { tests: { ...tests, failures: keep(tests.failures) } }),
  };
}

function withinLimits(report: EnvironmentReport): EnvironmentReport {
  const cut = (value: string) => truncate(value, L.text);
  const { tests, failure, url, ...rest } = report;
  return {
    ...rest,
    // An over-long URL is not shown as a link anyway; cutting it would make a wrong one.
    ...(url === undefined || url.length > L.url ? {} : { url }),
    ...(report.outputs === undefined
      ? {}
      : {
          outputs: report.outputs
            .slice(0, L.outputs)
            .map((output) => ({ ...output, value: cut(output.value) })),
        }),
    ...(report.stacks === undefined
      ? {}
      : {
          stacks: report.stacks.slice(0, L.stacks).map((stack) => ({
            ...stack,
            ...(stack.retained === undefined ? {} : { retained: stack.retained.slice(0, L.stacks) }),
            ...(stack.hotswapped === undefined ? {} : { hotswapped: cut(stack.hotswapped) }),
          })),
        }),
    ...(report.changes === undefined ? {} : { changes: changesWithinLimits(report.changes) }),
    ...(report.blocked === undefined
      ? {}
      : { blocked: { ...report.blocked, reason: cut(report.blocked.reason) } }),
    ...(report.leftRunning === undefined ? {} : { leftRunning: report.leftRunning.slice(0, L.stacks) }),
    ...(report.notes === undefined ? {} : { notes: report.notes.slice(0, L.notes).map(cut) }),
    ...(report.leftovers === undefined
      ? {}
      : {
          // An ARN too long for the schema is cut like any text: it is shown, not acted on.
          leftovers: report.leftovers.slice(0, L.stacks).map((item) => ({
            ...item,
            arn: truncate(item.arn, L.url),
            ...(item.reason === undefined ? {} : { reason: cut(item.reason) }),
          })),
        }),
    ...(failure === undefined ? {} : { failure: { ...failure, reason: cut(failure.reason) } }),
    ...(tests === undefined
      ? {}
      : {
          tests: {
            ...tests,
            failures: tests.failures
              .slice(0, L.failures)
              .map((item) => ({ name: cut(item.name), message: cut(item.message) })),
            ...(tests.problem === undefined ? {} : { problem: cut(tests.problem) }),
          },
        }),
  };
}
