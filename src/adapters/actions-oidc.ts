import type { OidcPort } from '../ports.js';

const ATTEMPTS = 3;

/**
 * The GitHub Actions OIDC token source. The request URL and token are read from env once, here, and
 * kept in memory: prenv asks for new tokens to assume the role again long after the start, and the
 * variables are not left for PR code to read.
 */
export function actionsOidcFrom(env: NodeJS.ProcessEnv): OidcPort {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL || undefined;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN || undefined;
  return {
    available: () => url !== undefined && requestToken !== undefined,
    token: async (audience) => {
      if (url === undefined || requestToken === undefined) {
        throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set');
      }
      return requestIdToken(`${url}&audience=${encodeURIComponent(audience)}`, requestToken);
    },
  };
}

/** GETs a token from the Actions token service, retrying its 5xx and network errors. */
async function requestIdToken(url: string, requestToken: string): Promise<string> {
  let failure = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
      });
      if (response.ok) {
        const value = ((await response.json()) as { value?: unknown }).value;
        if (typeof value === 'string' && value !== '') return value;
        throw new Error('the token service answered without a token');
      }
      failure = `HTTP ${response.status} ${(await response.text()).slice(0, 200)}`;
      if (response.status < 500) break;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
  }
  throw new Error(`Failed to get an ID token: ${failure}`);
}
