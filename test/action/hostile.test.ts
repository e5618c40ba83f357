/**
 * Issue 13: a hostile pull request. Its CDK app and e2e command read what they can of the action
 * process's environment, its outputs take names that would run code in the e2e step, its report
 * is a symlink to a file outside the workspace, and it leaves a process (escaped with setsid)
 * that rewrites GITHUB_STATE after main. A drive-by commenter has posted a comment with prenv's
 * marker. Run through the bundle on moto, as the runner runs it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { type ActionRun, parseCommandFile, ROOT, runAction, TEST_TOKEN } from '../support/run-action.js';

const APP = 'test/fixtures/apps/hostile';
const STEP_GITHUB_TOKEN = 'ghs_fromthestepenvtoken';
const STEP_GH_TOKEN = 'gho_fromthestepenvtoken';
const MARKER = '<!-- prenv:pr-42 -->';

let moto: Moto;
let github: GitHubServer;
let dir: string;
let reportDir: string;
let stateFile: string;
let run: ActionRun;
let forged: { id: number; body: string };
let production: number;

/** Waits for a file the escaped process writes (it runs on its own, outside the test's clock). */
async function waitFor(file: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} never appeared`);
    await delay(50);
  }
}

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 42, state: 'open' });
  github.addPull({ number: 7, state: 'open' });
  forged = github.addComment(
    42,
    `${MARKER}\n✅ **pr-42 is ready**: [open it](https://evil.example/)`,
    'mallory',
  );
  // A production deployment prenv never created.
  const response = await fetch(`${github.url}/repos/${github.repository}/deployments`, {
    method: 'POST',
    headers: { authorization: `token ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ref: 'main', environment: 'production' }),
  });
  production = ((await response.json()) as { id: number }).id;
  dir = await mkdtemp(join(tmpdir(), 'prenv-hostile-'));
  stateFile = join(dir, 'github-state');
  await writeFile(stateFile, '');
  await writeFile(join(dir, 'payload.sh'), `touch "${dir}/pwned"\n`);
  const outside = join(dir, 'outside.xml');
  await writeFile(
    outside,
    '<testsuite name="x"><testcase name="SECRET-FROM-OUTSIDE"><failure>SECRET-FROM-OUTSIDE</failure></testcase></testsuite>',
  );
  const reportRelative = `reports/hostile-${randomUUID()}`;
  reportDir = join(ROOT, reportRelative);
  await mkdir(reportDir, { recursive: true });
  run = await runAction({
    moto,
    github,
    idToken: true,
    inputs: {
      'role-to-assume': 'arn:aws:iam::111122223333:role/prenv-sandbox',
      'app-dir': APP,
      'deployment-method': 'direct',
      bootstrap: 'true',
      'test-command': `sh ${APP}/e2e.sh`,
      'test-report': `${reportRelative}/*.xml`,
    },
    env: {
      GITHUB_TOKEN: STEP_GITHUB_TOKEN,
      GH_TOKEN: STEP_GH_TOKEN,
      GITHUB_STATE: stateFile,
      HOSTILE_DIR: dir,
      HOSTILE_REPORT_DIR: reportDir,
      HOSTILE_OUTSIDE_FILE: outside,
    },
  });
}, 240_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
  // Lets the escaped process finish if a test failed before it was released.
  if (dir !== undefined) await writeFile(join(dir, 'go'), '').catch(() => undefined);
  await Promise.all([
    dir === undefined ? undefined : rm(dir, { recursive: true, force: true }),
    reportDir === undefined ? undefined : rm(reportDir, { recursive: true, force: true }),
  ]);
});

/** Everything PR code read of the action's environment, and its own. */
async function whatPrCodeSaw(): Promise<Record<string, string>> {
  return {
    'the CDK app': await readFile(join(dir, 'synth-env.json'), 'utf8'),
    "the CDK app's view of /proc/<action>/environ": await readFile(join(dir, 'synth-ancestors.txt'), 'utf8'),
    'the e2e command': await readFile(join(dir, 'e2e-env.txt'), 'utf8'),
    "the e2e command's view of /proc/<action>/environ": await readFile(
      join(dir, 'e2e-ancestors.txt'),
      'utf8',
    ),
  };
}

describe('a hostile pull request', () => {
  it('deploys and runs its e2e command', () => {
    expect(run.outputs.environment, run.log).toBe('pr-42');
    expect(run.outputs['test-result'], run.log).toBe('passed');
  });

  it('finds no GitHub token, OIDC request token or input in its own or the action process’s environment', async () => {
    expect(existsSync(join(dir, 'action-pid'))).toBe(true);
    const [issued] = github.oidcTokens();
    expect(issued, 'prenv used OIDC').toBeDefined();
    for (const [place, text] of Object.entries(await whatPrCodeSaw())) {
      for (const secret of [TEST_TOKEN, STEP_GITHUB_TOKEN, STEP_GH_TOKEN, github.oidcRequestToken]) {
        expect(text.includes(secret), `${secret} in ${place}`).toBe(false);
      }
      expect(text, place).not.toMatch(/(^|\n|")INPUT_GITHUB-TOKEN"?[=:]"?[^"\n]/);
      expect(text, place).not.toMatch(/(^|\n|")ACTIONS_ID_TOKEN_REQUEST_URL"?[=:]"?[^"\n]/);
    }
  });

  it('gets none of BashEnv, LdPreload, NpmConfigNodeOptions, GitSshCommand as variables; the step warns naming each', async () => {
    const env = await readFile(join(dir, 'e2e-env.txt'), 'utf8');
    expect(env).not.toContain(`BASH_ENV=${dir}`);
    expect(env).not.toMatch(/^LD_PRELOAD=/m);
    expect(env).not.toMatch(/^NPM_CONFIG_NODE_OPTIONS=/m);
    expect(env).not.toMatch(/^GIT_SSH_COMMAND=/m);
    expect(env).toMatch(/^SITE_URL=https:\/\/pr-42\.example\.invalid\/$/m);
    // bash ran, and did not source the output's script.
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    for (const key of ['BashEnv', 'LdPreload', 'NpmConfigNodeOptions', 'GitSshCommand']) {
      expect(run.log).toMatch(new RegExp(`::warning::Output ${key} of pr-42-hostile is not passed`));
    }
  });

  it('masks the secret-looking output and shows it hidden in the comment and the summary', async () => {
    const outputs = JSON.parse(await readFile(join(dir, 'outputs.json'), 'utf8'));
    const value = outputs['pr-42-hostile'].DbPassword as string;
    expect(value.length).toBeGreaterThanOrEqual(8);
    const mask = run.log.indexOf(`::add-mask::${value}`);
    expect(mask).toBeGreaterThanOrEqual(0);
    // Where it shows at all (the toolkit's own deploy message), the runner has masked it already.
    const firstUse = run.log
      .replaceAll(`::add-mask::${value}`, ''.padEnd(`::add-mask::${value}`.length))
      .indexOf(value);
    if (firstUse >= 0) expect(firstUse).toBeGreaterThan(mask);
    const own = github.comments(42).filter((comment) => comment.user.login === 'github-actions[bot]');
    expect(own).toHaveLength(1);
    for (const text of [own[0]?.body ?? '', run.summary]) {
      expect(text).toContain('DbPassword');
      expect(text).not.toContain(value);
    }
  });

  it('never reads its report symlinked to a file outside the workspace', () => {
    const everywhere = [run.summary, ...github.comments(42).map((comment) => comment.body)].join('\n');
    expect(everywhere).not.toContain('SECRET-FROM-OUTSIDE');
  });

  it('posts its own comment beside the drive-by one, which it never edits', () => {
    const comments = github.comments(42);
    expect(comments.find((comment) => comment.id === forged.id)?.body).toBe(forged.body);
    expect(github.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/${forged.id}`))).toEqual(
      [],
    );
    expect(comments.filter((comment) => comment.body.startsWith(MARKER))).toHaveLength(2);
  });

  it('cannot steer the post step through a process that rewrote GITHUB_STATE after main', async () => {
    await writeFile(join(dir, 'go'), '');
    await waitFor(join(dir, 'done'));
    const state = parseCommandFile(await readFile(stateFile, 'utf8'));
    expect(JSON.parse(state['prenv-run'] ?? '{}')).toMatchObject({
      environment: 'production',
      pullRequest: 7,
    });
    const requestsBefore = github.requests.length;

    const post = await runAction({ github, entry: 'post', state });

    expect(post.exitCode, post.log).toBe(0);
    expect(post.log).toContain('ignored the saved state');
    expect(github.deploymentStatuses(production)).toEqual([]);
    expect(github.comments(7)).toEqual([]);
    expect(github.requests.slice(requestsBefore)).toEqual([]);
  });
});
