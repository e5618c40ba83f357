/**
 * The interfaces the workflows need. Adapters in src/adapters implement them; tests use the
 * same adapters against moto and the loopback GitHub server, or small fakes of these ports.
 */
import type { HotswappedResource } from './domain/hotswap.js';
import type { InfraChanges } from './domain/infra-diff.js';
import type { FoundResource } from './domain/leftovers.js';
import type { FailureCause, StackOutput, TestSummary } from './domain/report.js';
import type { EnvironmentState } from './domain/state.js';
import type { DeploymentMethod } from './inputs.js';

export type { FoundResource };

/** The step log, as the runner shows it. */
export interface Log {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Runs fn inside a collapsible log group. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Masks a secret in every later log line. */
  mask(secret: string): void;
}

/** Time, passed in so that tests never sleep for real. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** AWS credentials, handed explicitly to whatever needs them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/**
 * The session's credentials as they are now, renewed (the role assumed again) before they expire.
 * validForMs: renew unless they last at least that much longer.
 */
export type CredentialSource = (options?: { readonly validForMs?: number }) => Promise<AwsCredentials>;

/** Credentials with the identity and region they were checked for. */
export interface AwsSession {
  /** The credentials as first obtained; anything that runs later asks `current`. */
  readonly credentials: AwsCredentials;
  /** The credentials now, renewed before they expire; absent when they are never renewed. */
  readonly current?: CredentialSource;
  readonly region: string;
  readonly account: string;
  readonly arn: string;
}

/** How to obtain the session. */
export interface CredentialsRequest {
  readonly region: string;
  readonly roleArn?: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  /** A GitHub OIDC token: the role is assumed with AssumeRoleWithWebIdentity. */
  readonly webIdentityToken?: string;
}

/** STS. */
export interface CredentialsPort {
  /** Assumes the role (or takes the ambient credentials) and asks STS who they are. */
  resolve(request: CredentialsRequest): Promise<AwsSession>;
}

/** The GitHub Actions OIDC token source. */
export interface OidcPort {
  /** True when the job was granted id-token: write. */
  available(): boolean;
  token(audience: string): Promise<string>;
}

/** A CloudFormation stack as prenv needs to see it. */
export interface StackInfo {
  readonly name: string;
  readonly id: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly outputs: readonly StackOutput[];
  readonly createdAt?: Date;
  readonly updatedAt?: Date;
  /** EnableTerminationProtection: CloudFormation refuses DeleteStack while it is on. */
  readonly terminationProtection?: boolean;
  /** Set on a nested stack: the id of the stack that owns it (and deletes it). */
  readonly parentId?: string;
}

/** One resource of a stack, as DescribeStackResources lists it. */
export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  /** The resource's physical id (a bucket's name), when it has one. */
  readonly physicalId?: string;
  /** e.g. CREATE_COMPLETE, DELETE_FAILED. */
  readonly status: string;
  readonly statusReason?: string;
}

/** CloudFormation, for what the CDK toolkit does not do: lookups, tags, deletes, root causes. */
export interface StacksPort {
  /** The live stack of that name, or undefined when there is none. */
  get(name: string): Promise<StackInfo | undefined>;
  /** Every live stack in the region (all pages). */
  list(): Promise<StackInfo[]>;
  /** Starts deleting a stack by id; force uses DeletionMode FORCE_DELETE_STACK. */
  delete(id: string, options?: { force?: boolean }): Promise<void>;
  /** Polls until the stack is no longer *_IN_PROGRESS; undefined once it is gone. */
  settle(id: string, timeoutMs: number): Promise<StackInfo | undefined>;
  /** The first failed resource of the stack's latest operation, from its events. */
  firstFailure(id: string): Promise<FailureCause | undefined>;
  /** The stack's resources (DescribeStackResources). */
  resources(id: string): Promise<StackResource[]>;
  /** Turns termination protection off, so that DeleteStack is allowed. */
  unprotect(id: string): Promise<void>;
  /** The live stack's template body (GetTemplate), or undefined when the stack is gone. */
  template(name: string): Promise<string | undefined>;
}

/** S3, for the one thing prenv does there: emptying a bucket of its own stack before a delete. */
export interface BucketsPort {
  /** Deletes every object version and delete marker in the bucket; returns how many. */
  empty(bucket: string): Promise<number>;
}

/**
 * The per-environment state store: per-push facts that must not live in stack tags. Works with
 * the sandbox credentials alone (no GitHub token, no CloudFormation write), so a hotswap can
 * write it too.
 */
export interface StateStore {
  /** The environment's state; undefined when there is none (or none this prenv can read). */
  read(environment: string): Promise<EnvironmentState | undefined>;
  /** Replaces the environment's state. */
  write(environment: string, state: EnvironmentState): Promise<void>;
  /** Deletes the environment's state; deleting what is not there is success. */
  delete(environment: string): Promise<void>;
}

/** One stack of a synthesized app. */
export interface SynthesizedStack {
  readonly name: string;
  /** Names of the stacks it depends on. */
  readonly dependencies: readonly string[];
  /** Hash of its template, parameters, assets and tags. */
  readonly fingerprint: string;
  /**
   * Template parameters CloudFormation resolves from SSM at every deploy (not marked [cdk:skip]):
   * such a stack is deployed on every push, as `cdk deploy` does, so new values are picked up.
   */
  readonly ssmParameters?: readonly string[];
  /** The account the app pins the stack to; undefined when it is environment-agnostic. */
  readonly account?: string;
  /** The region the app pins the stack to; undefined when it is environment-agnostic. */
  readonly region?: string;
}

/** A synthesized CDK app, ready to deploy. */
export interface Assembly {
  readonly stacks: readonly SynthesizedStack[];
  /** Frees the assembly (its directory and locks). */
  dispose(): Promise<void>;
}

/** What to synthesize. */
export interface SynthRequest {
  readonly appDir: string;
  readonly app?: string;
  readonly context: Readonly<Record<string, string>>;
  /** Called once the app is running (not when toolkit-lib synthesizes): work that can overlap it starts then. */
  readonly onStarted?: () => void;
}

/** A stack to deploy, with the tags it must carry. */
export interface StackToDeploy {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Try a hotswap (no CloudFormation write), falling back to CloudFormation for what cannot be hotswapped. */
  readonly hotswap?: boolean;
  /** The stack carries hotswapped code: a CloudFormation change set reverts that drift too. */
  readonly revertDrift?: boolean;
}

/** Progress of a deploy, as typed events. */
export type DeployProgress =
  | { readonly code: 'assets-published'; readonly ms: number }
  | { readonly code: 'stack-started'; readonly stack: string }
  | {
      readonly code: 'stack-deployed';
      readonly stack: string;
      readonly ms: number;
      readonly noOp: boolean;
      /** Set when the stack was hotswapped rather than deployed through CloudFormation. */
      readonly hotswapped?: readonly HotswappedResource[];
    }
  | { readonly code: 'stack-failed'; readonly stack: string; readonly reason: string };

/** The CDK toolkit. */
export interface CdkPort {
  synth(request: SynthRequest): Promise<Assembly>;
  /** Bootstraps the environment unless it already is. */
  bootstrap(account: string, region: string): Promise<void>;
  /** Deploys exactly these stacks, in dependency order, independent ones in parallel. */
  deploy(
    assembly: Assembly,
    stacks: readonly StackToDeploy[],
    options: { method: DeploymentMethod; onProgress: (event: DeployProgress) => void },
  ): Promise<void>;
  /**
   * Each named stack's changes against its template body in `bases` (the live template, or what
   * prenv last applied after a hotswap); a stack not in `bases` is new: compared with an empty
   * template. No AWS call, never a change set.
   */
  diff(
    assembly: Assembly,
    stacks: readonly string[],
    bases?: ReadonlyMap<string, string>,
  ): Promise<InfraChanges>;
}

/** How a test command ended. */
export interface CommandResult {
  readonly exitCode?: number;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** Set when the command could not be started or was killed by a signal. */
  readonly error?: string;
}

/** Runs the e2e command. */
export interface CommandRunner {
  run(request: {
    command: string;
    cwd: string;
    env: Readonly<Record<string, string>>;
    timeoutMs: number;
  }): Promise<CommandResult>;
}

/** Reads JUnit XML reports. */
export interface TestReportReader {
  /** Totals and failures of every file matching the glob under root; problem set when none or unreadable. */
  read(pattern: string, root: string): Promise<TestSummary>;
}

/** A pull request's current state on GitHub. */
export interface PullRequestState {
  readonly number: number;
  readonly state: 'open' | 'closed';
  readonly merged: boolean;
  readonly headSha: string;
  /** The names of the labels it carries now. */
  readonly labels: readonly string[];
  /** owner/repo of the head branch; another repository (or '' once deleted) means a fork. */
  readonly headRepository: string;
}

/** GitHub deployment status states prenv uses. */
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'inactive' | 'error';

/** GitHub. */
export interface GitHubPort {
  /** The PR, or undefined when it does not exist. */
  pullRequest(number: number): Promise<PullRequestState | undefined>;
  /** Creates or edits in place the comment holding marker; returns its URL. */
  upsertComment(pullRequest: number, marker: string, body: string): Promise<string>;
  /** Creates a deployment for the environment at ref; returns its id. */
  createDeployment(request: { environment: string; ref: string; description: string }): Promise<number>;
  /** Adds a status to a deployment. */
  setDeploymentStatus(
    id: number,
    status: { state: DeploymentState; environmentUrl?: string; logUrl?: string; description?: string },
  ): Promise<void>;
  /** Every deployment prenv created for the environment (its payload marker; all pages), newest first. */
  deploymentIds(environment: string): Promise<number[]>;
}

/** Where the step's results go: outputs, job summary, state for the post step. */
export interface StepPort {
  setOutput(name: string, value: string): void;
  appendSummary(markdown: string): Promise<void>;
  saveState(name: string, value: string): void;
  getState(name: string): string;
}

/** Resources outside CloudFormation's view (a resource found by its tags, or a log group by its name), for the leftover audit: one region. */
export interface ResourcesPort {
  /** Every resource carrying all these tags (an undefined value: any value), all pages. */
  tagged(filters: Readonly<Record<string, string | undefined>>): Promise<FoundResource[]>;
  /** Every log group whose name starts with prefix (all pages), with its tags and creation time. */
  logGroups(prefix: string): Promise<FoundResource[]>;
  /**
   * Deletes the resource the ARN names: a bucket emptied first (versions included); a DynamoDB table
   * only without deletion protection. Throws LeftoverRefusedError for what it must not delete.
   */
  delete(arn: string): Promise<void>;
  /** Loads what the other calls need (SDK clients) without calling AWS, so they start at once later. */
  prepare?(): Promise<void>;
}
