/**
 * Issue 5, through the whole action and the GitHub stand-in: the sticky comment, the deployment,
 * and what happens when GitHub misbehaves. A GitHub problem is a warning: it never changes the
 * step's outcome, and the job summary still says what happened to the environment. Most runs
 * are destroys of an environment with no stacks left (about 2 s each: destroy never loads the CDK
 * toolkit); one deploy covers the deployment's life. The outage run waits out Octokit's retries
 * (4 per call, 1 + 4 + 9 + 16 s = 30 s per call): it starts first, on its own stand-in and PR, and
 * runs while the other tests do. It runs with comment: false (one call to wait out instead of three:
 * with the comment the run takes about 95 s); the comment's own failure paths are the 502 tests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { type ActionRun, runAction } from '../support/run-action.js';

let moto: Moto;
let github: GitHubServer;
let outageGitHub: GitHubServer;
let outage: Promise<ActionRun>;

const REPO = 'octo-org/invoices';
const MARKER = '<!-- prenv:pr-42 -->';
const COMMENTS = `/repos/${REPO}/issues/42/comments`;

beforeAll(async () => {
  [moto, github, outageGitHub] = await Promise.all([startMoto(), startGitHubServer(), startGitHubServer()]);
  outageGitHub.addPull({ number: 77, state: 'closed', merged: true });
  outageGitHub.failNext(Number.POSITIVE_INFINITY, { status: 500 });
  outage = runAction({
    moto,
    github: outageGitHub,
    event: 'pull-request-closed-merged',
    eventOverrides: { number: 77, pull_request: { number: 77 } },
    inputs: { comment: 'false' },
    timeoutMs: 200_000,
  });
});
afterAll(async () => {
  await outage?.catch(() => undefined);
  await Promise.all([moto?.stop(), github?.close(), outageGitHub?.close()]);
}, 200_000);
beforeEach(() => {
  github.reset();
  github.addPull({ number: 42, state: 'closed', merged: true });
});

function destroyRun(inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ moto, github, event: 'pull-request-closed-merged', inputs });
}

function requestsTo(method: string, path: string | RegExp) {
  return github.requests.filter(
    (request) =>
      request.method === method &&
      (typeof path === 'string' ? request.path === path : path.test(request.path)),
  );
}

function seedChatter(count: number, markerAt?: number): number | undefined {
  let markerId: number | undefined;
  for (let n = 1; n <= count; n++) {
    if (n === markerAt) markerId = github.addComment(42, `${MARKER}\n### ⏳ Deploying \`pr-42\``).id;
    else github.addComment(42, `LGTM #${n}`, 'octocat');
  }
  return markerId;
}

describe('the sticky comment', () => {
  it('is one comment, edited in place by every later run', async () => {
    const first = await destroyRun();
    expect(first.exitCode, first.log).toBe(0);
    const [created] = github.comments(42);
    expect(created?.body.startsWith(MARKER)).toBe(true);

    const second = await destroyRun();
    const third = await destroyRun();

    expect(second.exitCode, second.log).toBe(0);
    expect(third.exitCode, third.log).toBe(0);
    expect(github.comments(42)).toHaveLength(1);
    expect(github.comments(42)[0]?.id).toBe(created?.id);
    expect(requestsTo('POST', COMMENTS)).toHaveLength(1);
    expect(requestsTo('PATCH', `/repos/${REPO}/issues/comments/${created?.id}`)).toHaveLength(2);
    expect(third.outputs['comment-url']).toContain(`#issuecomment-${created?.id}`);
  });

  it.each([
    ['on the first page', 5, false],
    ['at #130, past the first 100', 130, true],
  ])('is found %s of 150 comments and edited, not duplicated', async (_where, markerAt, secondPage) => {
    const markerId = seedChatter(150, markerAt);

    const run = await destroyRun();

    expect(run.exitCode, run.log).toBe(0);
    const comments = github.comments(42);
    expect(comments).toHaveLength(150);
    expect(comments.filter((comment) => comment.body.startsWith(MARKER))).toHaveLength(1);
    const edited = comments.find((comment) => comment.id === markerId);
    expect(edited?.body).toMatch(/destroyed/i);
    expect(requestsTo('POST', COMMENTS)).toEqual([]);
    const pages = requestsTo('GET', COMMENTS).map((request) => request.query.page ?? '1');
    expect(pages.includes('2')).toBe(secondPage);
    expect(comments.filter((comment) => comment.user.login === 'octocat')).toHaveLength(149);
  });

  it('is posted again after someone deleted it', async () => {
    await destroyRun();
    const [first] = github.comments(42);
    const deleted = await fetch(`${github.url}/repos/${REPO}/issues/comments/${first?.id}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(204);
    expect(github.comments(42)).toEqual([]);

    const run = await destroyRun();

    expect(run.exitCode, run.log).toBe(0);
    const comments = github.comments(42);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.id).not.toBe(first?.id);
    expect(comments[0]?.body.startsWith(MARKER)).toBe(true);
  });
});

describe('GitHub failures', () => {
  it('502s on the first calls: retried, still exactly one comment, the step result unaffected', async () => {
    github.failNext(2, { status: 502 });

    const run = await destroyRun();

    expect(run.exitCode, run.log).toBe(0);
    expect(github.requests.slice(0, 2).map((request) => request.status)).toEqual([502, 502]);
    expect(github.comments(42)).toHaveLength(1);
    expect(JSON.parse(run.outputs.stacks ?? '')).toEqual([]);
    expect(run.log).not.toContain('::error::');
  });

  it('a 502 answering the comment POST: looks again, then posts exactly one comment', async () => {
    github.failNext(1, { status: 502, match: { method: 'POST', pathPrefix: COMMENTS } });

    const run = await destroyRun();

    expect(run.exitCode, run.log).toBe(0);
    expect(requestsTo('POST', COMMENTS).map((request) => request.status)).toEqual([502, 201]);
    expect(github.comments(42)).toHaveLength(1);
  });

  it('without deployments: write, warns naming the permission and reports the rest', async () => {
    github.denyDeployments();

    const run = await destroyRun();

    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toMatch(/::warning::.*deployment.*`permissions: deployments: write`/);
    expect(github.comments(42)).toHaveLength(1);
    expect(github.comments(42)[0]?.body).toMatch(/destroyed/i);
    expect(run.summary).toContain('deployments: write');
  });

  // README "Permissions": without `deployments: write` prenv still deploys and says in the comment
  // that it recorded no deployment (the comment carries the GitHub problems, as the summary does).
  it('without deployments: write, the comment says that no deployment was recorded', async () => {
    github.denyDeployments();

    const run = await destroyRun();

    expect(run.exitCode, run.log).toBe(0);
    expect(github.comments(42)[0]?.body).toContain('deployments: write');
  });
});

describe('the GitHub deployment', () => {
  it('with comment: false there is no comment, but the deployment is created, then made inactive by destroy', async () => {
    github.reset();
    github.addPull({ number: 42, state: 'open' });
    const inputs = {
      'app-dir': 'test/fixtures/apps/one-stack',
      'deployment-method': 'direct',
      bootstrap: 'true',
      comment: 'false',
    };

    const deployed = await runAction({ moto, github, inputs });

    expect(deployed.exitCode, deployed.log).toBe(0);
    expect(github.comments(42)).toEqual([]);
    expect(requestsTo('POST', COMMENTS)).toEqual([]);
    expect(deployed.outputs['comment-url']).toBeUndefined();
    const [deployment] = github.deployments();
    expect(github.deployments()).toHaveLength(1);
    expect(deployment).toMatchObject({ environment: 'pr-42', transient_environment: true });
    const statuses = () => github.deploymentStatuses(deployment?.id ?? 0);
    expect(statuses().map((status) => status.state)).toEqual(['in_progress', 'success']);
    expect(statuses().at(-1)?.environment_url).toBe('https://pr-42.example.invalid/');

    github.setPullState(42, 'closed', true);
    const destroyed = await runAction({
      moto,
      github,
      inputs: { comment: 'false' },
      event: 'pull-request-closed-merged',
    });

    expect(destroyed.exitCode, destroyed.log).toBe(0);
    expect(JSON.parse(destroyed.outputs.stacks ?? '')).toEqual(['pr-42-data']);
    expect(statuses().map((status) => status.state)).toEqual(['in_progress', 'success', 'inactive']);
    expect(github.deployments()).toHaveLength(1);
    expect(github.comments(42)).toEqual([]);
  }, 120_000);
});

describe('a GitHub outage', () => {
  it('a GitHub outage never changes the step outcome, and the summary still tells the truth', async () => {
    const run = await outage;

    expect(run.exitCode, run.log).toBe(0);
    // Every call was answered 500, and each was retried before prenv gave up on it.
    expect(outageGitHub.requests.length).toBe(5);
    expect(outageGitHub.requests.every((request) => request.status === 500)).toBe(true);
    expect(run.log).toMatch(/::warning::Could not find the GitHub deployment/);
    expect(run.log).not.toContain('::error::');
    // The summary says what happened to the environment, and what could not be told to GitHub.
    expect(run.summary).toMatch(/destroyed/i);
    expect(run.summary).toContain('pr-77');
    expect(run.summary).toContain('Could not find the GitHub deployment');
    expect(run.outputs.environment).toBe('pr-77');
    expect(run.outputs.stacks).toBe('[]');
    expect(run.outputs['comment-url']).toBeUndefined();
  }, 200_000);
});
