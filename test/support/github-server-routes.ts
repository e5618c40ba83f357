import type { ApiRequest, ApiResponse } from './github-server-http.js';
import { bodyObject, errorResponse, notFound, paginate, validationFailed } from './github-server-http.js';
import type { DeploymentInput, GitHubStore, StatusInput } from './github-server-store.js';
import { deploymentResponse, statusResponse } from './github-server-store.js';
import type { DeploymentState } from './github-server-types.js';

/** What the REST routes read and change. */
export interface RouteContext {
  store: GitHubStore;
  repository: string;
  baseUrl: string;
  /** The login the request's token belongs to. */
  loginOf: (request: ApiRequest) => string;
}

type Params = Record<string, string>;
type Handler = (request: ApiRequest, params: Params, context: RouteContext) => ApiResponse;

interface Route {
  method: string;
  pattern: RegExp;
  handle: Handler;
}

/** GitHub refuses comment bodies longer than this. */
export const MAX_COMMENT_LENGTH = 65_536;
const STATES: readonly DeploymentState[] = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
];
const REPO = '^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)';

const routes: Route[] = [
  route('GET', '/issues/(?<issue>\\d+)/comments$', (req, p, c) =>
    paginate(c.store.comments(num(p.issue)), req, c.baseUrl),
  ),
  route('POST', '/issues/(?<issue>\\d+)/comments$', createComment),
  route('GET', '/issues/comments/(?<id>\\d+)$', (_req, p, c) => found(c.store.comment(num(p.id)))),
  route('PATCH', '/issues/comments/(?<id>\\d+)$', updateComment),
  route('DELETE', '/issues/comments/(?<id>\\d+)$', (_req, p, c) =>
    c.store.deleteComment(num(p.id)) ? { status: 204 } : notFound(),
  ),
  route('GET', '/pulls/(?<pull>\\d+)$', (_req, p, c) => found(c.store.pull(num(p.pull)))),
  route('GET', '/pulls$', listPulls),
  route('POST', '/deployments$', createDeployment),
  route('GET', '/deployments$', listDeployments),
  route('GET', '/deployments/(?<id>\\d+)$', (_req, p, c) => {
    const deployment = c.store.deployment(num(p.id));
    return deployment === undefined ? notFound() : { status: 200, body: deploymentResponse(deployment) };
  }),
  route('DELETE', '/deployments/(?<id>\\d+)$', deleteDeployment),
  route('POST', '/deployments/(?<id>\\d+)/statuses$', createStatus),
  route('GET', '/deployments/(?<id>\\d+)/statuses$', (req, p, c) => {
    const statuses = c.store.statuses(num(p.id));
    return statuses === undefined
      ? notFound()
      : paginate(statuses.reverse().map(statusResponse), req, c.baseUrl);
  }),
];

/** Answers a REST request from the store; 404 for any path or repository it does not serve. */
export function handleRest(request: ApiRequest, context: RouteContext): ApiResponse {
  if (request.method === 'GET' && request.path === '/rate_limit') return rateLimit();
  for (const candidate of routes) {
    const params = candidate.pattern.exec(request.path)?.groups;
    if (params === undefined || candidate.method !== request.method) continue;
    if (`${params.owner}/${params.repo}`.toLowerCase() !== context.repository.toLowerCase())
      return notFound();
    return candidate.handle(request, params, context);
  }
  return notFound();
}

function route(method: string, suffix: string, handle: Handler): Route {
  return { method, pattern: new RegExp(REPO + suffix), handle };
}

function num(value: string | undefined): number {
  return Number(value);
}

function found(body: unknown): ApiResponse {
  return body === undefined ? notFound() : { status: 200, body };
}

function commentBody(request: ApiRequest): string | ApiResponse {
  const body = bodyObject(request)?.body;
  if (typeof body !== 'string') return validationFailed('IssueComment', 'body', 'missing_field');
  if (body.length > MAX_COMMENT_LENGTH) {
    return validationFailed(
      'IssueComment',
      'body',
      'custom',
      'body is too long (maximum is 65536 characters)',
    );
  }
  return body;
}

function createComment(request: ApiRequest, params: Params, context: RouteContext): ApiResponse {
  const body = commentBody(request);
  if (typeof body !== 'string') return body;
  return { status: 201, body: context.store.addComment(num(params.issue), body, context.loginOf(request)) };
}

function updateComment(request: ApiRequest, params: Params, context: RouteContext): ApiResponse {
  if (context.store.comment(num(params.id)) === undefined) return notFound();
  const body = commentBody(request);
  if (typeof body !== 'string') return body;
  return found(context.store.updateComment(num(params.id), body));
}

function listPulls(request: ApiRequest, _params: Params, context: RouteContext): ApiResponse {
  const state = request.query.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state)) return validationFailed('PullRequest', 'state', 'invalid');
  const base = request.query.get('base');
  const head = request.query.get('head');
  const pulls = context.store
    .pulls()
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => base === null || p.base.ref === base)
    .filter((p) => head === null || p.head.label === head);
  return paginate(pulls, request, context.baseUrl);
}

function createDeployment(request: ApiRequest, _params: Params, context: RouteContext): ApiResponse {
  const body = bodyObject(request) ?? {};
  if (typeof body.ref !== 'string' || body.ref === '')
    return validationFailed('Deployment', 'ref', 'missing_field');
  const environment = typeof body.environment === 'string' ? body.environment : 'production';
  const contexts = body.required_contexts;
  if (contexts !== undefined && !(Array.isArray(contexts) && contexts.every((c) => typeof c === 'string'))) {
    return validationFailed('Deployment', 'required_contexts', 'invalid');
  }
  const input: DeploymentInput = {
    ref: body.ref,
    task: typeof body.task === 'string' ? body.task : 'deploy',
    environment,
    description: typeof body.description === 'string' ? body.description : null,
    payload: body.payload ?? {},
    transient_environment: body.transient_environment === true,
    production_environment:
      typeof body.production_environment === 'boolean'
        ? body.production_environment
        : environment === 'production',
    auto_merge: body.auto_merge !== false,
    required_contexts: contexts === undefined ? null : (contexts as string[]),
  };
  return {
    status: 201,
    body: deploymentResponse(context.store.createDeployment(input, context.loginOf(request))),
  };
}

function listDeployments(request: ApiRequest, _params: Params, context: RouteContext): ApiResponse {
  const filters = (['sha', 'ref', 'task', 'environment'] as const).flatMap((key) => {
    const value = request.query.get(key);
    return value === null ? [] : [[key, value] as const];
  });
  const deployments = context.store
    .deployments()
    .filter((d) => filters.every(([key, value]) => d[key] === value))
    .reverse()
    .map(deploymentResponse);
  return paginate(deployments, request, context.baseUrl);
}

function deleteDeployment(_request: ApiRequest, params: Params, context: RouteContext): ApiResponse {
  const id = num(params.id);
  const statuses = context.store.statuses(id);
  if (statuses === undefined) return notFound();
  const environment = context.store.deployment(id)?.environment;
  const alone = context.store.deployments().filter((d) => d.environment === environment).length === 1;
  const latest = statuses.at(-1)?.state;
  if (!alone && latest !== undefined && latest !== 'inactive') {
    return errorResponse(
      422,
      'We cannot delete an active deployment unless it is the only deployment in a given environment.',
    );
  }
  context.store.deleteDeployment(id);
  return { status: 204 };
}

function createStatus(request: ApiRequest, params: Params, context: RouteContext): ApiResponse {
  const body = bodyObject(request) ?? {};
  const state = body.state;
  if (typeof state !== 'string' || !STATES.includes(state as DeploymentState)) {
    return validationFailed('DeploymentStatus', 'state', state === undefined ? 'missing_field' : 'invalid');
  }
  const input: StatusInput = { state: state as DeploymentState, auto_inactive: body.auto_inactive !== false };
  for (const key of ['description', 'environment', 'target_url', 'log_url', 'environment_url'] as const) {
    const value = body[key];
    if (typeof value === 'string') input[key] = value;
  }
  const status = context.store.createStatus(num(params.id), input);
  return status === undefined ? notFound() : { status: 201, body: statusResponse(status) };
}

function rateLimit(): ApiResponse {
  const core = { limit: 5000, used: 0, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 };
  return { status: 200, body: { resources: { core }, rate: core } };
}
