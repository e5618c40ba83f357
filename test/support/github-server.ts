import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay, setImmediate as nextLoop } from 'node:timers/promises';
import { FailureQueue, resourceNotAccessible } from './github-server-failures.js';
import type { ApiRequest, ApiResponse } from './github-server-http.js';
import { errorResponse } from './github-server-http.js';
import type { OidcConfig } from './github-server-oidc.js';
import { handleOidc, OIDC_PATH } from './github-server-oidc.js';
import type { RouteContext } from './github-server-routes.js';
import { handleRest } from './github-server-routes.js';
import { GitHubStore } from './github-server-store.js';
import type {
  Failure,
  GitHubComment,
  GitHubPull,
  GitHubServerOptions,
  IssuedOidcToken,
  PullSeed,
  RecordedHeaders,
  RecordedRequest,
  StoredDeployment,
  StoredDeploymentStatus,
} from './github-server-types.js';

export { primaryRateLimit, resourceNotAccessible, secondaryRateLimit } from './github-server-failures.js';
export { decodeJwtPayload } from './github-server-oidc.js';
export { MAX_COMMENT_LENGTH } from './github-server-routes.js';
export { fakeSha } from './github-server-store.js';
export type * from './github-server-types.js';

/** A running GitHub REST API stand-in on 127.0.0.1, with its state and what it was asked. */
export interface GitHubServer {
  /** Base URL, e.g. `http://127.0.0.1:PORT`: use it as GITHUB_API_URL or Octokit's `baseUrl`. */
  readonly url: string;
  /** The OIDC token URL, already holding `?api-version=2.0`: ACTIONS_ID_TOKEN_REQUEST_URL. */
  readonly oidcRequestUrl: string;
  /** The bearer token the OIDC endpoint requires: ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly oidcRequestToken: string;
  /** The served repository, `owner/name`. */
  readonly repository: string;
  /** Every request received, in arrival order (cleared in place by `reset`). */
  readonly requests: readonly RecordedRequest[];
  /** Whether the server still accepts connections. */
  readonly listening: boolean;
  /** The variables a runner would set for this server: GITHUB_API_URL, GITHUB_REPOSITORY, ACTIONS_ID_TOKEN_*. */
  env(): Record<string, string>;
  /** Stops listening and destroys every open socket; safe to call twice. */
  close(): Promise<void>;
  /** Forgets all state, recorded requests, queued failures and issued tokens. */
  reset(): void;
  /** Adds (or replaces) a pull request. */
  addPull(seed: PullSeed): GitHubPull;
  /** Opens, closes or merges a seeded pull request. */
  setPullState(number: number, state: 'open' | 'closed', merged?: boolean): GitHubPull;
  /** Replaces the labels a seeded pull request carries (as adding or removing one in the UI does). */
  setPullLabels(number: number, labels: readonly string[]): GitHubPull;
  /** The stored comments of issue or PR `number`, oldest first. */
  comments(number: number): GitHubComment[];
  /**
   * Stores a comment on issue or PR `number`, as `user` (a login ending in [bot] is a Bot, any
   * other a User: seed a drive-by comment with the marker this way). @default 'github-actions[bot]' (or `botLogin`)
   */
  addComment(number: number, body: string, user?: string): GitHubComment;
  /** Every deployment created, oldest first, with `auto_merge` and `required_contexts` as requested. */
  deployments(): StoredDeployment[];
  /** Seeds a transient deployment of the environment, as an earlier push's deploy made it (prenv's payload marker by default); returns its id. */
  addDeployment(environment: string, ref?: string, payload?: unknown): number;
  /** The statuses of deployment `id`, oldest first (empty when unknown). */
  deploymentStatuses(id: number): StoredDeploymentStatus[];
  /** Makes the next `count` requests matching `failure.match` answer `failure` (`Infinity`: all). */
  failNext(count: number, failure: Failure): void;
  /** Every deployments request answers 403 "Resource not accessible by integration" from now on. */
  denyDeployments(): void;
  /** The OIDC tokens minted so far, with the audience each was asked for. */
  oidcTokens(): IssuedOidcToken[];
}

const RECORDED_HEADERS = [
  'authorization',
  'accept',
  'content-type',
  'user-agent',
  'x-github-api-version',
] as const;

/** Starts a stateful GitHub REST API stand-in on 127.0.0.1 and a free port. */
export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const repository = options.repository ?? 'octo-org/invoices';
  const now = options.now ?? (() => new Date());
  const latencyMs = options.latencyMs ?? 0;
  const requests: RecordedRequest[] = [];
  const failures = new FailureQueue();
  const issued: IssuedOidcToken[] = [];
  const holder: { context?: RouteContext; oidc?: OidcConfig } = {};

  const answer = (request: ApiRequest): ApiResponse => {
    const { context, oidc } = holder;
    if (context === undefined || oidc === undefined) return errorResponse(503);
    const failure = failures.take(request.method, request.path);
    if (failure !== undefined) return failure;
    if (request.path === OIDC_PATH) return handleOidc(request, oidc, issued);
    if (options.token !== undefined && !authorized(request, options.token)) {
      return errorResponse(401, 'Bad credentials');
    }
    return handleRest(request, context);
  };

  const server = createServer((req, res) => {
    serve(req, res, { requests, latencyMs, now, answer }).catch((error: unknown) => {
      if (!res.headersSent) write(res, errorResponse(500, `stand-in failed: ${String(error)}`));
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const store = new GitHubStore({
    repository,
    botLogin: options.botLogin ?? 'github-actions[bot]',
    apiUrl: url,
    now,
  });
  const oidcRequestToken = randomBytes(16).toString('hex');
  const botLogin = options.botLogin ?? 'github-actions[bot]';
  const loginOf = (request: ApiRequest) => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? header.slice(header.indexOf(' ') + 1) : '';
    return options.logins?.[token] ?? botLogin;
  };
  holder.context = { store, repository, baseUrl: url, loginOf };
  holder.oidc = { requestToken: oidcRequestToken, repository, now, claims: options.oidcClaims ?? {} };
  const oidcRequestUrl = `${url}${OIDC_PATH}?api-version=2.0`;
  let closing: Promise<void> | undefined;

  return {
    url,
    oidcRequestUrl,
    oidcRequestToken,
    repository,
    requests,
    get listening() {
      return server.listening;
    },
    env() {
      return {
        GITHUB_API_URL: url,
        GITHUB_REPOSITORY: repository,
        ACTIONS_ID_TOKEN_REQUEST_URL: oidcRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidcRequestToken,
      };
    },
    close() {
      closing ??= closeServer(server, sockets);
      return closing;
    },
    reset() {
      store.clear();
      requests.length = 0;
      issued.length = 0;
      failures.clear();
    },
    addPull: (seed) => store.addPull(seed),
    setPullState: (number, state, merged) => store.setPullState(number, state, merged),
    setPullLabels: (number, labels) => store.setPullLabels(number, labels),
    comments: (number) => store.comments(number),
    addComment: (number, body, user) => store.addComment(number, body, user),
    deployments: () => store.deployments(),
    addDeployment: (environment, ref = 'main', payload = { prenv: { environment } }) =>
      store.createDeployment({
        ref,
        task: 'deploy',
        environment,
        description: null,
        payload,
        transient_environment: true,
        production_environment: false,
        auto_merge: false,
        required_contexts: [],
      }).id,
    deploymentStatuses: (id) => store.statuses(id) ?? [],
    failNext: (count, failure) => failures.add(count, failure),
    denyDeployments() {
      failures.add(
        Number.POSITIVE_INFINITY,
        resourceNotAccessible({ pathPrefix: `/repos/${repository}/deployments` }),
      );
    },
    oidcTokens: () => issued.map((token) => ({ ...token })),
  };
}

/** Closes the listener and every socket, resolving once their handles are released. */
async function closeServer(server: Server, sockets: ReadonlySet<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const socketsClosed = [...sockets].map((socket) => once(socket, 'close'));
  for (const socket of sockets) socket.destroy();
  await Promise.all([closed, ...socketsClosed]);
  // libuv releases closed handles in its close phase, after the check phase: wait a full turn.
  await nextLoop();
  await nextLoop();
}

interface ServeOptions {
  requests: RecordedRequest[];
  latencyMs: number;
  now: () => Date;
  answer: (request: ApiRequest) => ApiResponse;
}

async function serve(req: IncomingMessage, res: ServerResponse, options: ServeOptions): Promise<void> {
  const started = performance.now();
  const target = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req);
  const parsed = parseBody(raw, req.headers['content-type']);
  const record: RecordedRequest = {
    method,
    path: target.pathname,
    query: Object.fromEntries(target.searchParams),
    body: parsed.body,
    headers: recordedHeaders(req),
    status: 0,
    time: options.now(),
    durationMs: 0,
  };
  options.requests.push(record);
  if (options.latencyMs > 0) await delay(options.latencyMs);
  const request: ApiRequest = {
    method,
    path: target.pathname,
    query: target.searchParams,
    body: parsed.body,
    headers: req.headers,
  };
  const response = parsed.ok ? options.answer(request) : errorResponse(400, 'Problems parsing JSON');
  record.status = response.status;
  record.durationMs = performance.now() - started;
  write(res, response);
}

function write(res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const text = typeof response.body === 'string';
  const payload =
    response.body === undefined || response.status === 204
      ? ''
      : text
        ? response.body
        : JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-github-request-id': randomUUID(),
    ...response.headers,
  });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): { ok: boolean; body: unknown } {
  if (raw === '') return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(raw) as unknown };
  } catch {
    return { ok: !(contentType ?? '').includes('json'), body: raw };
  }
}

function recordedHeaders(req: IncomingMessage): RecordedHeaders {
  const headers: RecordedHeaders = {};
  for (const name of RECORDED_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

function authorized(request: ApiRequest, token: string): boolean {
  const header = request.headers.authorization;
  return (
    typeof header === 'string' &&
    /^(token|bearer) /i.test(header) &&
    header.slice(header.indexOf(' ') + 1) === token
  );
}
