import { randomUUID } from 'node:crypto';
import type { ApiRequest, ApiResponse } from './github-server-http.js';
import { errorResponse } from './github-server-http.js';
import type { IssuedOidcToken } from './github-server-types.js';

/** Path of the token endpoint; its URL carries `?api-version=2.0` like ACTIONS_ID_TOKEN_REQUEST_URL. */
export const OIDC_PATH = '/_apis/oidc/idtoken';

/** What the OIDC endpoint needs to mint tokens. */
export interface OidcConfig {
  requestToken: string;
  repository: string;
  now: () => Date;
  claims: Readonly<Record<string, unknown>>;
}

/** An unsigned JWT-shaped string (header.payload.signature, base64url) carrying `claims`. */
export function fakeJwt(claims: Readonly<Record<string, unknown>>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signature = Buffer.from('not-a-real-signature').toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'prenv-test' })}.${part(claims)}.${signature}`;
}

/** The claims of a JWT, without verifying anything. */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT: expected header.payload.signature');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Answers the Actions OIDC token request: bearer token and `audience` required, `{value}` returned. */
export function handleOidc(request: ApiRequest, config: OidcConfig, issued: IssuedOidcToken[]): ApiResponse {
  if (request.method !== 'GET') return errorResponse(405);
  if (request.headers.authorization !== `Bearer ${config.requestToken}`) {
    return errorResponse(
      401,
      'Unauthorized: Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN> required',
    );
  }
  if (request.query.get('api-version') !== '2.0') return errorResponse(400, 'api-version=2.0 required');
  const audience = request.query.get('audience');
  if (audience === null || audience === '') return errorResponse(400, 'audience query parameter required');
  const iat = Math.floor(config.now().getTime() / 1000);
  const [owner] = config.repository.split('/');
  const claims = {
    jti: randomUUID(),
    sub: `repo:${config.repository}:pull_request`,
    aud: audience,
    iss: 'https://token.actions.githubusercontent.com',
    repository: config.repository,
    repository_owner: owner,
    event_name: 'pull_request',
    nbf: iat - 5,
    iat,
    exp: iat + 300,
    ...config.claims,
  };
  const token = fakeJwt(claims);
  issued.push({ audience, token, claims });
  return { status: 200, body: { count: 1, value: token } };
}
