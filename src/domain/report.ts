import type { FailOn, InfraChanges } from './infra-diff.js';

/**
 * What a run has to tell people: the one model behind the sticky PR comment, the job summary
 * and the post step's "cancelled" note. Built by the workflows, rendered by ./comment.ts.
 */

/** The states an environment can be reported in. */
export type EnvironmentState =
  | 'deploying'
  | 'ready'
  | 'tests-failed'
  | 'deploy-failed'
  /** fail-on stopped the deploy before any write: the push waits for approve-label. */
  | 'blocked'
  | 'cancelled'
  | 'destroying'
  | 'destroyed'
  | 'destroy-failed';

/** One stack output, as CloudFormation returned it. */
export interface StackOutput {
  readonly stack: string;
  readonly key: string;
  readonly value: string;
  /** A secret (or hide-outputs names it): reports show it as hidden, with no value. */
  readonly hidden?: boolean;
}

/** What happened to one stack in this run. */
export type StackOutcome =
  | 'deployed'
  | 'hotswapped'
  | 'unchanged'
  | 'failed'
  | 'not-deployed'
  | 'deleted'
  /** Deleted only with DeletionMode FORCE_DELETE_STACK: CloudFormation kept the resources in `retained`. */
  | 'force-deleted'
  | 'left-behind';

/** A resource CloudFormation kept when it deleted its stack by force: nothing tracks it any more. */
export interface RetainedResource {
  readonly logicalId: string;
  /** e.g. AWS::S3::Bucket */
  readonly type: string;
  /** The resource's physical id (a bucket's name), when CloudFormation knew it. */
  readonly physicalId?: string;
}

/** A resource still tagged for the environment after its stack was gone (the tagging API found it). */
export interface LeftoverResource {
  readonly arn: string;
  /** A CloudFormation type name where prenv knows the ARN's kind (AWS::S3::Bucket), else `service:kind`. */
  readonly type: string;
  /**
   * deleted / would-delete (dry run): it outlived a stack of this environment and is a type prenv
   * deletes; reported: left for a person (no aws:cloudformation:stack-name tag, a type prenv does not
   * delete, or found after a destroy); delete-failed: the delete was refused (reason says why).
   */
  readonly outcome: 'deleted' | 'would-delete' | 'reported' | 'delete-failed';
  /** ISO-8601 UTC: when AWS says it was created, else the environment's prenv:created-at. */
  readonly createdAt?: string;
  /** Its aws:cloudformation:stack-name tag: the stack that created it. */
  readonly stack?: string;
  readonly reason?: string;
}

/** A stack and what this run did to it. */
export interface StackReport {
  readonly name: string;
  readonly outcome: StackOutcome;
  /** CloudFormation status after the run, when known (e.g. DELETE_FAILED). */
  readonly status?: string;
  /** force-deleted only: the resources CloudFormation left behind. */
  readonly retained?: readonly RetainedResource[];
  /** Outcome hotswapped: what was updated without CloudFormation, e.g. "1 Lambda function's code". */
  readonly hotswapped?: string;
}

/** One failing test from the JUnit report. */
export interface TestFailure {
  /** Suite and test name, e.g. "invoices api > creates an invoice". */
  readonly name: string;
  /** The failure message; renderers show its first line only. */
  readonly message: string;
}

/** Totals and failures of the e2e run. */
export interface TestSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly TestFailure[];
  /** The test command exceeded test-timeout-minutes and was killed. */
  readonly timedOut?: boolean;
  /** Exit code of the test command (undefined when it was killed or never ran). */
  readonly exitCode?: number;
  /** Why totals are missing or untrustworthy, e.g. "no JUnit file matched sample-app/reports/*.xml". */
  readonly problem?: string;
}

/** The root cause of a failed deploy or destroy. */
export interface FailureCause {
  /** The stack the failure happened in, when known. */
  readonly stack?: string;
  /** Logical id of the first failing resource, when known. */
  readonly resource?: string;
  /** Its CloudFormation type, e.g. AWS::Lambda::Function. */
  readonly resourceType?: string;
  /** CloudFormation's status reason, or the error message. */
  readonly reason: string;
}

/** Durations in milliseconds of the phases that ran. */
export interface Timings {
  readonly synth?: number;
  readonly deploy?: number;
  readonly tests?: number;
  readonly destroy?: number;
  readonly total?: number;
}

/** Everything the sticky comment and the job summary show for one environment. */
export interface EnvironmentReport {
  readonly state: EnvironmentState;
  /** Environment name, e.g. pr-42. */
  readonly environment: string;
  /** owner/repo */
  readonly repository: string;
  readonly pullRequest?: number;
  /** Full head commit SHA. */
  readonly sha?: string;
  /** Link to the workflow run, e.g. https://github.com/o/r/actions/runs/1. */
  readonly runUrl?: string;
  /** Base web URL of the repository, e.g. https://github.com/o/r (for commit links). */
  readonly repositoryUrl?: string;
  /** The environment's URL output, shown first. */
  readonly url?: string;
  /** The OutputKey the URL comes from, named beside it. */
  readonly urlOutput?: string;
  readonly outputs?: readonly StackOutput[];
  readonly stacks?: readonly StackReport[];
  readonly tests?: TestSummary;
  readonly timings?: Timings;
  readonly failure?: FailureCause;
  /** ISO-8601 UTC: when the environment will be swept (prenv:expires-at). */
  readonly expiresAt?: string;
  /** ISO-8601 UTC: when the environment was first created (for "lived 3 days"). */
  readonly createdAt?: string;
  /** ISO-8601 UTC: when this report was produced. */
  readonly updatedAt: string;
  /** Stacks left running or half-done when a run was cancelled or crashed. */
  readonly leftRunning?: readonly string[];
  /** What this push changes in the environment's infrastructure (the stacks it deploys). */
  readonly changes?: InfraChanges;
  /** Set when fail-on stopped the deploy. */
  readonly blocked?: BlockedDeploy;
  /** Free-form notes prenv wants the reader to see (e.g. "deployments: write is missing"). */
  readonly notes?: readonly string[];
  /** Resources tagged for the environment that outlived their stacks (the leftover audit). */
  readonly leftovers?: readonly LeftoverResource[];
  /** How many resources the tagging API finds tagged for the environment (its stacks' and leftovers). */
  readonly resourceCount?: number;
}

/** What the fail-on gate stopped, and the label that approves it. */
export interface BlockedDeploy {
  readonly failOn: FailOn;
  /** e.g. "2 security-relevant changes". */
  readonly reason: string;
  readonly approveLabel?: string;
}

/** Why cleanup judged an environment stale. */
export type StaleReason = 'pr-closed' | 'expired';

/** One environment cleanup looked at and what it did. */
export interface SweptEnvironment {
  readonly environment: string;
  readonly pullRequest?: number;
  readonly reasons: readonly StaleReason[];
  /** ISO-8601 UTC creation time of its oldest stack. */
  readonly createdAt?: string;
  readonly stacks: readonly StackReport[];
  /**
   * left-behind: the stacks are gone but a forced delete kept resources (see the stacks' retained);
   * skipped: a stack was mid-operation (another run is deploying), so the sweep left it this round.
   */
  readonly result: 'deleted' | 'would-delete' | 'failed' | 'left-behind' | 'skipped';
  readonly error?: string;
  /** Resources tagged for the environment that outlived their stacks (the leftover audit). */
  readonly leftovers?: readonly LeftoverResource[];
  /** How many resources the tagging API found tagged for the environment when the audit ran (after the deletes). */
  readonly resourceCount?: number;
  /** The region it was found in. */
  readonly region?: string;
}

/** One region the sweep looked at. */
export interface RegionSweep {
  readonly region: string;
  /** Owned environments kept in this region (open PR, not expired). */
  readonly kept: number;
  /** Why the region could not be swept (e.g. listing its stacks failed). */
  readonly error?: string;
}

/** What the cleanup sweep reports in the job summary. */
export interface CleanupReport {
  readonly repository: string;
  readonly dryRun: boolean;
  readonly environments: readonly SweptEnvironment[];
  /** Owned environments that were kept, with the reason (open PR, not expired). */
  readonly kept: number;
  readonly updatedAt: string;
  readonly runUrl?: string;
  /** The kept environments with their resource counts and ages, when the leftover audit ran. */
  readonly keptEnvironments?: readonly KeptEnvironment[];
  /** The regions swept, in input order; the summary groups by region when there are several. */
  readonly regions?: readonly RegionSweep[];
}

/** An environment the sweep kept, as the leftover audit saw it. */
export interface KeptEnvironment {
  readonly environment: string;
  readonly pullRequest?: number;
  /** Resources tagged for it (the tagging API's count). */
  readonly resourceCount: number;
  /** ISO-8601 UTC: its prenv:created-at. */
  readonly createdAt?: string;
  /** Resources tagged for it that no live stack holds: reported, never deleted while it is kept. */
  readonly leftovers: readonly LeftoverResource[];
  /** The region it was found in. */
  readonly region?: string;
}
