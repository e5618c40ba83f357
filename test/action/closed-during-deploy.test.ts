import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { liveStackNames } from '../support/moto-stacks.js';
import { runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 42, state: 'open' });
});
afterAll(async () => {
  await github?.close();
  await moto?.stop();
});

/** Closes PR 42 as soon as the action has read it once (its check that the PR is still open). */
async function closeAfterFirstRead(): Promise<void> {
  const read = () =>
    github.requests.some((request) => request.method === 'GET' && request.path.endsWith('/pulls/42'));
  for (let tries = 0; tries < 3_000 && !read(); tries += 1) await delay(10);
  github.setPullState(42, 'closed', true);
}

describe('a PR closed while its deploy runs', () => {
  it('is destroyed by that same run: the stacks just deployed are deleted and the comment says destroyed', async () => {
    const [run] = await Promise.all([
      runAction({
        moto,
        github,
        inputs: {
          'app-dir': 'test/fixtures/apps/one-stack',
          'deployment-method': 'direct',
          bootstrap: 'true',
        },
      }),
      closeAfterFirstRead(),
    ]);

    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toContain('was closed while pr-42 was deploying: destroying it');
    expect((await liveStackNames(moto)).filter((name) => name.startsWith('pr-42-'))).toEqual([]);
    const comments = github.comments(42);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/destroyed/i);
    const [deployment] = github.deployments();
    expect(github.deploymentStatuses(deployment?.id ?? 0).at(-1)?.state).toBe('inactive');
    expect(run.summary).toMatch(/destroyed/i);
  });
});
