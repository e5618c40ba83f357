import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;
let proxy: RecordingProxy;

beforeAll(async () => {
  [moto, github, proxy] = await Promise.all([startMoto(), startGitHubServer(), startRecordingProxy()]);
  github.addPull({ number: 42, state: 'closed', merged: true });
});
afterAll(async () => {
  await Promise.all([github?.close(), proxy?.close()]);
  await moto?.stop();
});

/** The stand-in under a name only the proxy can resolve, as a GitHub Enterprise Server host. */
const enterpriseUrl = () => `http://ghes.prenv.invalid:${new URL(github.url).port}`;

describe('GitHub Enterprise Server behind a proxy', () => {
  it("takes the API base URL from the runner's GITHUB_API_URL and sends every GitHub call through the proxy", async () => {
    const run = await runAction({
      moto,
      github,
      event: 'pull-request-closed-merged',
      env: { GITHUB_API_URL: enterpriseUrl(), HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
    });

    expect(run.exitCode, run.log).toBe(0);
    // The host never resolves: the comment exists only because the request went through the proxy.
    expect(github.comments(42)).toHaveLength(1);
    const toGitHub = proxy.requests.filter((request) => request.host === 'ghes.prenv.invalid');
    expect(toGitHub.length).toBeGreaterThan(0);
    expect(github.requests.length).toBeGreaterThan(0);
  }, 120_000);

  it('goes direct to a GitHub host listed in NO_PROXY (which, unresolvable, then fails without failing the step)', async () => {
    proxy.clear();
    const before = github.comments(42).length;
    const run = await runAction({
      moto,
      github,
      event: 'pull-request-closed-merged',
      env: {
        GITHUB_API_URL: enterpriseUrl(),
        HTTP_PROXY: proxy.url,
        HTTPS_PROXY: proxy.url,
        NO_PROXY: 'ghes.prenv.invalid',
      },
    });

    expect(run.exitCode, run.log).toBe(0);
    expect(proxy.requests.filter((request) => request.host === 'ghes.prenv.invalid')).toEqual([]);
    expect(github.comments(42)).toHaveLength(before);
  }, 180_000);
});
