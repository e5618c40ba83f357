import type { EnvironmentReport } from '../domain/report.js';
import type { Inputs } from '../inputs.js';
import type {
  AwsSession,
  BucketsPort,
  CdkPort,
  Clock,
  CommandRunner,
  GitHubPort,
  Log,
  StacksPort,
  StateStore,
  StepPort,
  TestReportReader,
} from '../ports.js';
import type { Reporter } from './reporter.js';

/** The ports the deploy workflow uses. */
export interface DeployPorts {
  readonly log: Log;
  readonly clock: Clock;
  readonly step: StepPort;
  readonly reporter: Reporter;
  readonly stacks: StacksPort;
  /** Where per-push facts live: fingerprints, commits, live template hashes. */
  readonly state: StateStore;
  readonly cdk: CdkPort;
  readonly runner: CommandRunner;
  readonly junit: TestReportReader;
  readonly github: GitHubPort | undefined;
  /** Empties a failed stack's own buckets before the delete is retried; none: no emptying. */
  readonly buckets?: BucketsPort;
}

/** What to deploy. */
export interface DeployRequest {
  readonly inputs: Inputs;
  readonly session: AwsSession;
  readonly repository: string;
  readonly pullRequest: number;
  readonly sha: string;
  readonly environment: string;
  readonly workspace: string;
  /** Where the PRENV_OUTPUTS file is written (RUNNER_TEMP). */
  readonly tempDir: string;
  /** The step's environment, which the e2e command inherits. */
  readonly stepEnv: Readonly<Record<string, string | undefined>>;
  readonly runUrl?: string;
  readonly repositoryUrl?: string;
}

/** The deploy's report, and the reason the step fails, if it does. */
export interface DeployOutcome {
  readonly report: EnvironmentReport;
  readonly failure?: string;
  /** The PR was closed while this deploy ran: the environment must be destroyed now. */
  readonly closedDuringDeploy?: boolean;
  /** Why nothing was deployed at all (the PR was already closed); the report is then not a summary. */
  readonly skipped?: string;
}
