import { markerFor, renderComment } from '../domain/comment.js';
import type { EnvironmentReport } from '../domain/report.js';
import { renderSummary } from '../domain/summary.js';
import { messageOf } from '../errors.js';
import type { DeploymentState, GitHubPort, Log, StepPort } from '../ports.js';

/** Where reports go, and what is switched off. */
export interface ReporterOptions {
  /** undefined when there is no github-token: nothing is sent to GitHub. */
  readonly github: GitHubPort | undefined;
  readonly step: StepPort;
  readonly log: Log;
  /** The comment input. */
  readonly comment: boolean;
  readonly runUrl?: string;
}

/**
 * Tells people what happened: the sticky comment, the GitHub deployment and the job summary.
 * A GitHub failure is a warning, never the run's result: the step outcome and summary stay true.
 */
export class Reporter {
  private deploymentId: number | undefined;
  private readonly problems = new Set<string>();
  private unavailable = false;
  /**
   * GitHub updates run one after another, in order, off the deploy's critical path: GitHub asks
   * for writes to be spaced out (Octokit's throttling waits about a second between them), and a
   * progress comment must not hold up CloudFormation. Each call returns the queue's promise, so a
   * caller that needs the update done (the final report) awaits it. In order also means the
   * sticky comment is created once: a second update never races the first one's create.
   */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReporterOptions) {}

  /** Creates or edits the PR's sticky comment. */
  comment(report: EnvironmentReport): Promise<void> {
    const { github, comment, step } = this.options;
    if (!comment || github === undefined || report.pullRequest === undefined) return this.queue;
    const pullRequest = report.pullRequest;
    return this.enqueue(async () => {
      // Rendered when its turn comes, so that it tells what went wrong with GitHub so far.
      const body = renderComment(this.withProblems(report));
      const url = await this.attempt('update the pull request comment', () =>
        github.upsertComment(pullRequest, markerFor(report.environment), body),
      );
      if (url !== undefined) step.setOutput('comment-url', url);
    });
  }

  /** Starts a GitHub deployment for the environment at the head commit, in progress. */
  startDeployment(environment: string, sha: string): Promise<void> {
    const github = this.options.github;
    if (github === undefined) return this.queue;
    this.enqueue(async () => {
      this.deploymentId = await this.attempt('create the GitHub deployment', () =>
        github.createDeployment({ environment, ref: sha, description: `prenv environment ${environment}` }),
      );
    });
    return this.deploymentStatus('in_progress', 'Deploying');
  }

  /** Adds a status to this run's deployment (or the environment's latest one). */
  deploymentStatus(
    state: DeploymentState,
    description: string,
    environmentUrl?: string,
    environment?: string,
  ): Promise<void> {
    return this.enqueue(() => this.sendDeploymentStatus(state, description, environmentUrl, environment));
  }

  /**
   * Marks every deployment of the environment inactive. GitHub's auto_inactive skips transient
   * environments, so each push's deployment stays active until prenv says otherwise.
   */
  deactivateAll(environment: string, description: string): Promise<void> {
    const github = this.options.github;
    if (github === undefined) return this.queue;
    return this.enqueue(async () => {
      const ids = await this.attempt('find the GitHub deployments', () => github.deploymentIds(environment));
      for (const id of ids ?? []) {
        await this.attempt('update the GitHub deployment', () =>
          github.setDeploymentStatus(id, {
            state: 'inactive',
            description,
            ...(this.options.runUrl === undefined ? {} : { logUrl: this.options.runUrl }),
          }),
        );
      }
    });
  }

  /** Waits until every queued GitHub update is done. */
  flush(): Promise<void> {
    return this.queue;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    // Callers do not always await an update, so the queue must never reject: a failure outside
    // attempt() (rendering, say) is a warning too.
    const safe = async () => {
      try {
        await task();
      } catch (error) {
        this.options.log.warning(`Could not report to GitHub: ${messageOf(error)}`);
      }
    };
    this.queue = this.queue.then(safe);
    return this.queue;
  }

  private async sendDeploymentStatus(
    state: DeploymentState,
    description: string,
    environmentUrl?: string,
    environment?: string,
  ): Promise<void> {
    const github = this.options.github;
    if (github === undefined) return;
    if (this.deploymentId === undefined && environment !== undefined) {
      this.deploymentId = (
        await this.attempt('find the GitHub deployment', () => github.deploymentIds(environment))
      )?.[0];
    }
    const id = this.deploymentId;
    if (id === undefined) return;
    await this.attempt('update the GitHub deployment', () =>
      github.setDeploymentStatus(id, {
        state,
        description,
        ...(environmentUrl === undefined ? {} : { environmentUrl }),
        ...(this.options.runUrl === undefined ? {} : { logUrl: this.options.runUrl }),
      }),
    );
  }

  /** Appends the report to the job summary. */
  async summary(markdown: string): Promise<void> {
    try {
      await this.options.step.appendSummary(markdown);
    } catch (error) {
      this.options.log.warning(`Could not write the job summary: ${messageOf(error)}`);
    }
  }

  /** Appends an environment report to the job summary. */
  async summarize(report: EnvironmentReport): Promise<void> {
    await this.flush();
    await this.summary(renderSummary(this.withProblems(report)));
  }

  private withProblems(report: EnvironmentReport): EnvironmentReport {
    return this.problems.size === 0
      ? report
      : { ...report, notes: [...(report.notes ?? []), ...this.problems] };
  }

  /** What went wrong talking to GitHub, for the summary. */
  get githubProblems(): readonly string[] {
    return [...this.problems];
  }

  private async attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    // Once GitHub has failed with a server or network error after all its retries, later updates
    // are skipped: each would spend the same half minute of retries, for nothing.
    if (this.unavailable) return undefined;
    try {
      return await fn();
    } catch (error) {
      const status = (error as { status?: unknown } | null | undefined)?.status;
      const hint =
        status === 403 || status === 404
          ? what.includes('deployment')
            ? ' (does the job have `permissions: deployments: write`?)'
            : ' (does the job have `permissions: pull-requests: write`?)'
          : '';
      const down = typeof status !== 'number' || status >= 500;
      if (down) this.unavailable = true;
      const problem =
        `Could not ${what}: ${messageOf(error)}${hint}` +
        (down ? '. GitHub looks unavailable: prenv sends it no more updates in this run.' : '');
      this.problems.add(problem);
      this.options.log.warning(problem);
      return undefined;
    }
  }
}
