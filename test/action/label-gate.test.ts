import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestNumber } from '../fixtures/events.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { liveStackNames, plantStacks } from '../support/moto-stacks.js';
import { type RunActionOptions, runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;

const inputs = {
  'app-dir': 'test/fixtures/apps/one-stack',
  'deployment-method': 'direct',
  bootstrap: 'true',
  'require-label': 'preview',
};
const DECOY = 'pr-42-shared';
/** The live stacks of PR 42's environment and its decoy (CDK's bootstrap stack left out). */
const stacks = async () => (await liveStackNames(moto)).filter((name) => name.startsWith('pr-42-'));
const run = (options: RunActionOptions) => runAction({ moto, github, inputs, ...options });

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 42, state: 'open' });
  // Another repository's PR 42, with a name in this environment's prefix: never touched.
  await plantStacks(moto, [
    {
      name: DECOY,
      tags: { 'prenv:managed-by': 'prenv', 'prenv:repository': 'someone/else', 'prenv:pull-request': '42' },
    },
  ]);
});
afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
});

describe('require-label: an environment only while the PR carries the label', () => {
  it('opened without the label: a green step with a notice, nothing deployed, no comment', async () => {
    const result = await run({ event: 'pull-request-opened' });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toMatch(/::notice::.*does not carry the label "preview"/);
    expect(result.summary).toContain('nothing to do');
    expect(result.outputs.stacks).toBe('[]');
    expect(await stacks()).toEqual([DECOY]);
    expect(github.comments(42)).toEqual([]);
    expect(github.deployments()).toEqual([]);
  });

  it('closed without an environment: nothing destroyed, no comment (the PR never had one)', async () => {
    github.addPull({ number: 43, state: 'closed' });
    const result = await run({
      event: 'pull-request-closed-unmerged',
      eventOverrides: pullRequestNumber(43),
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain('is closed and has no environment');
    expect(github.comments(43)).toEqual([]);
    expect(github.deployments()).toEqual([]);
  });

  it('labeled with another label: nothing', async () => {
    github.setPullLabels(42, ['bug']);
    const result = await run({ event: 'pull-request-labeled', eventOverrides: { label: { name: 'bug' } } });
    expect(result.exitCode, result.log).toBe(0);
    expect(await stacks()).toEqual([DECOY]);
    expect(github.comments(42)).toEqual([]);
  });

  it('labeled with the label: deploys', async () => {
    github.setPullLabels(42, ['bug', 'preview']);
    const result = await run({ event: 'pull-request-labeled' });
    expect(result.exitCode, result.log).toBe(0);
    expect(JSON.parse(result.outputs.stacks ?? '[]')).toEqual(['pr-42-data']);
    expect(await stacks()).toEqual(['pr-42-data', DECOY]);
    expect(github.comments(42)).toHaveLength(1);
  }, 180_000); // bootstrap and deploy: about 30 s alone, several times that on a busy 2-core machine

  it('an unlabeled event replayed while the PR carries the label again: the environment stays', async () => {
    const result = await run({ event: 'pull-request-unlabeled' });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain('carries the label "preview" again');
    expect(await stacks()).toEqual(['pr-42-data', DECOY]);
  });

  it('unlabeled: destroys the environment, keeps the decoy, says so in the same comment', async () => {
    github.setPullLabels(42, ['bug']);
    const result = await run({ event: 'pull-request-unlabeled' });
    expect(result.exitCode, result.log).toBe(0);
    expect(JSON.parse(result.outputs.stacks ?? '[]')).toEqual(['pr-42-data']);
    expect(await stacks()).toEqual([DECOY]);
    expect(github.comments(42)).toHaveLength(1);
    expect(github.comments(42)[0]?.body).toMatch(/destroyed/i);
  });

  it('a push queued before the label was removed: reads the labels now and destroys what exists', async () => {
    github.setPullLabels(42, ['preview']);
    expect((await run({ event: 'pull-request-labeled' })).exitCode).toBe(0);
    expect(await stacks()).toEqual(['pr-42-data', DECOY]);

    github.setPullLabels(42, []);
    // The payload still lists the label, as a queued or re-run event's payload would.
    const result = await run({
      event: 'pull-request-synchronize',
      eventOverrides: { pull_request: { labels: [{ name: 'preview' }] } },
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain('destroying its environment');
    expect(await stacks()).toEqual([DECOY]);
  }, 180_000);
});
