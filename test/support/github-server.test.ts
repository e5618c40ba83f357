import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_NAMES, loadEvent, pullRequestNumber, writeEvent } from '../fixtures/events.js';
import {
  decodeJwtPayload,
  type GitHubServer,
  MAX_COMMENT_LENGTH,
  resourceNotAccessible,
  secondaryRateLimit,
  startGitHubServer,
} from './github-server.js';

const owner = 'octo-org';
const repo = 'invoices';

describe('GitHub API stand-in', () => {
  let server: GitHubServer;
  let octokit: Octokit;

  beforeEach(async () => {
    server = await startGitHubServer({ token: 'ghs_test' });
    octokit = new Octokit({ auth: 'ghs_test', baseUrl: server.url });
  });

  afterEach(async () => {
    await server.close();
  });

  it('paginates comments past 100 with Link headers that octokit.paginate follows', async () => {
    for (let i = 1; i <= 150; i += 1) server.addComment(42, `comment ${i}`, 'mona');

    const first = await octokit.rest.issues.listComments({ owner, repo, issue_number: 42, per_page: 100 });
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: 42,
      per_page: 100,
    });

    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toContain('page=2>; rel="next"');
    expect(first.headers.link).toContain('page=2>; rel="last"');
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 150 }, (_, i) => `comment ${i + 1}`));
    const pages = server.requests
      .filter((r) => r.path.endsWith('/issues/42/comments'))
      .map((r) => r.query.page);
    expect(pages).toEqual([undefined, undefined, '2']);
  });

  it('defaults to 30 comments a page and caps per_page at 100', async () => {
    for (let i = 1; i <= 250; i += 1) server.addComment(7, `c${i}`);

    const byDefault = await octokit.rest.issues.listComments({ owner, repo, issue_number: 7 });
    const capped = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: 7,
      per_page: 500,
      page: 2,
    });

    expect(byDefault.data).toHaveLength(30);
    expect(byDefault.headers.link).toContain('page=9>; rel="last"');
    expect(capped.data.map((c) => c.body)[0]).toBe('c101');
    expect(capped.headers.link).toMatch(
      /page=1>; rel="prev".*page=3>; rel="next".*page=3>; rel="last".*rel="first"/,
    );
  });

  it('creates, reads, updates and deletes a comment, and answers 404 once it is gone', async () => {
    const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: 42, body: 'hello' });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      body: 'hello',
      user: { login: 'github-actions[bot]', type: 'Bot' },
      html_url: `https://github.com/${owner}/${repo}/pull/42#issuecomment-${created.data.id}`,
    });
    expect(created.data.node_id).toBeTruthy();
    expect(created.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const comment_id = created.data.id;
    const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id, body: 'edited' });
    const read = await octokit.rest.issues.getComment({ owner, repo, comment_id });
    expect(updated.data.body).toBe('edited');
    expect(read.data.body).toBe('edited');
    expect(server.comments(42).map((c) => c.body)).toEqual(['edited']);

    const deleted = await octokit.rest.issues.deleteComment({ owner, repo, comment_id });
    expect(deleted.status).toBe(204);
    await expect(octokit.rest.issues.getComment({ owner, repo, comment_id })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      octokit.rest.issues.updateComment({ owner, repo, comment_id, body: 'x' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    await expect(octokit.rest.issues.deleteComment({ owner, repo, comment_id })).rejects.toMatchObject({
      status: 404,
    });
    expect(server.comments(42)).toEqual([]);
  });

  it("writes comments and deployments as the token's login, and seeds a drive-by comment by a User", async () => {
    await server.close();
    server = await startGitHubServer({ logins: { ghs_app: 'prenv-app[bot]' } });
    const app = new Octokit({ auth: 'ghs_app', baseUrl: server.url });
    const other = new Octokit({ auth: 'ghs_other', baseUrl: server.url });

    const byApp = await app.rest.issues.createComment({ owner, repo, issue_number: 42, body: 'a' });
    const byDefault = await other.rest.issues.createComment({ owner, repo, issue_number: 42, body: 'b' });
    const deployment = await app.rest.repos.createDeployment({
      owner,
      repo,
      ref: 'main',
      environment: 'pr-42',
    });
    const driveBy = server.addComment(42, '<!-- prenv:pr-42 -->', 'mallory');

    expect(byApp.data.user).toMatchObject({ login: 'prenv-app[bot]', type: 'Bot' });
    expect(byDefault.data.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' });
    expect('creator' in deployment.data && deployment.data.creator?.login).toBe('prenv-app[bot]');
    expect(driveBy.user).toMatchObject({ login: 'mallory', type: 'User' });
  });

  it('refuses comment bodies over 65,536 characters like GitHub does', async () => {
    const body = 'x'.repeat(MAX_COMMENT_LENGTH + 1);

    await expect(
      octokit.rest.issues.createComment({ owner, repo, issue_number: 42, body }),
    ).rejects.toMatchObject({
      status: 422,
    });
  });

  it('answers 404 with a GitHub-like body for unknown paths, pulls and repositories', async () => {
    const response = await fetch(`${server.url}/nope`, { headers: { authorization: 'token ghs_test' } });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      message: 'Not Found',
      documentation_url: expect.any(String),
    });
    await expect(octokit.rest.pulls.get({ owner, repo, pull_number: 9 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      octokit.rest.issues.listComments({ owner, repo: 'other', issue_number: 42 }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('answers 401 Bad credentials without the configured token', async () => {
    const anonymous = new Octokit({ baseUrl: server.url });

    await expect(anonymous.rest.pulls.get({ owner, repo, pull_number: 42 })).rejects.toMatchObject({
      status: 401,
    });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('serves seeded pull requests and follows their state changes', async () => {
    server.addPull({ number: 42, state: 'open', headSha: 'a'.repeat(40) });
    server.addPull({ number: 43, state: 'closed', merged: true });
    server.addPull({ number: 44, state: 'open', headRepo: 'outsider/invoices' });

    const pull = await octokit.rest.pulls.get({ owner, repo, pull_number: 42 });
    expect(pull.data).toMatchObject({
      number: 42,
      state: 'open',
      merged: false,
      head: { sha: 'a'.repeat(40) },
    });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: 44 })).data.head.repo?.fork).toBe(true);

    server.setPullState(42, 'closed', true);
    const open = await octokit.rest.pulls.list({ owner, repo });
    const closed = await octokit.rest.pulls.list({ owner, repo, state: 'closed' });
    const all = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'all', per_page: 1 });
    expect(open.data.map((p) => p.number)).toEqual([44]);
    expect(closed.data.map((p) => [p.number, p.merged_at !== null])).toEqual([
      [43, true],
      [42, true],
    ]);
    expect(all.map((p) => p.number)).toEqual([44, 43, 42]);
  });

  it('serves the labels a pull request carries, as they change', async () => {
    server.addPull({ number: 42, labels: ['preview'] });
    const first = (await octokit.rest.pulls.get({ owner, repo, pull_number: 42 })).data.labels;
    expect(first).toEqual([expect.objectContaining({ name: 'preview', id: expect.any(Number) })]);

    server.setPullLabels(42, ['bug', 'preview']);
    const later = (await octokit.rest.pulls.get({ owner, repo, pull_number: 42 })).data.labels;
    expect(later.map((label) => label.name)).toEqual(['bug', 'preview']);
    expect(later[1]?.id).toBe(first[0]?.id);
  });

  it('fails the first N matching requests, then succeeds, recording every status', async () => {
    server.failNext(2, {
      status: 502,
      match: { method: 'POST', pathPrefix: '/repos/octo-org/invoices/issues' },
    });
    const create = () => octokit.rest.issues.createComment({ owner, repo, issue_number: 42, body: 'hi' });

    await octokit.rest.issues.listComments({ owner, repo, issue_number: 42 });
    await expect(create()).rejects.toMatchObject({ status: 502 });
    await expect(create()).rejects.toMatchObject({ status: 502 });
    await expect(create()).resolves.toMatchObject({ status: 201 });

    expect(server.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'POST 502',
      'POST 502',
      'POST 201',
    ]);
    expect(server.requests[1]).toMatchObject({
      path: '/repos/octo-org/invoices/issues/42/comments',
      body: { body: 'hi' },
      headers: { authorization: 'token ghs_test' },
    });
    expect(server.comments(42)).toHaveLength(1);
  });

  it('emulates the secondary rate limit and a missing deployments permission', async () => {
    server.failNext(1, secondaryRateLimit());
    server.denyDeployments();

    const limited = await octokit.rest.issues.listComments({ owner, repo, issue_number: 42 }).catch((e) => e);
    const denied = await octokit.rest.repos.createDeployment({ owner, repo, ref: 'main' }).catch((e) => e);

    expect(limited).toMatchObject({ status: 403, response: { headers: { 'retry-after': '0' } } });
    expect(String(limited.message)).toMatch(/secondary rate limit/);
    expect(denied).toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    });
    expect(resourceNotAccessible().status).toBe(403);
    expect(server.deployments()).toEqual([]);
  });

  it('creates and lists deployments and their statuses, marking older ones inactive', async () => {
    const sha = 'b'.repeat(40);
    server.addPull({ number: 42, state: 'open', headSha: sha, headRef: 'feature/pdf' });
    const deploy = () =>
      octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: 'feature/pdf',
        environment: 'pr-42',
        auto_merge: false,
        required_contexts: [],
        transient_environment: true,
        production_environment: false,
        payload: { stacks: ['pr-42-invoices'] },
        description: 'prenv pr-42',
      });

    const first = await deploy();
    expect(first.status).toBe(201);
    const firstId = (first.data as { id: number }).id;
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: firstId,
      state: 'success',
      environment_url: 'https://example.test/pr-42',
      log_url: 'https://github.com/octo-org/invoices/actions/runs/1',
    });
    const second = await deploy();
    const secondId = (second.data as { id: number }).id;
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: secondId,
      state: 'in_progress',
    });

    const listed = await octokit.rest.repos.listDeployments({ owner, repo, environment: 'pr-42' });
    const statuses = await octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: firstId });
    expect(listed.data.map((d) => [d.id, d.sha, d.environment])).toEqual([
      [secondId, sha, 'pr-42'],
      [firstId, sha, 'pr-42'],
    ]);
    expect(statuses.data[0]).toMatchObject({
      state: 'success',
      environment_url: 'https://example.test/pr-42',
    });
    expect(server.deployments()[0]).toMatchObject({
      ref: 'feature/pdf',
      auto_merge: false,
      required_contexts: [],
      transient_environment: true,
      payload: { stacks: ['pr-42-invoices'] },
      description: 'prenv pr-42',
    });
    expect((await octokit.rest.repos.listDeployments({ owner, repo, environment: 'pr-7' })).data).toEqual([]);
    expect(server.deploymentStatuses(secondId).map((s) => s.state)).toEqual(['in_progress']);
  });

  it('applies auto_inactive: a new success makes the previous successful deployment inactive', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { data } = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: 'main',
        environment: 'pr-42',
      });
      const id = (data as { id: number }).id;
      ids.push(id);
      await octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state: 'success' });
    }

    expect(ids.map((id) => server.deploymentStatuses(id).map((s) => s.state))).toEqual([
      ['success', 'inactive'],
      ['success'],
    ]);
  });

  it('issues OIDC tokens only with the bearer request token, for the audience asked', async () => {
    const url = `${server.oidcRequestUrl}&audience=${encodeURIComponent('sts.amazonaws.com')}`;

    const anonymous = await fetch(url);
    const wrong = await fetch(url, { headers: { authorization: 'Bearer nope' } });
    const noAudience = await fetch(server.oidcRequestUrl, {
      headers: { authorization: `Bearer ${server.oidcRequestToken}` },
    });
    const ok = await fetch(url, { headers: { authorization: `Bearer ${server.oidcRequestToken}` } });

    expect([anonymous.status, wrong.status, noAudience.status, ok.status]).toEqual([401, 401, 400, 200]);
    const { value } = (await ok.json()) as { value: string };
    expect(value.split('.')).toHaveLength(3);
    expect(decodeJwtPayload(value)).toMatchObject({
      aud: 'sts.amazonaws.com',
      sub: 'repo:octo-org/invoices:pull_request',
      iss: 'https://token.actions.githubusercontent.com',
    });
    expect(server.oidcTokens().map((t) => t.audience)).toEqual(['sts.amazonaws.com']);
    expect(server.oidcRequestUrl).toContain('?api-version=2.0');
    expect(server.env()).toMatchObject({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: server.oidcRequestToken });
  });

  it('reset() forgets state, requests and queued failures', async () => {
    server.addComment(42, 'old');
    server.failNext(Number.POSITIVE_INFINITY, { status: 500 });
    await fetch(`${server.url}/rate_limit`).catch(() => undefined);

    server.reset();

    expect(server.requests).toEqual([]);
    expect(server.comments(42)).toEqual([]);
    await expect(octokit.rest.issues.listComments({ owner, repo, issue_number: 42 })).resolves.toMatchObject({
      status: 200,
    });
  });

  it('close() stops listening, drops kept-alive sockets, releases its handle and is idempotent', async () => {
    const listeners = () => process.getActiveResourcesInfo().filter((h) => h === 'TCPServerWrap').length;
    const before = listeners();
    const own = await startGitHubServer();
    const { port } = new URL(own.url);
    const idle = connect({ host: '127.0.0.1', port: Number(port) });
    await once(idle, 'connect');
    idle.write('GET /rate_limit HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await once(idle, 'data');
    const dropped = once(idle, 'close');

    await Promise.all([own.close(), own.close()]);
    await own.close();

    await dropped;
    expect(own.listening).toBe(false);
    expect(listeners()).toBe(before);
    await expect(fetch(`${own.url}/rate_limit`)).rejects.toThrow();
  });

  it('adds latency when asked', async () => {
    const slow = await startGitHubServer({ latencyMs: 50 });
    try {
      const started = performance.now();
      await fetch(`${slow.url}/rate_limit`);
      expect(performance.now() - started).toBeGreaterThanOrEqual(45);
      expect(slow.requests[0]?.durationMs).toBeGreaterThanOrEqual(45);
    } finally {
      await slow.close();
    }
  });
});

describe('event fixtures', () => {
  it('load with deep-merged overrides and write to a file for GITHUB_EVENT_PATH', async () => {
    const opened = loadEvent('pull-request-opened');
    const synced = loadEvent('pull-request-synchronize', { pull_request: { head: { sha: 'c'.repeat(40) } } });
    const moved = loadEvent('pull-request-closed-merged', pullRequestNumber(7));
    const fork = loadEvent('pull-request-opened-fork');

    expect(opened).toMatchObject({
      action: 'opened',
      number: 42,
      repository: { full_name: 'octo-org/invoices' },
    });
    expect(synced.pull_request.head.sha).toBe('c'.repeat(40));
    expect(synced.pull_request.head.ref).toBe(opened.pull_request.head.ref);
    expect(moved).toMatchObject({ number: 7, pull_request: { number: 7, merged: true, state: 'closed' } });
    expect(fork.pull_request.head.repo.full_name).not.toBe(fork.repository.full_name);
    expect(fork.pull_request.head.repo.fork).toBe(true);
    expect(loadEvent('workflow-dispatch').inputs['dry-run']).toBe('true');
    expect(EVENT_NAMES.schedule).toBe('schedule');

    const dir = await mkdtemp(join(tmpdir(), 'prenv-events-'));
    try {
      const path = await writeEvent(dir, 'pull-request-reopened', pullRequestNumber(9));
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ action: 'reopened', number: 9 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('give every pull_request fixture a distinct 40-hex head sha per push', () => {
    const opened = loadEvent('pull-request-opened').pull_request.head.sha;
    const synced = loadEvent('pull-request-synchronize');

    expect(opened).toMatch(/^[0-9a-f]{40}$/);
    expect(synced.pull_request.head.sha).not.toBe(opened);
    expect(synced.before).toBe(opened);
    expect(synced.after).toBe(synced.pull_request.head.sha);
  });
});
