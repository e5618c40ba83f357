import { createHash } from 'node:crypto';
import type {
  DeploymentState,
  GitHubComment,
  GitHubDeployment,
  GitHubDeploymentStatus,
  GitHubLabel,
  GitHubPull,
  GitHubRepository,
  GitHubUser,
  PullSeed,
  StoredDeployment,
  StoredDeploymentStatus,
} from './github-server-types.js';

/** What the store needs to know about the server it belongs to. */
export interface StoreConfig {
  repository: string;
  botLogin: string;
  apiUrl: string;
  now: () => Date;
}

/** What `createDeployment` accepts, already validated. */
export interface DeploymentInput {
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  transient_environment: boolean;
  production_environment: boolean;
  auto_merge: boolean;
  required_contexts: string[] | null;
}

/** What `createStatus` accepts, already validated. */
export interface StatusInput {
  state: DeploymentState;
  description?: string;
  environment?: string;
  target_url?: string;
  log_url?: string;
  environment_url?: string;
  auto_inactive: boolean;
}

const GITHUB = 'https://github.com';
const BASE_IDS = { comment: 1_000_000, deployment: 2_000_000, status: 3_000_000, pull: 4_000_000 };

/** A 40-hex sha derived from `seed`, stable across runs. */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** A GitHub user object for `login`; logins ending in `[bot]` are bots. */
export function githubUser(login: string): GitHubUser {
  const id = login === 'github-actions[bot]' ? 41898282 : Number.parseInt(fakeSha(login).slice(0, 7), 16);
  const type = login.endsWith('[bot]') ? 'Bot' : 'User';
  const path = type === 'Bot' ? `apps/${login.replace(/\[bot\]$/, '')}` : login;
  return { login, id, node_id: `U_${id}`, type, html_url: `${GITHUB}/${path}` };
}

/** In-memory pulls, issue comments, deployments and statuses of one repository. */
export class GitHubStore {
  private readonly config: StoreConfig;
  private nextIds = { ...BASE_IDS };
  private readonly pullsByNumber = new Map<number, GitHubPull>();
  private readonly commentsById = new Map<number, GitHubComment>();
  private readonly deploymentsById = new Map<number, StoredDeployment>();
  private readonly statusesByDeployment = new Map<number, StoredDeploymentStatus[]>();

  constructor(config: StoreConfig) {
    this.config = config;
  }

  /** Forgets everything and restarts the id counters. */
  clear(): void {
    this.nextIds = { ...BASE_IDS };
    this.pullsByNumber.clear();
    this.commentsById.clear();
    this.deploymentsById.clear();
    this.statusesByDeployment.clear();
  }

  /** Adds (or replaces) a pull request. */
  addPull(seed: PullSeed): GitHubPull {
    const { repository } = this.config;
    const state = seed.state ?? 'open';
    const merged = seed.merged ?? false;
    if (merged && state !== 'closed') throw new Error(`PR ${seed.number}: merged needs state closed`);
    const id = this.id('pull');
    const created = this.timestamp();
    const author = githubUser(seed.user ?? 'octocat');
    const headRepo = this.repo(seed.headRepo ?? repository);
    const baseRepo = this.repo(repository);
    const headRef = seed.headRef ?? `feature/pr-${seed.number}`;
    const baseRef = seed.baseRef ?? 'main';
    const pull: GitHubPull = {
      url: `${this.config.apiUrl}/repos/${repository}/pulls/${seed.number}`,
      id,
      node_id: `PR_${id}`,
      html_url: `${GITHUB}/${repository}/pull/${seed.number}`,
      number: seed.number,
      state,
      locked: false,
      title: seed.title ?? `PR ${seed.number}`,
      user: author,
      body: null,
      created_at: created,
      updated_at: created,
      closed_at: state === 'closed' ? created : null,
      merged_at: merged ? created : null,
      merge_commit_sha: fakeSha(`merge-${seed.number}`),
      draft: seed.draft ?? false,
      head: {
        label: `${headRepo.owner.login}:${headRef}`,
        ref: headRef,
        sha: seed.headSha ?? fakeSha(`head-${seed.number}`),
        user: headRepo.owner,
        repo: headRepo,
      },
      base: {
        label: `${baseRepo.owner.login}:${baseRef}`,
        ref: baseRef,
        sha: fakeSha(`base-${baseRef}`),
        user: baseRepo.owner,
        repo: baseRepo,
      },
      merged,
      labels: (seed.labels ?? []).map((name) => this.label(name)),
    };
    this.pullsByNumber.set(seed.number, pull);
    return structuredClone(pull);
  }

  /** Opens, closes or merges a seeded pull request; throws when it is unknown. */
  setPullState(number: number, state: 'open' | 'closed', merged = false): GitHubPull {
    const pull = this.pullsByNumber.get(number);
    if (pull === undefined) throw new Error(`PR ${number} was not added`);
    if (merged && state !== 'closed') throw new Error(`PR ${number}: merged needs state closed`);
    const now = this.timestamp();
    pull.state = state;
    pull.merged = merged;
    pull.updated_at = now;
    pull.closed_at = state === 'closed' ? now : null;
    pull.merged_at = merged ? now : null;
    return structuredClone(pull);
  }

  /** Replaces the labels a seeded pull request carries; throws when it is unknown. */
  setPullLabels(number: number, names: readonly string[]): GitHubPull {
    const pull = this.pullsByNumber.get(number);
    if (pull === undefined) throw new Error(`PR ${number} was not added`);
    pull.labels = names.map((name) => this.label(name));
    pull.updated_at = this.timestamp();
    return structuredClone(pull);
  }

  /** The pull request numbered `number`, if seeded. */
  pull(number: number): GitHubPull | undefined {
    const pull = this.pullsByNumber.get(number);
    return pull === undefined ? undefined : structuredClone(pull);
  }

  /** Every seeded pull request, newest first (GitHub's default order). */
  pulls(): GitHubPull[] {
    return [...this.pullsByNumber.values()].sort((a, b) => b.id - a.id).map((pull) => structuredClone(pull));
  }

  /** Stores a comment on issue or PR `issue`. */
  addComment(issue: number, body: string, login = this.config.botLogin): GitHubComment {
    const { repository, apiUrl } = this.config;
    const id = this.id('comment');
    const now = this.timestamp();
    const comment: GitHubComment = {
      id,
      node_id: `IC_${id}`,
      url: `${apiUrl}/repos/${repository}/issues/comments/${id}`,
      html_url: `${GITHUB}/${repository}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${apiUrl}/repos/${repository}/issues/${issue}`,
      body,
      user: githubUser(login),
      created_at: now,
      updated_at: now,
      author_association: login.endsWith('[bot]') ? 'NONE' : 'MEMBER',
    };
    this.commentsById.set(id, comment);
    return structuredClone(comment);
  }

  /** The comment with this id, if any. */
  comment(id: number): GitHubComment | undefined {
    const comment = this.commentsById.get(id);
    return comment === undefined ? undefined : structuredClone(comment);
  }

  /** Replaces a comment's body; undefined when there is no such comment. */
  updateComment(id: number, body: string): GitHubComment | undefined {
    const comment = this.commentsById.get(id);
    if (comment === undefined) return undefined;
    comment.body = body;
    comment.updated_at = this.timestamp();
    return structuredClone(comment);
  }

  /** Deletes a comment; false when there was none. */
  deleteComment(id: number): boolean {
    return this.commentsById.delete(id);
  }

  /** The comments on issue or PR `issue`, oldest first. */
  comments(issue: number): GitHubComment[] {
    const issueUrl = `${this.config.apiUrl}/repos/${this.config.repository}/issues/${issue}`;
    return [...this.commentsById.values()]
      .filter((c) => c.issue_url === issueUrl)
      .map((c) => structuredClone(c));
  }

  /** Creates a deployment of `ref` (a PR head ref or sha resolves to that sha). */
  createDeployment(input: DeploymentInput, creator = this.config.botLogin): StoredDeployment {
    const { repository, apiUrl } = this.config;
    const id = this.id('deployment');
    const now = this.timestamp();
    const url = `${apiUrl}/repos/${repository}/deployments/${id}`;
    const deployment: StoredDeployment = {
      url,
      id,
      node_id: `DE_${id}`,
      sha: this.resolveSha(input.ref),
      ref: input.ref,
      task: input.task,
      payload: input.payload,
      original_environment: input.environment,
      environment: input.environment,
      description: input.description,
      creator: githubUser(creator),
      created_at: now,
      updated_at: now,
      statuses_url: `${url}/statuses`,
      repository_url: `${apiUrl}/repos/${repository}`,
      transient_environment: input.transient_environment,
      production_environment: input.production_environment,
      performed_via_github_app: null,
      auto_merge: input.auto_merge,
      required_contexts: input.required_contexts,
    };
    this.deploymentsById.set(id, deployment);
    this.statusesByDeployment.set(id, []);
    return structuredClone(deployment);
  }

  /** The deployment with this id, if any. */
  deployment(id: number): StoredDeployment | undefined {
    const deployment = this.deploymentsById.get(id);
    return deployment === undefined ? undefined : structuredClone(deployment);
  }

  /** Every deployment, oldest first. */
  deployments(): StoredDeployment[] {
    return [...this.deploymentsById.values()].map((d) => structuredClone(d));
  }

  /** Deletes a deployment and its statuses; false when there was none. */
  deleteDeployment(id: number): boolean {
    this.statusesByDeployment.delete(id);
    return this.deploymentsById.delete(id);
  }

  /** Adds a status to a deployment, applying `auto_inactive` as GitHub does; undefined when unknown. */
  createStatus(deploymentId: number, input: StatusInput): StoredDeploymentStatus | undefined {
    const deployment = this.deploymentsById.get(deploymentId);
    const statuses = this.statusesByDeployment.get(deploymentId);
    if (deployment === undefined || statuses === undefined) return undefined;
    if (input.environment !== undefined) deployment.environment = input.environment;
    const status = this.status(deployment, input);
    statuses.push(status);
    deployment.updated_at = status.updated_at;
    if (input.state === 'success' && input.auto_inactive) this.deactivateOthers(deployment);
    return structuredClone(status);
  }

  /** The statuses of a deployment, oldest first; undefined when the deployment is unknown. */
  statuses(deploymentId: number): StoredDeploymentStatus[] | undefined {
    return this.statusesByDeployment.get(deploymentId)?.map((s) => structuredClone(s));
  }

  private status(deployment: StoredDeployment, input: StatusInput): StoredDeploymentStatus {
    const id = this.id('status');
    const now = this.timestamp();
    const logUrl = input.log_url ?? input.target_url ?? '';
    return {
      url: `${deployment.url}/statuses/${id}`,
      id,
      node_id: `DES_${id}`,
      state: input.state,
      creator: githubUser(this.config.botLogin),
      description: input.description ?? '',
      environment: deployment.environment,
      target_url: logUrl,
      log_url: logUrl,
      environment_url: input.environment_url ?? '',
      created_at: now,
      updated_at: now,
      deployment_url: deployment.url,
      repository_url: deployment.repository_url,
      performed_via_github_app: null,
      auto_inactive: input.auto_inactive,
    };
  }

  /** GitHub marks prior successful non-transient, non-production deployments of the environment inactive. */
  private deactivateOthers(current: GitHubDeployment): void {
    for (const other of this.deploymentsById.values()) {
      if (other.id >= current.id || other.environment !== current.environment) continue;
      if (other.transient_environment || other.production_environment) continue;
      const statuses = this.statusesByDeployment.get(other.id) ?? [];
      if (statuses.at(-1)?.state !== 'success') continue;
      statuses.push(this.status(other, { state: 'inactive', auto_inactive: false }));
    }
  }

  private resolveSha(ref: string): string {
    if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
    const pull = [...this.pullsByNumber.values()].find((p) => p.head.ref === ref);
    return pull?.head.sha ?? fakeSha(`ref-${ref}`);
  }

  private repo(fullName: string): GitHubRepository {
    const [owner = fullName, name = fullName] = fullName.split('/');
    const id = Number.parseInt(fakeSha(fullName).slice(0, 8), 16);
    return {
      id,
      node_id: `R_${id}`,
      name,
      full_name: fullName,
      owner: githubUser(owner),
      private: false,
      fork: fullName.toLowerCase() !== this.config.repository.toLowerCase(),
      html_url: `${GITHUB}/${fullName}`,
      default_branch: 'main',
    };
  }

  /** A repository label as REST embeds it; the same name always has the same id. */
  private label(name: string): GitHubLabel {
    const id = Number.parseInt(fakeSha(`label-${name}`).slice(0, 8), 16);
    return {
      id,
      node_id: `LA_${id}`,
      url: `${this.config.apiUrl}/repos/${this.config.repository}/labels/${encodeURIComponent(name)}`,
      name,
      color: 'ededed',
      default: false,
      description: null,
    };
  }

  private id(kind: keyof typeof BASE_IDS): number {
    this.nextIds[kind] += 1;
    return this.nextIds[kind];
  }

  private timestamp(): string {
    return this.config
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }
}

/** The REST shape of a stored deployment (without the request-only fields). */
export function deploymentResponse(stored: StoredDeployment): GitHubDeployment {
  const { auto_merge: _merge, required_contexts: _contexts, ...deployment } = stored;
  return deployment;
}

/** The REST shape of a stored status (without `auto_inactive`). */
export function statusResponse(stored: StoredDeploymentStatus): GitHubDeploymentStatus {
  const { auto_inactive: _inactive, ...status } = stored;
  return status;
}
