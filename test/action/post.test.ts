import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { runAction, TEST_TOKEN } from '../support/run-action.js';

let github: GitHubServer;

beforeAll(async () => {
  github = await startGitHubServer();
});
afterAll(async () => {
  await github?.close();
});
beforeEach(() => {
  github.reset();
  github.addPull({ number: 42, state: 'open' });
});

describe('post step', () => {
  it('does nothing when main finished', async () => {
    const run = await runAction({
      github,
      entry: 'post',
      state: { 'prenv-run': JSON.stringify({ phase: 'done' }) },
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(github.requests).toEqual([]);
  });

  it('does nothing when main never started (no state)', async () => {
    const run = await runAction({ github, entry: 'post' });
    expect(run.exitCode, run.log).toBe(0);
    expect(github.requests).toEqual([]);
  });

  it('after a cancelled deploy: says so in the comment, the deployment and the summary, listing what was left', async () => {
    // The deployment main created before it was cancelled.
    const before = await runAction({
      github,
      entry: 'post',
      state: { 'prenv-run': JSON.stringify({ phase: 'done' }) },
    });
    expect(before.exitCode).toBe(0);
    github.addComment(42, '<!-- prenv:pr-42 -->\ndeploying');
    const state = {
      phase: 'deploying',
      environment: 'pr-42',
      pullRequest: 42,
      sha: 'a'.repeat(40),
      stacks: ['pr-42-data', 'pr-42-api'],
    };
    const run = await runAction({ github, entry: 'post', state: { 'prenv-run': JSON.stringify(state) } });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toContain('::warning::');
    const comments = github.comments(42);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/cancel/i);
    expect(comments[0]?.body).toContain('pr-42-api');
    expect(run.summary).toContain('pr-42-data');
    // It never deletes anything: no AWS endpoint is even configured for it.
    expect(run.log).not.toMatch(/DeleteStack/);
  });

  it('ignores state that names another PR or environment, touching nothing', async () => {
    github.addPull({ number: 7, state: 'open' });
    const state = { phase: 'deploying', environment: 'production', pullRequest: 7, stacks: ['prod-db'] };

    const run = await runAction({ github, entry: 'post', state: { 'prenv-run': JSON.stringify(state) } });

    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toContain('ignored the saved state');
    expect(github.requests).toEqual([]);
  });

  it('marks only a deployment prenv created, and lists only stacks in the environment’s prefix', async () => {
    const create = (body: unknown) =>
      fetch(`${github.url}/repos/${github.repository}/deployments`, {
        method: 'POST',
        headers: { authorization: `token ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (response) => ((await response.json()) as { id: number }).id);
    const ours = await create({
      ref: 'main',
      environment: 'pr-42',
      payload: { prenv: { environment: 'pr-42' } },
    });
    const theirs = await create({ ref: 'main', environment: 'pr-42' });
    const state = {
      phase: 'deploying',
      environment: 'pr-42',
      pullRequest: 42,
      stacks: ['pr-42-api', 'prod-db'],
    };

    const run = await runAction({ github, entry: 'post', state: { 'prenv-run': JSON.stringify(state) } });

    expect(run.exitCode, run.log).toBe(0);
    expect(github.deploymentStatuses(ours).map((status) => status.state)).toEqual(['error']);
    expect(github.deploymentStatuses(theirs)).toEqual([]);
    const body = github.comments(42)[0]?.body ?? '';
    expect(body).toContain('pr-42-api');
    expect(body).not.toContain('prod-db');
  });
});
