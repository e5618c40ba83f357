/**
 * Issue 13.4, through the whole action on moto: PR code holds sandbox credentials and can write any
 * tag. Stacks wearing another environment's tags survive destroy and the sweep: one outside the
 * environment's prefix, and ones inside a prefix whose tags name another PR's environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { liveStackNames, ownedTags, plantStacks } from '../support/moto-stacks.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;

const REPO = 'octo-org/invoices';
const FUTURE = '2999-01-01T00:00:00Z';

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 42, state: 'closed', merged: true });
  github.addPull({ number: 7, state: 'closed' });
  github.addPull({ number: 8, state: 'open' });
  await plantStacks(moto, [
    { name: 'pr-42-api', tags: ownedTags(REPO, 42, FUTURE) }, // PR 42's own: destroyed
    { name: 'shared-network', tags: ownedTags(REPO, 42, FUTURE) }, // forged: outside pr-42-
    { name: 'pr-8-api', tags: ownedTags(REPO, 42, FUTURE) }, // forged: open PR 8's stack, tagged as 42's
    { name: 'pr-8-data', tags: ownedTags(REPO, 7, FUTURE) }, // forged: tagged as closed PR 7's
    { name: 'pr-8-queue', tags: ownedTags(REPO, 7, FUTURE, { 'prenv:environment': 'pr-8' }) },
    { name: 'pr-7-api', tags: ownedTags(REPO, 7, FUTURE) }, // closed PR 7's own: swept
  ]);
});
afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
});

describe('forged ownership tags on moto', () => {
  it('destroy of PR 42 deletes its own stack and none that only wears its tags', async () => {
    const run = await runAction({ moto, github, event: 'pull-request-closed-merged' });
    expect(run.exitCode, run.log).toBe(0);
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual(['pr-42-api']);
    expect(await liveStackNames(moto)).toEqual([
      'pr-7-api',
      'pr-8-api',
      'pr-8-data',
      'pr-8-queue',
      'shared-network',
    ]);
  });

  it('the sweep deletes closed PR 7’s own stack and keeps the forged ones', async () => {
    const run = await runAction({ moto, github, event: 'schedule' });
    expect(run.exitCode, run.log).toBe(0);
    expect(JSON.parse(run.outputs.stacks ?? '[]')).toEqual(['pr-7-api']);
    expect(await liveStackNames(moto)).toEqual(['pr-8-api', 'pr-8-data', 'pr-8-queue', 'shared-network']);
    expect(github.comments(8)).toEqual([]);
  });
});
