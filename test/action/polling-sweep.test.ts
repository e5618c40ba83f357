/**
 * A scheduled sweep deletes several environments at once (four at a time, each wave's stacks
 * together): every stack it waits for reads CloudFormation, and they all share one account quota.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { liveStackNames, ownedTags, plantStacks } from '../support/moto-stacks.js';
import { readQuota } from '../support/realism/read-quota.js';
import { readRate, stackOperationsInProgress } from '../support/realism/stack-operations.js';
import { runAction } from '../support/run-action.js';

// As in polling.test.ts: 100 ms per CloudFormation second, the account's reads a bucket of 20
// refilled at 2 per second. A delete takes 80 CloudFormation seconds (8 s here).
const MS_PER_SECOND = 100;
const QUOTA = { perSecond: 2, burst: 20 };
const REPO = 'octo-org/invoices';
const FUTURE = '2999-01-01T00:00:00Z';

// Four closed PRs, three stacks each, all in one wave: twelve stacks deleting at once.
const PULLS = [501, 502, 503, 504];
const STACKS = PULLS.flatMap((pr) =>
  ['data', 'api', 'web'].map((part) => ({ name: `pr-${pr}-${part}`, tags: ownedTags(REPO, pr, FUTURE) })),
);

let moto: Moto;
let proxy: AwsProxy;
let github: GitHubServer;

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  proxy = await startAwsProxy(moto.endpoint);
  for (const pr of PULLS) github.addPull({ number: pr, state: 'closed', merged: true });
  await plantStacks(moto, STACKS);
}, 120_000);
afterAll(async () => {
  await Promise.all([proxy?.close(), github?.close()]);
  await moto?.stop();
});

describe('a sweep of twelve stacks deleting at once, with the polling prenv uses on AWS', () => {
  it('stays within the account read quota: never throttled, every stack deleted', async () => {
    const operations = stackOperationsInProgress({ msPerSecond: MS_PER_SECOND, seconds: { delete: 80 } });
    const quota = readQuota(QUOTA);
    proxy.configure({ realism: [quota, operations] });
    const run = await runAction({
      moto,
      github,
      event: 'schedule',
      inputs: { comment: 'false', 'poll-interval-ms': '' },
      env: { AWS_ENDPOINT_URL: proxy.endpoint },
    });
    proxy.configure({});

    expect(run.exitCode, run.log).toBe(0);
    expect(await liveStackNames(moto)).toEqual([]);
    const seen = JSON.stringify({
      windows: operations.windows.map(({ snapshot: _, ...window }) => window),
      quota: quota.counts,
    });
    expect(operations.windows).toHaveLength(STACKS.length);
    expect(quota.counts.throttled, seen).toBe(0);
    expect(readRate(operations.windows), seen).toBeLessThanOrEqual(1);
  }, 300_000);
});
