/**
 * The schema of the report in the report file (see report-file.ts): every field of
 * EnvironmentReport with its check and limit.
 */
import type { EnvironmentReport, EnvironmentState, LeftoverResource, StackOutcome } from './report.js';
import { BLOCKED, CHANGES } from './report-file-changes.js';
import { type Field, flag, integer, list, object, oneOf, optional, text } from './report-schema.js';

/** Item and text limits the writer keeps to and the reader enforces. */
export const REPORT_LIMITS = {
  outputs: 500,
  stacks: 500,
  failures: 200,
  notes: 50,
  name: 256,
  text: 4_000,
  url: 2_048,
} as const;

const STATES: readonly EnvironmentState[] = [
  'deploying',
  'ready',
  'tests-failed',
  'deploy-failed',
  'blocked',
  'cancelled',
  'destroying',
  'destroyed',
  'destroy-failed',
];
const OUTCOMES: readonly StackOutcome[] = [
  'deployed',
  'hotswapped',
  'unchanged',
  'failed',
  'not-deployed',
  'deleted',
  'force-deleted',
  'left-behind',
];
const LEFTOVER_OUTCOMES: readonly LeftoverResource['outcome'][] = [
  'deleted',
  'would-delete',
  'reported',
  'delete-failed',
];
const L = REPORT_LIMITS;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const name = text(L.name);
const message = text(L.text);
const instant = text(40, ISO_INSTANT);
const count = integer(0);
const ms = integer(0);

/**
 * Every field of EnvironmentReport, with its check. The mapped type makes a new field of
 * EnvironmentReport a type error here until it has a check: nothing reaches the comment unchecked.
 */
const REPORT_FIELDS = {
  state: oneOf(STATES),
  environment: name,
  repository: name,
  pullRequest: optional(integer(1)),
  sha: optional(text(64, /^[0-9a-f]{7,64}$/i)),
  runUrl: optional(text(L.url)),
  repositoryUrl: optional(text(L.url)),
  url: optional(text(L.url)),
  urlOutput: optional(name),
  changes: optional(CHANGES),
  blocked: optional(BLOCKED),
  outputs: optional(
    list(object({ stack: name, key: name, value: message, hidden: optional(flag) }), L.outputs),
  ),
  stacks: optional(
    list(
      object({
        name,
        outcome: oneOf(OUTCOMES),
        status: optional(text(64, /^[A-Z_]+$/)),
        retained: optional(
          list(object({ logicalId: name, type: name, physicalId: optional(message) }), L.stacks),
        ),
        hotswapped: optional(message),
      }),
      L.stacks,
    ),
  ),
  tests: optional(
    object({
      total: count,
      passed: count,
      failed: count,
      skipped: count,
      failures: list(object({ name: message, message }), L.failures),
      timedOut: optional(flag),
      exitCode: optional(integer(-1_000_000, 1_000_000)),
      problem: optional(message),
    }),
  ),
  timings: optional(
    object({
      synth: optional(ms),
      deploy: optional(ms),
      tests: optional(ms),
      destroy: optional(ms),
      total: optional(ms),
    }),
  ),
  failure: optional(
    object({
      stack: optional(name),
      resource: optional(name),
      resourceType: optional(name),
      reason: message,
    }),
  ),
  expiresAt: optional(instant),
  createdAt: optional(instant),
  updatedAt: instant,
  leftRunning: optional(list(name, L.stacks)),
  notes: optional(list(message, L.notes)),
  leftovers: optional(
    list(
      object({
        arn: text(L.url),
        type: name,
        outcome: oneOf(LEFTOVER_OUTCOMES),
        createdAt: optional(instant),
        stack: optional(name),
        reason: optional(message),
      }),
      L.stacks,
    ),
  ),
  resourceCount: optional(count),
} satisfies { readonly [K in keyof EnvironmentReport]-?: Field<unknown> | { optional: Field<unknown> } };

/** The report, checked field by field. */
export const REPORT: Field<EnvironmentReport> = object(REPORT_FIELDS);
