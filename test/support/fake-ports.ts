/**
 * Small in-memory fakes of our own ports (src/ports.ts) for the workflow tests: the CDK toolkit,
 * the e2e runner and JUnit reader, GitHub, the step, the log and the clock. Each records what it
 * was asked; the ones that write also append to an optional shared Journal, so that a test can
 * assert the order of writes across ports ("no write before the ownership check").
 */

import type { TemplateOverlay } from '../../src/domain/applied-overlay.js';
import type { InfraChanges, StackChanges } from '../../src/domain/infra-diff.js';
import type { FailureCause, StackOutput, TestSummary } from '../../src/domain/report.js';
import { DeployError } from '../../src/errors.js';
import type { DeploymentMethod } from '../../src/inputs.js';
import type {
  Assembly,
  CdkPort,
  Clock,
  CommandResult,
  CommandRunner,
  DeploymentState,
  DeployProgress,
  GitHubPort,
  Log,
  PullRequestState,
  StackToDeploy,
  StepPort,
  SynthesizedStack,
  SynthRequest,
  TestReportReader,
} from '../../src/ports.js';

/** One call on a fake, in the order calls happened across every fake sharing the journal. */
export interface JournalEntry {
  readonly port: 'stacks' | 'cdk' | 'github' | 'runner' | 'state';
  readonly method: string;
  /** The stack, PR or environment the call was about. */
  readonly target?: string;
  /** True for calls that change something outside the process. */
  readonly write: boolean;
}

/** The shared call log. */
export class Journal {
  readonly entries: JournalEntry[] = [];

  record(entry: JournalEntry): void {
    this.entries.push(entry);
  }

  /** Index of the first entry matching, or -1. */
  indexOf(match: (entry: JournalEntry) => boolean): number {
    return this.entries.findIndex(match);
  }

  /** Writes to AWS (CloudFormation deletes, CDK deploys/bootstraps, the state store), in order. */
  awsWrites(): JournalEntry[] {
    return this.entries.filter(
      (entry) => entry.write && (entry.port === 'stacks' || entry.port === 'cdk' || entry.port === 'state'),
    );
  }
}

/** A clock whose sleep advances time at once (yielding a macrotask so other work interleaves). */
export class FakeClock implements Clock {
  private time: number;
  /** Every sleep asked for, in ms. */
  readonly sleeps: number[] = [];

  constructor(start: Date | string = '2025-03-03T12:00:00Z') {
    this.time = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Moves time on without a sleep (e.g. to make tags expire). */
  advance(ms: number): void {
    this.time += ms;
  }

  /** Total time slept, in ms. */
  get slept(): number {
    return this.sleeps.reduce((sum, ms) => sum + ms, 0);
  }
}

/** One line the fake log received. */
export interface LogLine {
  readonly level: 'info' | 'notice' | 'warning' | 'error' | 'debug';
  readonly message: string;
}

/** A log that collects lines. */
export class FakeLog implements Log {
  readonly lines: LogLine[] = [];
  readonly groups: string[] = [];
  readonly masked: string[] = [];

  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  notice(message: string): void {
    this.lines.push({ level: 'notice', message });
  }
  warning(message: string): void {
    this.lines.push({ level: 'warning', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.groups.push(name);
    return fn();
  }
  mask(secret: string): void {
    this.masked.push(secret);
  }

  /** The messages of one level. */
  messages(level: LogLine['level']): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }
}

/** Step outputs, summary and saved state, kept in memory. */
export class FakeStep implements StepPort {
  readonly outputs: Record<string, string> = {};
  readonly summaries: string[] = [];
  readonly state = new Map<string, string>();
  /** Every saveState, in order. */
  readonly stateHistory: { name: string; value: string }[] = [];
  /** When set, appendSummary rejects with it. */
  summaryError: unknown;

  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }
  async appendSummary(markdown: string): Promise<void> {
    if (this.summaryError !== undefined) throw this.summaryError;
    this.summaries.push(markdown);
  }
  saveState(name: string, value: string): void {
    this.state.set(name, value);
    this.stateHistory.push({ name, value });
  }
  getState(name: string): string {
    return this.state.get(name) ?? '';
  }

  /** Every value saved under a name, parsed as JSON. */
  savedStates(name: string): unknown[] {
    return this.stateHistory.filter((entry) => entry.name === name).map((entry) => JSON.parse(entry.value));
  }
}

/** What a fake CDK deploy writes into the fake CloudFormation (FakeStacks implements it). */
export interface DeployTarget {
  /** Creates or updates a stack as a successful deploy would. */
  applyDeploy(
    name: string,
    tags: Readonly<Record<string, string>>,
    outputs: readonly StackOutput[],
    template: string,
  ): void;
  /** Leaves a stack as a failed deploy would (rolled back), with its root cause when known. */
  applyFailure(name: string, failure?: FailureCause): void;
}

/** A stack the fake app synthesizes; dependencies and fingerprint default to none and `fp-<name>`. */
export interface FakeSynthStack {
  readonly name: string;
  readonly dependencies?: readonly string[];
  readonly fingerprint?: string;
  /** Template parameters resolved from SSM at deploy (see SynthesizedStack). */
  readonly ssmParameters?: readonly string[];
  /** Outputs the stack has once deployed: OutputKey → value. */
  readonly outputs?: Readonly<Record<string, string>>;
  /** Where the app pins the stack (undefined: environment-agnostic). */
  readonly account?: string;
  readonly region?: string;
}

/** How the fake CDK behaves. */
export interface FakeCdkOptions {
  readonly stacks: readonly FakeSynthStack[];
  /** Where deploys land; without it deploys only record. */
  readonly target?: DeployTarget;
  /** synth rejects with this. */
  readonly synthError?: unknown;
  /**
   * deploy fails on this stack (after deploying those before it), as the toolkit adapter does: a
   * DeployError naming the stack, with a cause; the stack is left rolled back with `failure` as
   * what firstFailure answers (none when undefined).
   */
  readonly failOn?: { readonly stack: string; readonly reason: string; readonly failure?: FailureCause };
  readonly journal?: Journal;
  /**
   * Stacks toolkit-lib would hotswap when asked to (their change is code only): deployed with
   * `hotswap`, they are updated without CloudFormation, so their live template stays as it was.
   */
  readonly hotswappable?: readonly string[];
  /** What a hotswap reports it applied, per logical id (toolkit-lib names the resource and its new values). */
  readonly hotswapOverlay?: TemplateOverlay;
  /** Called when deploy starts, with the stacks it was given (e.g. to look at saved state then). */
  readonly onDeploy?: (stacks: readonly StackToDeploy[]) => void;
  /** What diff answers, per stack name; stacks not listed have no changes. diffError: diff rejects. */
  readonly changes?: Readonly<Record<string, Omit<StackChanges, 'stack' | 'firstDeploy'>>>;
  readonly diffError?: unknown;
  /** Awaited while the app "runs": after synth calls the request's onStarted, before it returns. */
  readonly whileRunning?: () => Promise<void>;
}

/** One deploy call. */
export interface DeployCall {
  readonly stacks: readonly StackToDeploy[];
  readonly method: DeploymentMethod;
}

/** The CDK toolkit: synth returns the given stacks, deploy records and applies to the target. */
export class FakeCdk implements CdkPort {
  readonly synthCalls: SynthRequest[] = [];
  readonly deployCalls: DeployCall[] = [];
  readonly bootstrapCalls: { account: string; region: string }[] = [];
  readonly diffCalls: string[][] = [];
  /** The templates each diff call was told to compare with instead of the live ones. */
  readonly diffBases: ReadonlyMap<string, string>[] = [];
  readonly events: DeployProgress[] = [];
  disposed = 0;

  constructor(private readonly options: FakeCdkOptions) {}

  async synth(request: SynthRequest): Promise<Assembly> {
    this.synthCalls.push(request);
    if (this.options.synthError !== undefined) throw this.options.synthError;
    // As the real adapter: the app has started.
    request.onStarted?.();
    await this.options.whileRunning?.();
    const stacks: SynthesizedStack[] = this.options.stacks.map((stack) => ({
      name: stack.name,
      dependencies: stack.dependencies ?? [],
      fingerprint: stack.fingerprint ?? `fp-${stack.name}`,
      ...(stack.ssmParameters === undefined ? {} : { ssmParameters: stack.ssmParameters }),
      ...(stack.account === undefined ? {} : { account: stack.account }),
      ...(stack.region === undefined ? {} : { region: stack.region }),
    }));
    return {
      stacks,
      dispose: async () => {
        this.disposed++;
      },
    };
  }

  async diff(
    _assembly: Assembly,
    stacks: readonly string[],
    bases: ReadonlyMap<string, string> = new Map(),
  ): Promise<InfraChanges> {
    this.diffCalls.push([...stacks]);
    this.diffBases.push(new Map(bases));
    if (this.options.diffError !== undefined) throw this.options.diffError;
    const none = { resources: [], statements: [], managedPolicies: [], securityGroupRules: [], text: '' };
    return {
      stacks: stacks.map((stack) => ({
        stack,
        firstDeploy: false,
        ...(this.options.changes?.[stack] ?? none),
      })),
    };
  }

  async bootstrap(account: string, region: string): Promise<void> {
    this.bootstrapCalls.push({ account, region });
    this.options.journal?.record({ port: 'cdk', method: 'bootstrap', target: region, write: true });
  }

  async deploy(
    _assembly: Assembly,
    stacks: readonly StackToDeploy[],
    options: { method: DeploymentMethod; onProgress: (event: DeployProgress) => void },
  ): Promise<void> {
    this.deployCalls.push({ stacks, method: options.method });
    this.options.onDeploy?.(stacks);
    const emit = (event: DeployProgress) => {
      this.events.push(event);
      options.onProgress(event);
    };
    for (const stack of stacks) {
      if (stack.hotswap === true && this.options.hotswappable?.includes(stack.name)) {
        this.options.journal?.record({ port: 'cdk', method: 'hotswap', target: stack.name, write: true });
        const overlays = Object.entries(this.options.hotswapOverlay ?? {});
        const hotswapped =
          overlays.length === 0
            ? [{ type: 'AWS::Lambda::Function', properties: ['Code'] }]
            : overlays.map(([logicalId, overlay]) => ({
                type: 'AWS::Lambda::Function',
                properties: Object.keys(overlay.Properties ?? {}),
                logicalId,
                overlay,
              }));
        emit({ code: 'stack-deployed', stack: stack.name, ms: 200, noOp: false, hotswapped });
        continue;
      }
      this.options.journal?.record({ port: 'cdk', method: 'deploy', target: stack.name, write: true });
      await new Promise<void>((resolve) => setImmediate(resolve));
      emit({ code: 'stack-started', stack: stack.name });
      const failOn = this.options.failOn;
      if (failOn?.stack === stack.name) {
        emit({ code: 'stack-failed', stack: stack.name, reason: failOn.reason });
        this.options.target?.applyFailure(stack.name, failOn.failure);
        throw new DeployError(failOn.reason, stack.name, { cause: new Error(failOn.reason) });
      }
      const spec = this.options.stacks.find((candidate) => candidate.name === stack.name);
      const outputs = Object.entries(spec?.outputs ?? {}).map(([key, value]) => ({
        stack: stack.name,
        key,
        value,
      }));
      this.options.target?.applyDeploy(
        stack.name,
        stack.tags,
        outputs,
        fakeTemplate(stack.name, spec?.fingerprint),
      );
      emit({ code: 'stack-deployed', stack: stack.name, ms: 1000, noOp: false });
    }
  }

  /** Names of the stacks each deploy call was given. */
  deployedNames(): string[][] {
    return this.deployCalls.map((call) => call.stacks.map((stack) => stack.name));
  }
}

/** The template the fake CDK deploys for a stack: it follows the fingerprint, as a real one would. */
export function fakeTemplate(name: string, fingerprint = `fp-${name}`): string {
  return JSON.stringify({ Description: `${name} at ${fingerprint}`, Resources: {} });
}

/** One e2e run. */
export type RunRequest = Parameters<CommandRunner['run']>[0];

/** The e2e runner: returns a scripted result and records the request. */
export class FakeRunner implements CommandRunner {
  readonly calls: RunRequest[] = [];

  constructor(
    private readonly result: CommandResult | ((request: RunRequest) => CommandResult) = {
      exitCode: 0,
      timedOut: false,
      durationMs: 1000,
    },
    private readonly journal?: Journal,
  ) {}

  async run(request: RunRequest): Promise<CommandResult> {
    this.calls.push(request);
    this.journal?.record({ port: 'runner', method: 'run', target: request.command, write: false });
    return typeof this.result === 'function' ? this.result(request) : this.result;
  }
}

/** The JUnit reader: returns a scripted summary. */
export class FakeJUnit implements TestReportReader {
  readonly calls: { pattern: string; root: string }[] = [];

  constructor(
    private readonly summary: TestSummary = { total: 3, passed: 3, failed: 0, skipped: 0, failures: [] },
  ) {}

  async read(pattern: string, root: string): Promise<TestSummary> {
    this.calls.push({ pattern, root });
    return this.summary;
  }
}

/** One GitHub deployment the fake holds. */
export interface FakeDeployment {
  readonly id: number;
  readonly environment: string;
  readonly ref: string;
  readonly description: string;
  readonly statuses: {
    state: DeploymentState;
    environmentUrl?: string;
    logUrl?: string;
    description?: string;
  }[];
}

/** One sticky comment the fake holds. */
export interface FakeComment {
  readonly pullRequest: number;
  readonly marker: string;
  body: string;
  /** 1 when created, +1 per edit. */
  writes: number;
}

type GitHubMethod = keyof GitHubPort;

/** GitHub: PRs by number, sticky comments by marker, deployments with statuses; any method can fail. */
export class FakeGitHub implements GitHubPort {
  readonly pulls = new Map<number, PullRequestState>();
  readonly comments: FakeComment[] = [];
  readonly deployments: FakeDeployment[] = [];
  readonly calls: { method: GitHubMethod; target?: string }[] = [];
  /** Methods that reject, with what (any value: Errors, strings, objects with status…). */
  readonly failures = new Map<GitHubMethod, unknown>();

  constructor(private readonly journal?: Journal) {}

  /** Adds an open (or closed) PR, carrying `labels`. */
  withPull(
    number: number,
    state: 'open' | 'closed' = 'open',
    merged = false,
    labels: string[] = [],
    headRepository = 'acme/invoices',
  ): this {
    this.pulls.set(number, { number, state, merged, headSha: `sha-${number}`, headRepository, labels });
    return this;
  }

  /** Makes a method reject with `error`. */
  failing(
    method: GitHubMethod,
    error: unknown = Object.assign(new Error('Bad credentials'), { status: 401 }),
  ) {
    this.failures.set(method, error);
    return this;
  }

  /** How many times a method was called (for one target, when given). */
  count(method: GitHubMethod, target?: string | number): number {
    return this.calls.filter(
      (call) => call.method === method && (target === undefined || call.target === String(target)),
    ).length;
  }

  async pullRequest(number: number): Promise<PullRequestState | undefined> {
    this.enter('pullRequest', String(number), false);
    await tick();
    return this.pulls.get(number);
  }

  async upsertComment(pullRequest: number, marker: string, body: string): Promise<string> {
    this.enter('upsertComment', String(pullRequest), true);
    let comment = this.comments.find((c) => c.pullRequest === pullRequest && c.marker === marker);
    if (comment === undefined) {
      comment = { pullRequest, marker, body, writes: 1 };
      this.comments.push(comment);
    } else {
      comment.body = body;
      comment.writes++;
    }
    return `https://github.com/acme/invoices/pull/${pullRequest}#issuecomment-${this.comments.indexOf(comment) + 1}`;
  }

  async createDeployment(request: {
    environment: string;
    ref: string;
    description: string;
  }): Promise<number> {
    this.enter('createDeployment', request.environment, true);
    const id = this.deployments.length + 1;
    this.deployments.push({ id, ...request, statuses: [] });
    return id;
  }

  async setDeploymentStatus(
    id: number,
    status: { state: DeploymentState; environmentUrl?: string; logUrl?: string; description?: string },
  ): Promise<void> {
    this.enter('setDeploymentStatus', String(id), true);
    const deployment = this.deployments.find((candidate) => candidate.id === id);
    if (deployment === undefined)
      throw Object.assign(new Error(`deployment ${id} not found`), { status: 404 });
    deployment.statuses.push(status);
  }

  async deploymentIds(environment: string): Promise<number[]> {
    this.enter('deploymentIds', environment, false);
    return this.deployments
      .filter((deployment) => deployment.environment === environment)
      .map((deployment) => deployment.id)
      .reverse();
  }

  /** The body of the PR's comment with that marker. */
  commentFor(pullRequest: number, marker: string): FakeComment | undefined {
    return this.comments.find((c) => c.pullRequest === pullRequest && c.marker === marker);
  }

  /** The states set on the environment's deployments, in order. */
  deploymentStates(environment: string): DeploymentState[] {
    return this.deployments
      .filter((deployment) => deployment.environment === environment)
      .flatMap((deployment) => deployment.statuses.map((status) => status.state));
  }

  private enter(method: GitHubMethod, target: string, write: boolean): void {
    this.calls.push({ method, target });
    this.journal?.record({ port: 'github', method, target, write });
    if (this.failures.has(method)) throw this.failures.get(method);
  }
}

/** Lets other pending work run, as a network call would. */
export function tick(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
