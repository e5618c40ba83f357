import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { liveStackNames, ownedTags, plantStacks } from '../support/moto-stacks.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;

const REPO = 'octo-org/invoices';
const PAST = '2020-01-01T00:00:00Z';
const FUTURE = '2999-01-01T00:00:00Z';

const owned = (pr: number, expiresAt: string, repository = REPO) => ownedTags(repository, pr, expiresAt);
const plant = (name: string, tags: Record<string, string>) => plantStacks(moto, [{ name, tags }]);
const liveStacks = () => liveStackNames(moto);

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 1, state: 'closed', merged: true });
  github.addPull({ number: 2, state: 'open' });
  github.addPull({ number: 3, state: 'open' });
  await plant('pr-1-api', owned(1, FUTURE)); // PR closed
  await plant('pr-1-data', owned(1, FUTURE)); // same PR: asked once
  await plant('pr-2-api', owned(2, PAST)); // open but expired
  await plant('pr-3-api', owned(3, FUTURE)); // open, not expired: stays
  await plant('pr-9-api', owned(9, FUTURE)); // PR does not exist: counts as closed
  await plant('pr-4-api', owned(4, PAST, 'octo-org/payments')); // another repository's
  await plant('pr-5-api', {}); // untagged
  await plant('shared-network', { team: 'platform' }); // shared
  github.addComment(1, '<!-- prenv:pr-1 -->\nready');
});
afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
});

describe('cleanup sweep on moto', () => {
  it('dry run: reports exactly what it would delete, deletes nothing', async () => {
    const before = await liveStacks();
    const run = await runAction({ moto, github, event: 'workflow-dispatch', inputs: { 'dry-run': 'true' } });
    expect(run.exitCode, run.log).toBe(0);
    expect(JSON.parse(run.outputs.stacks ?? '[]').sort()).toEqual([
      'pr-1-api',
      'pr-1-data',
      'pr-2-api',
      'pr-9-api',
    ]);
    expect(await liveStacks()).toEqual(before);
    expect(run.summary).toMatch(/dry run/i);
    const pullLookups = github.requests.filter((request) => /\/pulls\/\d+$/.test(request.path));
    expect(pullLookups.map((request) => request.path).sort()).toEqual([
      `/repos/${REPO}/pulls/1`,
      `/repos/${REPO}/pulls/2`,
      `/repos/${REPO}/pulls/3`,
      `/repos/${REPO}/pulls/9`,
    ]);
  });

  it('real run on the schedule: deletes the stale environments, keeps everything else, updates the comment', async () => {
    const run = await runAction({ moto, github, event: 'schedule' });
    expect(run.exitCode, run.log).toBe(0);
    expect(await liveStacks()).toEqual(['pr-3-api', 'pr-4-api', 'pr-5-api', 'shared-network']);
    expect(JSON.parse(run.outputs.stacks ?? '[]').sort()).toEqual([
      'pr-1-api',
      'pr-1-data',
      'pr-2-api',
      'pr-9-api',
    ]);
    expect(run.summary).toContain('pr-1');
    expect(github.comments(1)).toHaveLength(1);
    expect(github.comments(1)[0]?.body).toMatch(/destroyed/i);
  });
});
