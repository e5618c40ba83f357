import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OctokitGitHub, statusOf, writeLimiter } from '../../src/adapters/octokit-github.js';
import type { Log } from '../../src/ports.js';
import { type GitHubServer, secondaryRateLimit, startGitHubServer } from '../support/github-server.js';

const TOKEN = 'ghs_adapter_test';
const MARKER = '<!-- prenv:pr-42 -->';

/** A Log that keeps its warnings, for the one behaviour a user sees of a retry. */
function recordingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    info: () => {},
    notice: () => {},
    warning: (message) => warnings.push(message),
    error: () => {},
    debug: () => {},
    group: (_name, fn) => fn(),
    mask: () => {},
  };
}

describe('OctokitGitHub against the GitHub stand-in', () => {
  let server: GitHubServer;
  let log: ReturnType<typeof recordingLog>;
  let github: OctokitGitHub;

  const adapter = () =>
    new OctokitGitHub({
      token: TOKEN,
      apiUrl: server.url,
      repository: server.repository,
      log,
      // Back-off in milliseconds instead of seconds; the retry counts and decisions are production's.
      backoffUnitMs: 5,
    });
  const marked = (pullRequest = 42) => server.comments(pullRequest).filter((c) => c.body.startsWith(MARKER));
  const requestsTo = (method: string, suffix: string) =>
    server.requests.filter((r) => r.method === method && r.path.endsWith(suffix));

  beforeAll(async () => {
    server = await startGitHubServer({ token: TOKEN });
  });

  afterAll(async () => {
    await server?.close();
  });

  beforeEach(() => {
    server.reset();
    server.addPull({ number: 42 });
    log = recordingLog();
    github = adapter();
  });

  describe('pullRequest', () => {
    it('reads an open pull request', async () => {
      const pull = server.addPull({ number: 7, headSha: 'a'.repeat(40) });

      expect(await github.pullRequest(7)).toEqual({
        number: 7,
        state: 'open',
        merged: false,
        headSha: pull.head.sha,
        labels: [],
        headRepository: server.repository,
      });
    });

    it('reads the labels the pull request carries now', async () => {
      server.addPull({ number: 10, labels: ['preview', 'bug'] });
      server.setPullLabels(10, ['bug']);

      expect(await github.pullRequest(10)).toMatchObject({ labels: ['bug'] });
    });

    it('reads a closed pull request, merged or not', async () => {
      server.addPull({ number: 8, state: 'closed', merged: true });
      server.addPull({ number: 9, state: 'closed' });

      expect(await github.pullRequest(8)).toMatchObject({ state: 'closed', merged: true });
      expect(await github.pullRequest(9)).toMatchObject({ state: 'closed', merged: false });
    });

    it('answers undefined for a pull request that does not exist', async () => {
      expect(await github.pullRequest(404)).toBeUndefined();
    });
  });

  describe('upsertComment', () => {
    it('creates the comment once, then edits it in place', async () => {
      const first = await github.upsertComment(42, MARKER, `${MARKER}\nDeploying`);
      const second = await github.upsertComment(42, MARKER, `${MARKER}\nReady`);

      expect(second).toBe(first);
      expect(first).toMatch(/#issuecomment-\d+$/);
      expect(marked().map((c) => c.body)).toEqual([`${MARKER}\nReady`]);
      expect(requestsTo('POST', '/issues/42/comments')).toHaveLength(1);
      expect(requestsTo('PATCH', `/issues/comments/${marked()[0]?.id}`)).toHaveLength(1);
    });

    it('finds its comment past the first 100 in a later run, and edits it', async () => {
      for (let i = 1; i <= 150; i += 1) {
        server.addComment(
          42,
          i === 130 ? `${MARKER}\nDeploying` : `comment ${i}`,
          i === 130 ? 'github-actions[bot]' : i % 2 ? 'mona' : 'hubot',
        );
      }
      const id = marked()[0]?.id;

      await github.upsertComment(42, MARKER, `${MARKER}\nReady`);

      expect(server.comments(42)).toHaveLength(150);
      expect(marked()).toMatchObject([{ id, body: `${MARKER}\nReady` }]);
      expect(requestsTo('GET', '/issues/42/comments').map((r) => r.query.page)).toEqual([undefined, '2']);
      expect(requestsTo('POST', '/issues/42/comments')).toHaveLength(0);
    });

    it('does not take a comment that only quotes the marker for its own', async () => {
      server.addComment(42, `> ${MARKER}\n> Ready\n\nWhy is it ready?`, 'mona');

      await github.upsertComment(42, MARKER, `${MARKER}\nReady`);

      expect(server.comments(42)).toHaveLength(2);
      expect(server.comments(42)[0]?.body).toContain('Why is it ready?');
      expect(marked()).toHaveLength(1);
    });

    it('never edits a drive-by comment that starts with the marker: posts its own beside it', async () => {
      const forged = server.addComment(
        42,
        `${MARKER}\n✅ pr-42 is ready: [open](https://evil.example/)`,
        'mallory',
      );

      await github.upsertComment(42, MARKER, `${MARKER}\nDeploying`);
      await github.upsertComment(42, MARKER, `${MARKER}\nReady`);

      expect(server.comments(42).find((c) => c.id === forged.id)?.body).toBe(forged.body);
      expect(requestsTo('PATCH', `/issues/comments/${forged.id}`)).toHaveLength(0);
      const own = marked().filter((c) => c.user.login === 'github-actions[bot]');
      expect(own.map((c) => c.body)).toEqual([`${MARKER}\nReady`]);
    });

    it('takes the comment-author login for an app token, and no other author’s comment', async () => {
      server.addComment(42, `${MARKER}\nby the default token`, 'github-actions[bot]');
      const own = server.addComment(42, `${MARKER}\nby the app`, 'prenv-app[bot]');
      const app = new OctokitGitHub({
        token: TOKEN,
        apiUrl: server.url,
        repository: server.repository,
        log,
        commentAuthor: 'prenv-app[bot]',
        backoffUnitMs: 5,
      });

      await app.upsertComment(42, MARKER, `${MARKER}\nReady`);

      expect(server.comments(42).find((c) => c.id === own.id)?.body).toBe(`${MARKER}\nReady`);
      expect(server.comments(42)[0]?.body).toBe(`${MARKER}\nby the default token`);
    });

    it('posts a new comment when GitHub refuses the edit, instead of nothing', async () => {
      await github.upsertComment(42, MARKER, `${MARKER}\nDeploying`);
      const [first] = marked();
      server.failNext(1, {
        status: 403,
        match: { method: 'PATCH', pathPrefix: `/repos/${server.repository}/issues/comments/` },
      });

      const url = await github.upsertComment(42, MARKER, `${MARKER}\nReady`);

      expect(marked().map((c) => c.body)).toEqual([`${MARKER}\nDeploying`, `${MARKER}\nReady`]);
      expect(url).toMatch(/#issuecomment-\d+$/);
      expect(url).not.toContain(String(first?.id));
    });

    it('posts the comment again after someone deleted it', async () => {
      await github.upsertComment(42, MARKER, `${MARKER}\nDeploying`);
      const [deleted] = marked();
      const response = await fetch(
        `${server.url}/repos/${server.repository}/issues/comments/${deleted?.id}`,
        {
          method: 'DELETE',
          headers: { authorization: `token ${TOKEN}` },
        },
      );
      expect(response.status).toBe(204);

      await github.upsertComment(42, MARKER, `${MARKER}\nReady`);

      expect(marked()).toHaveLength(1);
      expect(marked()[0]?.id).not.toBe(deleted?.id);
      expect(marked()[0]?.body).toBe(`${MARKER}\nReady`);
    });

    it('survives 502s on its first calls without posting a duplicate', async () => {
      server.failNext(3, { status: 502 });

      await github.upsertComment(42, MARKER, `${MARKER}\nDeploying`);

      expect(marked()).toHaveLength(1);
      expect(server.requests.slice(0, 3).map((r) => r.status)).toEqual([502, 502, 502]);
    });

    it('looks again before re-posting when the create itself answered 502', async () => {
      server.failNext(1, { status: 502, match: { method: 'POST' } });

      await github.upsertComment(42, MARKER, `${MARKER}\nDeploying`);

      expect(marked()).toHaveLength(1);
      const calls = server.requests.map((r) => `${r.method} ${r.status}`);
      expect(calls).toEqual(['GET 200', 'POST 502', 'GET 200', 'POST 201']);
    });

    it('waits out a secondary rate limit and posts once', async () => {
      server.failNext(1, secondaryRateLimit({ method: 'POST' }));

      await github.upsertComment(42, MARKER, `${MARKER}\nDeploying`);

      expect(marked()).toHaveLength(1);
      expect(requestsTo('POST', '/issues/42/comments').map((r) => r.status)).toEqual([403, 201]);
      expect(log.warnings).toEqual([
        expect.stringMatching(/^GitHub secondary rate limit on POST .*; retrying in 60 s$/),
      ]);
    });

    it('gives up after the configured retries of 5xx', async () => {
      server.failNext(Number.POSITIVE_INFINITY, { status: 503, match: { method: 'GET' } });
      const impatient = new OctokitGitHub({
        token: TOKEN,
        apiUrl: server.url,
        repository: server.repository,
        log,
        retries: 2,
        backoffUnitMs: 1,
      });

      const error = await impatient.upsertComment(42, MARKER, MARKER).catch((e: unknown) => e);

      expect(statusOf(error)).toBe(503);
      expect(requestsTo('GET', '/issues/42/comments')).toHaveLength(3);
      expect(marked()).toHaveLength(0);
    });
  });

  describe('deployments', () => {
    it('creates a transient deployment, sets its statuses and lists them per environment, newest first', async () => {
      const first = await github.createDeployment({
        environment: 'pr-42',
        ref: 'feature/x',
        description: 'prenv pr-42',
      });
      await github.createDeployment({ environment: 'pr-7', ref: 'feature/y', description: 'prenv pr-7' });
      const second = await github.createDeployment({
        environment: 'pr-42',
        ref: 'feature/x',
        description: 'again',
      });
      await github.setDeploymentStatus(second, { state: 'in_progress', logUrl: 'https://github.test/run/1' });
      await github.setDeploymentStatus(second, {
        state: 'success',
        environmentUrl: 'https://pr-42.example.test/',
        description: 'd'.repeat(200),
      });

      expect(second).not.toBe(first);
      expect(await github.deploymentIds('pr-42')).toEqual([second, first]);
      expect(server.deployments().find((d) => d.id === second)?.payload).toEqual({
        prenv: { environment: 'pr-42' },
      });
      expect(await github.deploymentIds('pr-99')).toEqual([]);
      expect(server.deployments().find((d) => d.id === second)).toMatchObject({
        environment: 'pr-42',
        ref: 'feature/x',
        transient_environment: true,
        production_environment: false,
        auto_merge: false,
        required_contexts: [],
      });
      const statuses = server.deploymentStatuses(second);
      expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
      expect(statuses[0]).toMatchObject({ log_url: 'https://github.test/run/1', auto_inactive: true });
      expect(statuses[1]).toMatchObject({ environment_url: 'https://pr-42.example.test/' });
      expect(statuses[1]?.description).toHaveLength(140);
    });

    it('finds only deployments prenv created (its payload marker), never another one of the environment', async () => {
      const ours = await github.createDeployment({
        environment: 'pr-42',
        ref: 'feature/x',
        description: 'prenv',
      });
      // A later deployment of the same environment that someone else created, without the marker.
      await fetch(`${server.url}/repos/${server.repository}/deployments`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ref: 'main', environment: 'pr-42' }),
      });
      await fetch(`${server.url}/repos/${server.repository}/deployments`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ref: 'main', environment: 'production' }),
      });

      expect(await github.deploymentIds('pr-42')).toEqual([ours]);
      expect(await github.deploymentIds('production')).toEqual([]);
    });

    it('surfaces a missing deployments permission as an error with status 403, without retrying', async () => {
      server.denyDeployments();

      const error = await github
        .createDeployment({ environment: 'pr-42', ref: 'feature/x', description: 'prenv' })
        .catch((e: unknown) => e);

      expect(statusOf(error)).toBe(403);
      expect((error as Error).message).toMatch(/Resource not accessible by integration/);
      expect(requestsTo('POST', '/deployments')).toHaveLength(1);
      await expect(github.deploymentIds('pr-42')).rejects.toMatchObject({ status: 403 });
    });

    it('lists every deployment of an environment, across pages', async () => {
      const seeded = Array.from({ length: 130 }, () => server.addDeployment('pr-42'));
      server.addDeployment('pr-7');

      expect(await github.deploymentIds('pr-42')).toEqual([...seeded].reverse());
    });
  });
});

describe('writeLimiter', () => {
  /** When each of `count` writes, scheduled at once, started (ms after the first). */
  async function starts(limiter: ReturnType<typeof writeLimiter>, count: number): Promise<number[]> {
    const key = limiter.key('writes');
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: count }, () =>
        key.schedule(async () => {
          times.push(Date.now());
        }),
      ),
    );
    return times.map((time) => time - (times[0] ?? time));
  }

  it('lets a burst of writes out back to back, then keeps to one per interval', async () => {
    const times = await starts(writeLimiter(300, 3), 5);
    // Without the burst the third write would start 600 ms after the first.
    expect(times[2]).toBeLessThan(300);
    // Lower bounds only (a loaded machine only delays): the fourth and fifth wait for the refill.
    expect(times[3]).toBeGreaterThanOrEqual(250);
    expect(times[4]).toBeGreaterThanOrEqual(550);
  });

  it('without a burst, spaces every write by the interval', async () => {
    const times = await starts(writeLimiter(200), 3);
    expect(times[1]).toBeGreaterThanOrEqual(190);
    expect(times[2]).toBeGreaterThanOrEqual(390);
  });
});
