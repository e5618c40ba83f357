import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { MOTO_ACCOUNT, type Moto, startMoto } from '../support/moto.js';
import { stackOperationsInProgress } from '../support/realism/stack-operations.js';
import { stsExpiry } from '../support/realism/sts-expiry.js';
import { runAction } from '../support/run-action.js';

// STS sessions last an hour and a slow deploy plus an e2e suite can outlast one. Here every session
// the proxy's STS hands out lasts 15 s, and each stack create or delete takes 20 s.
const LIFETIME_MS = 15_000;

const inputs = {
  'app-dir': 'test/fixtures/apps/one-stack',
  'deployment-method': 'direct',
  bootstrap: 'true',
  'role-to-assume': `arn:aws:iam::${MOTO_ACCOUNT}:role/prenv-sandbox`,
  'test-command': 'node test/fixtures/scripts/caller-identity.mjs',
  'test-timeout-minutes': '1',
};

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
  github.addPull({ number: 42, state: 'open' });
});
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
});

describe('credentials on long runs', () => {
  it('deploy, e2e and destroy outlive their first session: prenv assumes the role again with a new OIDC token', async () => {
    const expiry = stsExpiry({ lifetimeMs: LIFETIME_MS });
    proxy.configure({
      realism: [
        expiry,
        stackOperationsInProgress({ msPerSecond: 100, seconds: { create: 200, delete: 200 } }),
      ],
    });
    const env = { AWS_ENDPOINT_URL: proxy.endpoint };

    const deployed = await runAction({ moto, github, env, inputs, idToken: true });
    expect(deployed.exitCode, deployed.log).toBe(0);
    expect(deployed.outputs['test-result'], deployed.log).toBe('passed');
    const destroyed = await runAction({
      moto,
      github,
      env,
      inputs,
      idToken: true,
      event: 'pull-request-closed-merged',
    });
    expect(destroyed.exitCode, destroyed.log).toBe(0);

    // Nothing was refused, and it was not for want of expiring: new sessions, each from a new token.
    expect(expiry.expired).toEqual([]);
    expect(deployed.durationMs + destroyed.durationMs).toBeGreaterThan(3 * LIFETIME_MS);
    const assumedWithOidc = proxy.calls.filter((call) => call.action === 'AssumeRoleWithWebIdentity');
    expect(assumedWithOidc.length).toBeGreaterThan(3);
    expect(github.oidcTokens().length).toBe(assumedWithOidc.length);
    proxy.configure({});
  }, 400_000);

  it('refuses, before any AWS call, a role session shorter than test-timeout-minutes', async () => {
    const before = proxy.calls.length;
    const run = await runAction({
      moto,
      github,
      env: { AWS_ENDPOINT_URL: proxy.endpoint },
      inputs: { ...inputs, 'role-duration-seconds': '900', 'test-timeout-minutes': '30' },
      idToken: true,
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/role-duration-seconds \(900\) is shorter than test-timeout-minutes \(30 min/);
    expect(proxy.calls.length).toBe(before);
  });
});
