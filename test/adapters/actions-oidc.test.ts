import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsOidcFrom } from '../../src/adapters/actions-oidc.js';
import { decodeJwtPayload, type GitHubServer, startGitHubServer } from '../support/github-server.js';

let github: GitHubServer;
beforeAll(async () => {
  github = await startGitHubServer();
});
afterAll(async () => {
  await github?.close();
});

describe('actionsOidcFrom', () => {
  it('reads the token source once: tokens still come after the variables are gone', async () => {
    const env: NodeJS.ProcessEnv = {
      ACTIONS_ID_TOKEN_REQUEST_URL: github.oidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.oidcRequestToken,
    };
    const oidc = actionsOidcFrom(env);
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL;
    delete env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;

    expect(oidc.available()).toBe(true);
    const first = await oidc.token('sts.amazonaws.com');
    const second = await oidc.token('sts.amazonaws.com');
    expect(decodeJwtPayload(first).aud).toBe('sts.amazonaws.com');
    expect(second).not.toBe(first);
  });

  it('is unavailable without id-token: write, and says why a request is refused', async () => {
    expect(actionsOidcFrom({}).available()).toBe(false);
    const wrong = actionsOidcFrom({
      ACTIONS_ID_TOKEN_REQUEST_URL: github.oidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-token',
    });
    await expect(wrong.token('sts.amazonaws.com')).rejects.toThrow(/HTTP 401/);
  });
});
