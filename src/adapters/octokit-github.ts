import { randomUUID } from 'node:crypto';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import type { DeploymentState, GitHubPort, Log, PullRequestState } from '../ports.js';

type Client = ReturnType<typeof getOctokit>;

/** Options for the GitHub adapter. */
export interface OctokitGitHubOptions {
  readonly token: string;
  readonly apiUrl: string;
  /** owner/repo */
  readonly repository: string;
  readonly log: Log;
  /**
   * Login of the token's identity: only a comment by this author is the sticky one.
   * @default 'github-actions[bot]'
   */
  readonly commentAuthor?: string;
  /** Retries after 5xx and rate limits. @default 4 */
  readonly retries?: number;
  /**
   * How long one second of back-off lasts, in milliseconds: the n-th retry after a 5xx waits n²
   * of them, a rate limit waits its retry-after (60 when GitHub gives none). Tests shrink it.
   * @default 1000
   */
  readonly backoffUnitMs?: number;
  /**
   * Least time between two writes. GitHub asks for about a second between writes when a client
   * makes many of them (cleanup may update dozens of PRs); a deploy or destroy makes about six,
   * so it may space them closer and report sooner: then the first `writeBurst` go out back to back,
   * one at a time, and the rest one per interval (a token bucket).
   * @default 1000
   */
  readonly writeIntervalMs?: number;
  /** Writes that may go out back to back before the interval applies (with writeIntervalMs). @default 1 */
  readonly writeBurst?: number;
}

/**
 * The write limiter for throttling's `write` group: one write at a time, `burst` of them back to back,
 * then one per `intervalMs` (Bottleneck's reservoir refilled by one per interval, up to `burst`).
 */
export function writeLimiter(intervalMs: number, burst = 1): Bottleneck.Group {
  if (burst <= 1) return new Bottleneck.Group({ maxConcurrent: 1, minTime: intervalMs });
  return new Bottleneck.Group({
    maxConcurrent: 1,
    reservoir: burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: intervalMs,
    reservoirIncreaseMaximum: burst,
    heartbeatInterval: intervalMs,
  });
}

/** GitHub through Octokit, retrying 5xx and rate limits with backoff. */
export class OctokitGitHub implements GitHubPort {
  private readonly octokit: Client;
  private readonly owner: string;
  private readonly repo: string;
  private readonly commentIds = new Map<string, number>();
  private readonly commentAuthor: string;

  constructor(options: OctokitGitHubOptions) {
    const [owner = '', repo = ''] = options.repository.split('/');
    this.commentAuthor = (options.commentAuthor ?? 'github-actions[bot]').toLowerCase();
    this.owner = owner;
    this.repo = repo;
    const retries = options.retries ?? 4;
    const backoffUnitMs = options.backoffUnitMs ?? 1_000;
    // @actions/github's client: the runner's proxy settings (HTTPS_PROXY, NO_PROXY) and its user agent.
    this.octokit = getOctokit(
      options.token,
      {
        baseUrl: options.apiUrl,
        userAgent: 'prenv',
        // Octokit logs every failed request, expected 404s included: the adapter decides what to report.
        log: {
          debug: (message: string) => options.log.debug(message),
          info: (message: string) => options.log.debug(message),
          warn: (message: string) => options.log.warning(message),
          error: (message: string) => options.log.debug(message),
        },
        retry: { retries, retryAfterBaseValue: backoffUnitMs },
        throttle: {
          // The plugin's limiters (writes 1 s apart, 3 s for those that notify) are shared by every
          // client in the process with the same id: each adapter paces its own requests.
          id: `prenv-${randomUUID()}`,
          ...(options.writeIntervalMs === undefined
            ? {}
            : {
                write: writeLimiter(options.writeIntervalMs, options.writeBurst),
              }),
          retryAfterBaseValue: backoffUnitMs,
          onRateLimit: (
            after: number,
            request: { method: string; url: string },
            _octokit: unknown,
            count: number,
          ) => {
            options.log.warning(
              `GitHub rate limit on ${request.method} ${request.url}; retrying in ${after} s`,
            );
            return count < retries;
          },
          onSecondaryRateLimit: (
            after: number,
            request: { method: string; url: string },
            _o: unknown,
            count: number,
          ) => {
            options.log.warning(
              `GitHub secondary rate limit on ${request.method} ${request.url}; retrying in ${after} s`,
            );
            return count < retries;
          },
        },
      },
      retry,
      throttling,
    );
  }

  async pullRequest(number: number): Promise<PullRequestState | undefined> {
    try {
      const { data } = await this.octokit.rest.pulls.get({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
      });
      return {
        number,
        state: data.state === 'closed' ? 'closed' : 'open',
        merged: data.merged === true,
        headSha: data.head.sha,
        labels: data.labels.map((label) => label.name),
        // null once the fork is deleted: an unknown head counts as a fork.
        headRepository: data.head.repo?.full_name ?? '',
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async upsertComment(pullRequest: number, marker: string, body: string): Promise<string> {
    const known = this.commentIds.get(marker) ?? (await this.findComment(pullRequest, marker));
    if (known !== undefined) {
      try {
        const { data } = await this.octokit.rest.issues.updateComment({
          owner: this.owner,
          repo: this.repo,
          comment_id: known,
          body,
        });
        this.commentIds.set(marker, data.id);
        return data.html_url;
      } catch (error) {
        const status = statusOf(error);
        // Deleted by someone (404), or GitHub refuses the edit (403, 422): post a new one below,
        // rather than nothing. Anything else (5xx after retries, 401) is GitHub's problem, not the comment's.
        if (status !== 404 && status !== 403 && status !== 422) throw error;
        this.commentIds.delete(marker);
      }
    }
    return this.createComment(pullRequest, marker, body);
  }

  async createDeployment(request: {
    environment: string;
    ref: string;
    description: string;
  }): Promise<number> {
    const { data } = await this.octokit.rest.repos.createDeployment({
      owner: this.owner,
      repo: this.repo,
      ref: request.ref,
      environment: request.environment,
      description: request.description,
      transient_environment: true,
      production_environment: false,
      auto_merge: false,
      required_contexts: [],
      // What marks the deployment as prenv's: the post step, destroy and cleanup touch no other.
      payload: { prenv: { environment: request.environment } },
    });
    if (!('id' in data))
      throw new Error(`GitHub did not create the deployment: ${data.message ?? 'no reason given'}`);
    return data.id;
  }

  async setDeploymentStatus(
    id: number,
    status: { state: DeploymentState; environmentUrl?: string; logUrl?: string; description?: string },
  ): Promise<void> {
    await this.octokit.rest.repos.createDeploymentStatus({
      owner: this.owner,
      repo: this.repo,
      deployment_id: id,
      state: status.state,
      auto_inactive: true,
      ...(status.environmentUrl === undefined ? {} : { environment_url: status.environmentUrl }),
      ...(status.logUrl === undefined ? {} : { log_url: status.logUrl }),
      ...(status.description === undefined ? {} : { description: status.description.slice(0, 140) }),
    });
  }

  async deploymentIds(environment: string): Promise<number[]> {
    const deployments = await this.octokit.paginate(this.octokit.rest.repos.listDeployments, {
      owner: this.owner,
      repo: this.repo,
      environment,
      per_page: 100,
    });
    // Only deployments prenv created (its payload marker): never another workflow's, production included.
    return deployments
      .filter((deployment) => isPrenvDeployment(deployment.payload, environment))
      .map((deployment) => deployment.id);
  }

  /** Looks through every page of comments for the marker. */
  private async findComment(pullRequest: number, marker: string): Promise<number | undefined> {
    const iterator = this.octokit.paginate.iterator(this.octokit.rest.issues.listComments, {
      owner: this.owner,
      repo: this.repo,
      issue_number: pullRequest,
      per_page: 100,
    });
    for await (const page of iterator) {
      // Anyone can post a comment that starts with the marker: only the token's own counts.
      const found = page.data.find(
        (comment) =>
          comment.body?.startsWith(marker) === true &&
          comment.user?.login.toLowerCase() === this.commentAuthor,
      );
      if (found !== undefined) {
        this.commentIds.set(marker, found.id);
        return found.id;
      }
    }
    return undefined;
  }

  /**
   * Creates the comment without automatic retries: a retried POST whose first attempt did land
   * would post a duplicate. After a failure, look again before the one retry.
   */
  private async createComment(pullRequest: number, marker: string, body: string): Promise<string> {
    const create = async () => {
      const { data } = await this.octokit.rest.issues.createComment({
        owner: this.owner,
        repo: this.repo,
        issue_number: pullRequest,
        body,
        request: { retries: 0 },
      });
      this.commentIds.set(marker, data.id);
      return data.html_url;
    };
    try {
      return await create();
    } catch (error) {
      const status = statusOf(error);
      if (status !== undefined && status < 500 && status !== 429) throw error;
      this.commentIds.delete(marker);
      const landed = await this.findComment(pullRequest, marker);
      if (landed !== undefined) {
        const { data } = await this.octokit.rest.issues.updateComment({
          owner: this.owner,
          repo: this.repo,
          comment_id: landed,
          body,
        });
        return data.html_url;
      }
      return create();
    }
  }
}

/** True when a deployment's payload carries prenv's marker for this environment. */
export function isPrenvDeployment(payload: unknown, environment: string): boolean {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return false;
    }
  }
  const marker = (value as { prenv?: { environment?: unknown } } | null | undefined)?.prenv;
  return marker?.environment === environment;
}

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}
