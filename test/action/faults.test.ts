import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { liveStackNames } from '../support/moto-stacks.js';
import { seeded } from '../support/random.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;

const inputs = {
  'app-dir': 'test/fixtures/apps/two-stacks',
  'deployment-method': 'direct',
  bootstrap: 'true',
  'ttl-hours': '1',
};

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
  github.addPull({ number: 42, state: 'open' });
});
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
});

// 30% of AWS calls (CloudFormation, S3, SSM, STS, ...) answer Throttling, a 5xx or a connection reset.
describe('the whole lifecycle with 30% of AWS calls faulted', () => {
  it('opened → synchronize → closed, then cleanup: completes, and nothing is leaked', async () => {
    const env = { AWS_ENDPOINT_URL: proxy.endpoint };
    // The first deploy is faulted too: bootstrap, both creates, the cross-stack export, the asset upload.
    proxy.configure({ faultRate: 0.3, random: seeded(7) });
    const first = await runAction({ moto, github, inputs, env });
    expect(first.exitCode, first.log).toBe(0);
    expect(proxy.calls.filter((call) => call.fault !== undefined).length).toBeGreaterThan(5);

    const opened = await runAction({
      moto,
      github,
      inputs: { ...inputs, context: 'fixture:marker=v2' },
      env,
    });
    expect(opened.exitCode, opened.log).toBe(0);
    const synchronize = await runAction({
      moto,
      github,
      inputs: { ...inputs, context: 'fixture:marker=v3' },
      env,
      event: 'pull-request-synchronize',
    });
    expect(synchronize.exitCode, synchronize.log).toBe(0);
    const closed = await runAction({ moto, github, inputs, env, event: 'pull-request-closed-merged' });
    expect(closed.exitCode, closed.log).toBe(0);
    const sweep = await runAction({ moto, github, env, event: 'schedule' });
    expect(sweep.exitCode, sweep.log).toBe(0);

    const faulted = proxy.calls.filter((call) => call.fault !== undefined);
    // About 70 calls after the first run (fewer since prenv stopped polling every millisecond): about
    // twenty faults, never none.
    expect(faulted.length).toBeGreaterThan(10);
    proxy.configure({});
    expect((await liveStackNames(moto)).filter((name) => name.startsWith('pr-42-'))).toEqual([]);
  }, 400_000);
});
