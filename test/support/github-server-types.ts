/** Public types of the loopback GitHub API stand-in (see github-server.ts). */

/** A request as the server saw it, with the status it answered. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/repos/octo-org/invoices/issues/42/comments`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  readonly body: unknown;
  readonly headers: Readonly<RecordedHeaders>;
  /** Status answered; 0 until the response is written. */
  status: number;
  /** When it arrived, by the server's clock. */
  readonly time: Date;
  /** Wall-clock milliseconds from arrival to response (includes `latencyMs`). */
  durationMs: number;
}

/** The request headers worth asserting on. */
export interface RecordedHeaders {
  authorization?: string;
  accept?: string;
  'content-type'?: string;
  'user-agent'?: string;
  'x-github-api-version'?: string;
}

/** Which requests an injected failure applies to; omitted fields match everything. */
export interface FailureMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Prefix of the path (without query), e.g. `/repos/octo-org/invoices/deployments`. */
  pathPrefix?: string;
}

/** An injected failure: the status, and optionally the headers and body, to answer with. */
export interface Failure {
  status: number;
  match?: FailureMatch;
  headers?: Readonly<Record<string, string>>;
  /** JSON body, or a string sent as text/plain. @default GitHub-like `{message, documentation_url}` */
  body?: unknown;
}

/** Options of `startGitHubServer`. */
export interface GitHubServerOptions {
  /** The one repository served; other repositories answer 404. @default 'octo-org/invoices' */
  repository?: string;
  /** When set, REST calls need `Authorization: token|Bearer <token>` or get 401 Bad credentials. */
  token?: string;
  /** Login of the author of comments, deployments and statuses created through the API. @default 'github-actions[bot]' */
  botLogin?: string;
  /** The identity of other tokens: token → login. A request with one of them writes as that login, not botLogin. */
  logins?: Readonly<Record<string, string>>;
  /** Delay before every response, for benchmarks. @default 0 */
  latencyMs?: number;
  /** Clock for `created_at`, `updated_at`, `closed_at` and OIDC `iat`. @default () => new Date() */
  now?: () => Date;
  /** Extra or replaced claims of the OIDC tokens minted. */
  oidcClaims?: Readonly<Record<string, unknown>>;
}

/** How to seed a pull request with `addPull`. */
export interface PullSeed {
  number: number;
  /** @default 'open' */
  state?: 'open' | 'closed';
  /** Only with state closed. @default false */
  merged?: boolean;
  /** @default a sha derived from the number */
  headSha?: string;
  /** @default `feature/pr-${number}` */
  headRef?: string;
  /** Full name of the head repository; a different one makes it a fork. @default the served repository */
  headRepo?: string;
  /** @default 'main' */
  baseRef?: string;
  /** @default `PR ${number}` */
  title?: string;
  /** Author login. @default 'octocat' */
  user?: string;
  /** @default false */
  draft?: boolean;
  /** Names of the labels it carries. @default [] */
  labels?: string[];
}

/** A label, as REST answers embed it in pull requests. */
export interface GitHubLabel {
  id: number;
  node_id: string;
  url: string;
  name: string;
  color: string;
  default: boolean;
  description: string | null;
}

/** A GitHub user as REST answers embed it. */
export interface GitHubUser {
  login: string;
  id: number;
  node_id: string;
  type: 'User' | 'Bot';
  html_url: string;
}

/** An issue comment, as `GET /repos/{owner}/{repo}/issues/comments/{id}` answers it. */
export interface GitHubComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: GitHubUser;
  created_at: string;
  updated_at: string;
  author_association: string;
}

/** A repository as embedded in pull requests. */
export interface GitHubRepository {
  id: number;
  node_id: string;
  name: string;
  full_name: string;
  owner: GitHubUser;
  private: boolean;
  fork: boolean;
  html_url: string;
  default_branch: string;
}

/** One side (head or base) of a pull request. */
export interface GitHubPullRef {
  label: string;
  ref: string;
  sha: string;
  user: GitHubUser;
  repo: GitHubRepository;
}

/** A pull request, as `GET /repos/{owner}/{repo}/pulls/{n}` answers it. */
export interface GitHubPull {
  url: string;
  id: number;
  node_id: string;
  html_url: string;
  number: number;
  state: 'open' | 'closed';
  locked: boolean;
  title: string;
  user: GitHubUser;
  body: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  merge_commit_sha: string | null;
  draft: boolean;
  head: GitHubPullRef;
  base: GitHubPullRef;
  merged: boolean;
  labels: GitHubLabel[];
}

/** A deployment, as the REST API answers it. */
export interface GitHubDeployment {
  url: string;
  id: number;
  node_id: string;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: GitHubUser;
  created_at: string;
  updated_at: string;
  statuses_url: string;
  repository_url: string;
  transient_environment: boolean;
  production_environment: boolean;
  performed_via_github_app: null;
}

/** A deployment as stored: the REST shape plus the request fields GitHub does not echo. */
export interface StoredDeployment extends GitHubDeployment {
  auto_merge: boolean;
  required_contexts: string[] | null;
}

/** The states a deployment status may take. */
export type DeploymentState =
  | 'error'
  | 'failure'
  | 'inactive'
  | 'in_progress'
  | 'queued'
  | 'pending'
  | 'success';

/** A deployment status, as the REST API answers it. */
export interface GitHubDeploymentStatus {
  url: string;
  id: number;
  node_id: string;
  state: DeploymentState;
  creator: GitHubUser;
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  created_at: string;
  updated_at: string;
  deployment_url: string;
  repository_url: string;
  performed_via_github_app: null;
}

/** A deployment status as stored: the REST shape plus `auto_inactive` as requested. */
export interface StoredDeploymentStatus extends GitHubDeploymentStatus {
  auto_inactive: boolean;
}

/** An OIDC token the server minted. */
export interface IssuedOidcToken {
  audience: string;
  token: string;
  claims: Readonly<Record<string, unknown>>;
}
