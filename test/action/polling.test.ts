import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { readQuota } from '../support/realism/read-quota.js';
import { readRate, stackOperationsInProgress } from '../support/realism/stack-operations.js';
import { runAction } from '../support/run-action.js';

// Real CloudFormation keeps a stack *_IN_PROGRESS for minutes and shares one read quota among every
// PR deploying in the account. Here a create or delete takes 80 CloudFormation seconds at 100 ms each
// (8 s), and the account's CloudFormation reads are a bucket of 20 refilled at 2 per second.
const MS_PER_SECOND = 100;
const SECONDS = { create: 80, update: 60, delete: 80 };
const QUOTA = { perSecond: 2, burst: 20 };

const inputs = {
  'app-dir': 'test/fixtures/apps/one-stack',
  'deployment-method': 'direct',
  bootstrap: 'true',
};

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
  github.addPull({ number: 42, state: 'open' });
  github.addPull({ number: 43, state: 'open' });
  github.addPull({ number: 44, state: 'open' });
});
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
});

describe('CloudFormation reads while stacks change', () => {
  it('with the defaults, deploy and destroy read about once a second per stack and are never throttled', async () => {
    const operations = stackOperationsInProgress({ msPerSecond: MS_PER_SECOND, seconds: SECONDS });
    const quota = readQuota(QUOTA);
    proxy.configure({ realism: [quota, operations] });
    const env = { AWS_ENDPOINT_URL: proxy.endpoint };
    // poll-interval-ms empty: what runs on AWS (the tests otherwise poll every 50 ms).
    const defaults = { ...inputs, 'poll-interval-ms': '' };

    const deployed = await runAction({ moto, github, env, inputs: defaults });
    expect(deployed.exitCode, deployed.log).toBe(0);
    const destroyed = await runAction({
      moto,
      github,
      env,
      inputs: defaults,
      event: 'pull-request-closed-merged',
    });
    expect(destroyed.exitCode, destroyed.log).toBe(0);

    expect(operations.windows.map((window) => [window.stack, window.status])).toEqual([
      ['CDKToolkit', 'CREATE_IN_PROGRESS'],
      ['pr-42-data', 'CREATE_IN_PROGRESS'],
      ['pr-42-data', 'DELETE_IN_PROGRESS'],
    ]);
    // The stacks were watched while they changed (the rate is not 0 for want of looking) ...
    expect(operations.windows.every((window) => window.reads > 0)).toBe(true);
    // ... at most about one read per second per stack, and the account's quota was never exceeded.
    const seen = JSON.stringify({
      windows: operations.windows.map(({ snapshot: _, ...window }) => window),
      quota: quota.counts,
    });
    expect(readRate(operations.windows), seen).toBeLessThanOrEqual(1);
    expect(quota.counts.throttled, seen).toBe(0);
    proxy.configure({});
  }, 300_000);

  it('polling every millisecond, as prenv used to, exceeds the same quota', async () => {
    const operations = stackOperationsInProgress({ msPerSecond: MS_PER_SECOND, seconds: SECONDS });
    const quota = readQuota(QUOTA);
    proxy.configure({ realism: [quota, operations] });
    await runAction({
      moto,
      github,
      env: { AWS_ENDPOINT_URL: proxy.endpoint },
      inputs: { ...inputs, 'poll-interval-ms': '1' },
      eventOverrides: { number: 43, pull_request: { number: 43 } },
    });
    // Throttled reads are refused before they count, and the SDK backs off: what got through still
    // exceeds the target, and the quota refused more (how many depends on the machine's load: any
    // throttled read is what prenv's own settings never cause).
    expect(readRate(operations.windows.filter((window) => window.stack === 'pr-43-data'))).toBeGreaterThan(1);
    expect(quota.counts.throttled).toBeGreaterThan(0);
    proxy.configure({});
  }, 300_000);

  it('four stacks deploying at once poll once a second together, and are not throttled meanwhile', async () => {
    // toolkit-lib reads each deploying stack twice per interval (events and status): at 2.5 s, four
    // stacks would read 3.2 times a second, and over a 20 s create empty the bucket of 20.
    const operations = stackOperationsInProgress({ msPerSecond: MS_PER_SECOND, seconds: { create: 200 } });
    const quota = readQuota(QUOTA);
    proxy.configure({ realism: [quota, operations] });
    const run = await runAction({
      moto,
      github,
      env: { AWS_ENDPOINT_URL: proxy.endpoint },
      inputs: { ...inputs, 'app-dir': 'test/fixtures/apps/four-stacks', 'poll-interval-ms': '' },
      eventOverrides: { number: 44, pull_request: { number: 44 } },
    });
    proxy.configure({});

    expect(run.exitCode, run.log).toBe(0);
    const created = operations.windows.filter((window) => window.stack.startsWith('pr-44-'));
    expect(created.map((window) => window.stack).sort()).toEqual(
      ['alpha', 'bravo', 'charlie', 'delta'].map((id) => `pr-44-${id}`),
    );
    const seen = JSON.stringify({
      windows: created.map(({ snapshot: _, ...window }) => window),
      quota: quota.counts,
      throttledAt: quota.throttledAt,
    });
    // They were deployed at once (each started before any other ended) ...
    const lastStart = Math.max(...created.map((window) => window.startedAt));
    const firstEnd = Math.min(...created.map((window) => window.endsAt));
    expect(lastStart, seen).toBeLessThan(firstEnd);
    // ... read about once a second together while they were in progress (each stack's reads per
    // second of its own window, summed; 1.25: each window's first reads) ...
    const together = created.reduce(
      (sum, window) => sum + window.reads / ((window.endsAt - window.startedAt) / 1000),
      0,
    );
    expect(together, seen).toBeLessThanOrEqual(1.25);
    // ... and nothing was throttled while they were polled. (toolkit-lib's own reads before each
    // stack's deploy, about seven per stack in a burst, may be: the SDK retries them.)
    expect(
      quota.throttledAt.filter((at) => at > lastStart + 2_000 && at < firstEnd),
      seen,
    ).toEqual([]);
  }, 300_000);
});
