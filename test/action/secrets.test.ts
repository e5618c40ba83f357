/**
 * Issue 9.5: secrets. The credentials are masked before anything could print them, reach the e2e
 * command (which needs them) and nothing else: not the comment, the summary, the outputs, the
 * GITHUB_ENV file or the PRENV_OUTPUTS file. The e2e command's own output cannot issue workflow
 * commands, and of its report only a failing test's name and first message line reach the
 * comment, escaped.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Moto, startMoto } from '../support/moto.js';
import { type ActionRun, ROOT, runAction, TEST_TOKEN } from '../support/run-action.js';

const ACCESS_KEY = 'AKIAPRENVTESTKEY0001';
const SECRET_KEY = 'prenvSecretValue/ShouldNeverShow+1';
const SESSION_TOKEN = 'prenvSessionTokenValue';
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: ACCESS_KEY,
  AWS_SECRET_ACCESS_KEY: SECRET_KEY,
  AWS_SESSION_TOKEN: SESSION_TOKEN,
};

/**
 * The e2e command: it prints a line and a workflow command of its own, echoes the secret (which
 * the runner masks), keeps what it was given, and writes a JUnit report with one hostile failure.
 */
const E2E_SCRIPT = `#!/bin/sh
set -e
echo "LEAKY-STDOUT-LINE"
echo "::set-output name=x::y"
echo "::add-mask::from-the-test-command"
echo "SECRET-ECHO:$AWS_SECRET_ACCESS_KEY"
cp "$PRENV_OUTPUTS" "$SECRETS_TEST_DIR/outputs-copy.json"
env > "$SECRETS_TEST_DIR/e2e-env.txt"
mkdir -p "$SECRETS_TEST_REPORT_DIR"
cat > "$SECRETS_TEST_REPORT_DIR/junit.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="e2e" tests="2" failures="1">
  <testcase classname="e2e" name="lists invoices"/>
  <testcase classname="e2e" name="&lt;script&gt;alert(1)&lt;/script&gt; pings @octocat [x](https://evil.example/steal)">
    <failure>expected a | b
SECOND-LINE-MUST-NOT-SHOW
    at LEAKY-TRACE (e2e.test.ts:1:1)</failure>
  </testcase>
</testsuite>
XML
exit 1
`;

let moto: Moto;
let github: GitHubServer;
let dir: string;
let reportDir: string;
let run: ActionRun;

/** Every place the action writes to that a person other than the job's author can read. */
function visibleOutside(): Record<string, string> {
  return {
    comment: github
      .comments(42)
      .map((comment) => comment.body)
      .join('\n'),
    'GitHub requests': JSON.stringify(github.requests.map((request) => request.body ?? null)),
    summary: run.summary,
    outputs: JSON.stringify(run.outputs),
    'GITHUB_ENV file': run.envFile,
    'state (GITHUB_STATE)': JSON.stringify(run.state),
  };
}

beforeAll(async () => {
  [moto, github] = await Promise.all([startMoto(), startGitHubServer()]);
  github.addPull({ number: 42, state: 'open' });
  dir = await mkdtemp(join(tmpdir(), 'prenv-secrets-'));
  // test-report must be inside the workspace; reports/ is git-ignored.
  const reportRelative = `reports/secrets-${randomUUID()}`;
  reportDir = join(ROOT, reportRelative);
  await mkdir(reportDir, { recursive: true });
  const script = join(dir, 'e2e.sh');
  await writeFile(script, E2E_SCRIPT);
  await chmod(script, 0o755);
  run = await runAction({
    moto,
    github,
    inputs: {
      'app-dir': 'test/fixtures/apps/one-stack',
      'deployment-method': 'direct',
      bootstrap: 'true',
      'test-command': `sh ${script}`,
      'test-report': `${reportRelative}/*.xml`,
    },
    env: { ...CREDENTIALS, SECRETS_TEST_DIR: dir, SECRETS_TEST_REPORT_DIR: reportDir },
  });
}, 120_000);
afterAll(async () => {
  await Promise.all([moto?.stop(), github?.close()]);
  await Promise.all([
    dir === undefined ? undefined : rm(dir, { recursive: true, force: true }),
    reportDir === undefined ? undefined : rm(reportDir, { recursive: true, force: true }),
  ]);
});

describe('credentials on a deploy with an e2e command', () => {
  it('deploys and runs the e2e command, whose failing test fails the step', () => {
    expect(run.outputs.environment, run.log).toBe('pr-42');
    expect(run.outputs['test-result'], run.log).toBe('failed');
    expect(run.exitCode).toBe(1);
  });

  it('masks the secret key, the session token and the key id before anything prints them', () => {
    for (const secret of [SECRET_KEY, SESSION_TOKEN, ACCESS_KEY]) {
      const mask = run.log.indexOf(`::add-mask::${secret}\n`);
      expect(mask, `no ::add-mask:: for ${secret}`).toBeGreaterThanOrEqual(0);
      const firstUse = run.log.replaceAll(`::add-mask::${secret}\n`, '').indexOf(secret);
      // The only other place it shows is the e2e command's own echo, after the mask.
      if (firstUse >= 0) expect(firstUse).toBeGreaterThan(mask);
    }
    // Masks must come before the e2e output block: the runner ignores commands inside it.
    const stop = run.log.indexOf('::stop-commands::');
    expect(stop).toBeGreaterThan(0);
    expect(run.log.indexOf(`::add-mask::${SECRET_KEY}`)).toBeLessThan(stop);
    expect(run.log.indexOf(`::add-mask::${SESSION_TOKEN}`)).toBeLessThan(stop);
  });

  it('never writes them to the comment, GitHub, the summary, the outputs, GITHUB_ENV or the state', () => {
    for (const [place, text] of Object.entries(visibleOutside())) {
      for (const secret of [SECRET_KEY, SESSION_TOKEN, ACCESS_KEY]) {
        expect(text.includes(secret), `${secret} in ${place}`).toBe(false);
      }
    }
    expect(github.comments(42)).toHaveLength(1);
  });

  it('never writes them to the PRENV_OUTPUTS file', async () => {
    const copy = await readFile(join(dir, 'outputs-copy.json'), 'utf8');
    expect(JSON.parse(copy)).toHaveProperty(['pr-42-data', 'SiteUrl'], 'https://pr-42.example.invalid/');
    for (const secret of [SECRET_KEY, SESSION_TOKEN, ACCESS_KEY]) expect(copy).not.toContain(secret);
  });

  it('hands them to the e2e command, which needs them, but not the GitHub token or the OIDC source', async () => {
    const env = await readFile(join(dir, 'e2e-env.txt'), 'utf8');
    expect(env).toContain(`AWS_ACCESS_KEY_ID=${ACCESS_KEY}\n`);
    expect(env).toContain(`AWS_SECRET_ACCESS_KEY=${SECRET_KEY}\n`);
    expect(env).toContain(`AWS_SESSION_TOKEN=${SESSION_TOKEN}\n`);
    expect(env).toContain('PRENV_OUTPUTS=');
    expect(env).not.toContain(TEST_TOKEN);
    expect(env).not.toMatch(/^INPUT_/m);
    expect(env).not.toMatch(/^ACTIONS_ID_TOKEN_REQUEST_/m);
  });
});

describe("the e2e command's output", () => {
  it('runs between ::stop-commands:: markers, so its workflow commands are ignored', () => {
    const start = run.log.match(/::stop-commands::([0-9a-f-]{36})\n/);
    expect(start, run.log).not.toBeNull();
    const token = start?.[1] as string;
    const opened = run.log.indexOf(`::stop-commands::${token}\n`);
    const closed = run.log.indexOf(`\n::${token}::\n`);
    expect(closed).toBeGreaterThan(opened);
    for (const line of ['::set-output name=x::y', '::add-mask::from-the-test-command', 'LEAKY-STDOUT-LINE']) {
      const at = run.log.indexOf(line);
      expect(at, line).toBeGreaterThan(opened);
      expect(at, line).toBeLessThan(closed);
    }
    // The token is fresh: the command could not have ended the block itself.
    expect(run.log.split(token)).toHaveLength(3);
    expect(run.outputs).not.toHaveProperty('x');
    expect(Object.values(run.outputs)).not.toContain('y');
  });

  it('reaches the comment only as the failing test name and first message line, escaped', () => {
    const body = github.comments(42)[0]?.body ?? '';
    expect(body).toContain('Failing tests (1)');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('expected a \\| b');
    // No raw HTML, mention or link survives.
    expect(body).not.toContain('<script>');
    expect(body).not.toMatch(/@octocat/);
    expect(body).not.toContain('[x](https://evil');
    expect(body).not.toContain('](https://evil');
    // Nothing else from the command or its report: not stdout, not the rest of the message.
    for (const leak of ['LEAKY-STDOUT-LINE', 'SECOND-LINE-MUST-NOT-SHOW', 'LEAKY-TRACE', 'SECRET-ECHO']) {
      expect(body, leak).not.toContain(leak);
      expect(run.summary, leak).not.toContain(leak);
    }
  });

  it('shows the hostile name in the job summary escaped as well', () => {
    expect(run.summary).not.toContain('<script>');
    expect(run.summary).not.toContain('](https://evil');
    expect(run.summary).not.toMatch(/@octocat/);
  });
});

describe('OIDC', () => {
  it('masks the web identity token and the assumed role’s credentials before using them', async () => {
    github.reset();
    github.addPull({ number: 42, state: 'closed', merged: true });
    const oidc = await runAction({
      moto,
      github,
      idToken: true,
      event: 'pull-request-closed-merged',
      inputs: { 'role-to-assume': 'arn:aws:iam::111122223333:role/prenv-sandbox' },
    });
    expect(oidc.exitCode, oidc.log).toBe(0);
    const [issued] = github.oidcTokens();
    expect(issued?.audience).toBe('sts.amazonaws.com');
    const token = issued?.token as string;
    const mask = oidc.log.indexOf(`::add-mask::${token}\n`);
    expect(mask).toBeGreaterThanOrEqual(0);
    expect(oidc.log.replaceAll(`::add-mask::${token}\n`, '')).not.toContain(token);
    // The assumed role's secret is masked too (moto mints one per AssumeRoleWithWebIdentity).
    const masks = [...oidc.log.matchAll(/^::add-mask::(.+)$/gm)].map((match) => match[1]);
    expect(masks.length).toBeGreaterThanOrEqual(3);
    const everywhere = [
      oidc.summary,
      JSON.stringify(oidc.outputs),
      oidc.envFile,
      JSON.stringify(oidc.state),
      JSON.stringify(github.requests.map((request) => request.body ?? null)),
      ...github.comments(42).map((comment) => comment.body),
    ].join('\n');
    for (const secret of masks) expect(everywhere.includes(secret as string), secret).toBe(false);
  });
});
